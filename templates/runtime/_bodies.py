"""Request bodies built from keyword arguments.

Most bodies are one model, built directly by the generated method. A body the spec declares
as a union of models (`anyOf` or `oneOf`) gets the union of their properties as keyword
arguments, and `pick_variant` builds it. The rule is never to refuse, client-side, a body the
API can accept:

- a variant that declares every argument given is sent as it is;
- arguments spread over several variants are all sent too, when a variant is open (it takes
  properties it does not declare, as JSON Schema objects do unless `additionalProperties: false`):
  that variant carries the arguments it does not declare as additional properties;
- only a mix that no variant can take (every one of them closed) is refused, before anything is
  sent, with what each variant takes.

A plain dict given where a closed model is expected is checked the same way: a key the model
does not declare would be dropped silently by its `from_dict`, so it is refused, with the closest
name it does declare (most likely a typo).
"""

from __future__ import annotations

import datetime
import difflib
import enum
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs

from ._api.types import File, Unset

M = TypeVar("M")

Variant = tuple[type[Any], tuple[str, ...]]


def is_open(cls: type[Any]) -> bool:
    """Whether a generated model takes properties it does not declare (its additional_properties)."""
    return attrs.has(cls) and "additional_properties" in attrs.fields_dict(cls)


def model_from_wire(cls: type[M], values: Mapping[str, Any]) -> M:
    """A JSON or form body from its properties by wire name. A property may be a model or a plain dict
    (in wire format, as in the API docs), at any depth: a list of models given as dicts, a union
    given as a dict. UNSET properties are left out."""
    wire = {name: to_wire(value) for name, value in values.items() if not isinstance(value, Unset)}
    model: M = _from_dict(cls, wire)
    return model


def as_model(cls: type[M], value: M | Mapping[str, Any]) -> M:
    """Accept a plain dict (in wire format, as in the API docs) wherever a model is expected."""
    if isinstance(value, Mapping):
        model: M = _from_dict(cls, value)
        return model
    return value


def as_optional_model(cls: type[M], value: M | Mapping[str, Any] | Unset) -> M | Unset:
    if isinstance(value, Unset):
        return value
    return as_model(cls, value)


def pick_variant(
    variants: tuple[Variant, ...],
    values: dict[str, Any],
    *,
    wire_names: Mapping[str, str] | None = None,
    from_wire: bool = False,
) -> Any:
    """The body of a union of models, from the keyword arguments of all its variants.

    `variants` pairs each model class with the argument names it declares; `values` holds every
    argument (UNSET when not given); `wire_names` maps the arguments whose name on the wire differs.
    A JSON or form body (`from_wire=True`) is built from wire values: dicts are read at any depth.
    """
    given = [name for name, value in values.items() if not isinstance(value, Unset)]
    problems: list[str] = []
    tried: set[type[Any]] = set()
    wire = wire_names or {}
    for cls, fields in variants:
        if set(given) <= set(fields):
            tried.add(cls)
            model = _build(cls, given, values, problems, wire if from_wire else None)
            if model is not None:
                return model
    # The arguments span several variants: the open variant that declares the most of them
    # carries the others (sorted() is stable, so ties keep the spec's order).
    carriers = sorted(
        (variant for variant in variants if variant[0] not in tried and is_open(variant[0])),
        key=lambda variant: -len(set(given) & set(variant[1])),
    )
    for cls, fields in carriers:
        model = _build(cls, [name for name in given if name in fields], values, problems, wire if from_wire else None)
        if model is not None:
            model.additional_properties.update(
                {wire.get(name, name): to_wire(values[name]) for name in given if name not in fields}
            )
            return model
    raise TypeError(_refusal(variants, given, problems))


