"""Request bodies built from keyword arguments.

Most bodies are one model, built directly by the generated method. A body the spec declares
as a union of models (`oneOf`) gets the union of their properties as keyword arguments; the
first variant whose properties include every argument given is the one sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from ._api.types import Unset

M = TypeVar("M")


def as_model(cls: type[M], value: M | Mapping[str, Any]) -> M:
    """Accept a plain dict (in wire format, as in the API docs) wherever a model is expected."""
    if isinstance(value, Mapping):
        model: M = getattr(cls, "from_dict")(value)  # noqa: B009 - every generated model has from_dict
        return model
    return value


def as_optional_model(cls: type[M], value: M | Mapping[str, Any] | Unset) -> M | Unset:
    if isinstance(value, Unset):
        return value
    return as_model(cls, value)


def pick_variant(variants: tuple[tuple[type[Any], tuple[str, ...]], ...], values: dict[str, Any]) -> Any:
    given = {name for name, value in values.items() if not isinstance(value, Unset)}
    problems = []
    for cls, fields in variants:
        if not given <= set(fields):
            continue
        try:
            return cls(**{name: values[name] for name in fields if name in given})
        except TypeError as exc:  # a required property of this variant is missing
            problems.append(f"{cls.__name__}: {exc}")
    names = ", ".join(sorted(given)) or "no arguments"
    detail = f" ({'; '.join(problems)})" if problems else ""
    raise TypeError(f"no variant of the request body takes {names}{detail}")


def as_variant(variants: tuple[type[Any], ...], value: Any) -> Any:
    """A body that is a union of models: a model passes through; a plain dict becomes the first
    variant whose from_dict accepts it."""
    if not isinstance(value, Mapping):
        return value
    problems = []
    for cls in variants:
        try:
            return getattr(cls, "from_dict")(value)  # noqa: B009 - every generated model has from_dict
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{cls.__name__}: {exc}")
    raise TypeError("the body matches no variant (" + "; ".join(problems) + ")")