def as_variant(variants: tuple[type[Any], ...], value: Any) -> Any:
    """A body that is a union of models: a model passes through; a plain dict becomes the first
    variant that takes it whole (an open variant takes keys it does not declare)."""
    if not isinstance(value, Mapping):
        return value
    problems = []
    for cls in variants:
        try:
            return _from_dict(cls, value)
        except TypeError as exc:
            problems.append(str(exc))
    raise TypeError("the body matches no variant (" + "; ".join(problems) + ")")


def as_body(variants: tuple[type[Any], ...], value: Any, *, binary: bool) -> Any:
    """The body of an operation that takes several content types, from what the caller gave.

    A model of one of them passes as it is; a plain dict becomes the first model (in the spec's
    order, JSON first as a rule) that takes it whole; bytes, text, a path or a file object is
    the binary one. Anything else is refused here rather than sent as no body at all.
    """
    from ._files import to_file

    if isinstance(value, Unset | File) or isinstance(value, variants):
        return value
    if isinstance(value, Mapping) and variants:
        return as_variant(variants, value)
    if binary and not isinstance(value, Mapping):
        return to_file(value, field="body", limit=None)
    takes = [cls.__name__ for cls in variants] + (["bytes, text, a path or a file object"] if binary else [])
    raise TypeError(f"the body must be one of: {'; '.join(takes)} (got {type(value).__name__})")


def to_wire(value: Any) -> Any:
    """A keyword argument's value as JSON, the way a generated model's to_dict() writes it."""
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): to_wire(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_wire(item) for item in value]
    return value


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest candidate, or nothing when none is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- helpers ------------------------------------------------------------------------------------


def _build(
    cls: type[Any], names: list[str], values: dict[str, Any], problems: list[str], wire: Mapping[str, str] | None
) -> Any:
    """One variant from the named arguments: through from_dict when `wire` (the wire names of the
    renamed ones) is given, so that dicts inside are read too; else with its constructor."""
    try:
        if wire is not None:
            return _from_dict(cls, {wire.get(name, name): to_wire(values[name]) for name in names})
        return cls(**{name: values[name] for name in names})
    except TypeError as exc:  # a required property of this variant is missing
        problems.append(f"{cls.__name__}: {exc}")
        return None


def _refusal(variants: tuple[Variant, ...], given: list[str], problems: list[str]) -> str:
    names = " and ".join(", ".join(sorted(given)).rsplit(", ", 1)) or "no arguments"
    takes = "; ".join(f"{cls.__name__} takes {', '.join(fields) or 'nothing'}" for cls, fields in variants)
    closed = [cls.__name__ for cls, _ in variants if not is_open(cls)]
    why = " (every variant is closed: additionalProperties is false)" if len(closed) == len(variants) else ""
    detail = f"; {'; '.join(problems)}" if problems else ""
    return f"no variant of the request body takes {names} together{why}: {takes}{detail}"


def _from_dict(cls: type[Any], value: Mapping[str, Any]) -> Any:
    """cls.from_dict(value), or a TypeError that says what does not fit, with the likely typo."""
    try:
        model = getattr(cls, "from_dict")(value)  # noqa: B009 - every generated model has from_dict
    except KeyError as exc:  # from_dict reads a required key that is not there
        missing = str(exc.args[0]) if exc.args else "?"
        close = difflib.get_close_matches(missing, [str(key) for key in value], n=1)
        typo = f" ({close[0]!r} given: did you mean {missing!r}?)" if close else ""
        raise TypeError(f"{cls.__name__} needs {missing!r}{typo}") from None
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{cls.__name__}: {exc}") from None
    if not is_open(cls):
        # A closed model's from_dict skips keys it does not declare, and its to_dict would then
        # drop them without a word: refuse them instead.
        kept = model.to_dict()
        dropped = [str(key) for key in value if key not in kept]
        if dropped:
            candidates = [name for name in attrs.fields_dict(cls) if name not in kept] if attrs.has(cls) else []
            hints = ", ".join(f"{key!r}{did_you_mean(key, candidates)}" for key in dropped)
            raise TypeError(f"{cls.__name__} does not take {hints}: it takes no property it does not declare")
    return model
