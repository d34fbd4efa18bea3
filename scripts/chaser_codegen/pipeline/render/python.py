"""How the Python surface spells the model: arguments, signatures, docstrings, examples and
the parsers a method reads its response with."""

from __future__ import annotations

from typing import Any

from ...escaping import SpecText
from ...names import qualify_builtins, shadowed_builtins
from ..model import Field, Operation, Parser, ParserKind, Resource, Waiter, WireRule


def _tuple_display(names: tuple[str, ...]) -> str:
    """A tuple of names without a trailing comma (ruff would split it one per line), except the
    one a one-element tuple needs."""
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"  # () when empty


def value_expr(f: Field) -> str:
    """The expression that passes this argument on to the low-level layer."""
    if f.model_class is not None:
        convert = "as_model" if f.required else "as_optional_model"
        return f"{convert}({f.model_class}, {f.arg_name})"
    if f.has_files:
        return f"uploads({f.arg_name}, field={f.arg_name!r}, limit={f.max_bytes!r})"
    if f.binary_variant or (f.variant_classes and f.location == "body" and f.python_name == "body"):
        return f"as_body({_tuple_display(f.variant_classes)}, {f.arg_name}, binary={f.binary_variant})"
    if f.variant_classes:
        return f"as_variant({_tuple_display(f.variant_classes)}, {f.arg_name})"
    if not f.is_file:
        return f.arg_name
    convert = f"to_file({f.arg_name}, field={f.arg_name!r}, limit={f.max_bytes!r})"
    if f.required:
        return convert
    return f"UNSET if isinstance({f.arg_name}, Unset) else {convert}"


def signature_default(f: Field) -> str | None:
    """An optional argument defaults to UNSET, whatever the spec's `default`: unset means absent
    (docs/policies.md, "Results and request bodies"); the docstring shows the spec's default."""
    if not f.required:
        return "UNSET"
    return f.default


def parser_expr(parser: Parser) -> str:
    """The expression that builds the runtime parser (chaser_core._parsing imported as `_p`)."""
    function = f"_p.{parser.kind.value}"
    if parser.kind is ParserKind.FIELD:
        return f"{function}({parser_expr(parser.inner[0])}, lambda body: body.{parser.attr})"
    arguments = [parser.type_name] if parser.type_name is not None else []
    arguments += [parser_expr(inner) for inner in parser.inner]
    return f"{function}({', '.join(arguments)})"


def in_class(annotation: str, resource: Resource) -> str:
    """An annotation as written inside this resource's class body, where members may shadow builtins."""
    return qualify_builtins(annotation, shadowed_builtins(resource.member_names))


def returns_text(op: Operation) -> str:
    kind = op.result.kind
    if kind == "none":
        return "None."
    if kind == "bytes":
        return "The body as bytes (see also " + op.name + "_to_file)."
    if kind == "text":
        return "The body as text."
    return f"{op.result.annotation}."


def doc_return(op: Operation) -> str:
    if op.pagination:
        return f"SyncPage[{op.pagination.item_annotation}, {op.pagination.page_annotation}]"
    if op.is_streaming:
        return "Stream[ServerSentEvent]"
    return op.result.annotation


def waiter_subject(op: Operation) -> str:
    """The f-string fields that name what a waiter polls, for its error messages."""
    return ", ".join("{" + f.arg_name + "!r}" for f in op.path_params)


def _identifier_text(value: str) -> str:
    """Overlay state names shown in docstrings: keep only characters that are inert there."""
    return "".join(c for c in value if c.isalnum() or c in "_-") or "?"


def describe(w: Waiter) -> str:
    """The states a waiter waits for, in words."""
    if w.success:
        return " or ".join(_identifier_text(s) for s in w.success)
    return "no longer " + " or ".join(_identifier_text(s) for s in w.pending)


def describe_failure(w: Waiter) -> str:
    return " or ".join(_identifier_text(s) for s in w.failure) or "a failure state"


def resource_docstring(resource: Resource) -> str:
    names = ", ".join(op.name for op in resource.operations) or "no operations of its own"
    return f"client.{'.'.join(resource.path)}: {names}."


def anchor(resource: Resource) -> str:
    """The resource's heading anchor in api.md."""
    return "client" + "".join(resource.path)


def example_value(f: Field) -> Any:
    """A value of the field's type for the examples of the docs."""
    if f.choices:
        return f.choices[0]
    if "const" in f.json_schema:
        return f.json_schema["const"]
    return {
        "string": "text",
        "integer": 1,
        "number": 1.5,
        "boolean": True,
        "list": ["text"] if f.cli_item == "string" else [1],
        "file": b"...",
        "choice": "text",
    }.get(f.cli_kind, {})


def _example_literal(f: Field) -> str:
    if f.is_file:
        return 'Path("local-file")'
    return repr(example_value(f))


def python_example(op: Operation) -> SpecText:
    """A call as a user writes it: path arguments, then the required keyword arguments."""
    args = [f'"{f.arg_name}_value"' for f in op.path_params]
    args += [
        f"{f.arg_name}={_example_literal(f)}" for f in op.keyword_fields if f.required and f.default is None
    ]
    call = f"client.{'.'.join(op.resource_path)}.{op.name}({', '.join(args)})"
    if op.pagination:
        return SpecText(f"for item in {call}:\n    print(item)")
    if op.is_streaming:
        return SpecText(
            f"with {call} as events:\n    for event in events:\n        print(event.event, event.data)"
        )
    if op.result.kind == "none":
        return SpecText(call)
    return SpecText(f"result = {call}")


def _exact(value: str | SpecText) -> str:
    """A string literal of the exact value (spec text included: ascii() escapes it whole)."""
    return ascii(value.raw if isinstance(value, SpecText) else value)


def wire_rule(rule: WireRule) -> str:
    """The chaser_core._wire.Rule of a parameter or a form field (the module imported as `_wire`)."""
    args = [_exact(rule.location), _exact(rule.name), _exact(rule.style), str(rule.explode)]
    if rule.allow_reserved or rule.content_type is not None:
        args.append(str(rule.allow_reserved))
    if rule.content_type is not None:
        args.append(_exact(rule.content_type))
    return f"_wire.Rule({', '.join(args)})"


def wire_call(op: Operation, low_level: str) -> str:
    """The low-level request of `op` re-encoded by the spec's rules (chaser_core._wire.encoded),
    or as it is when the low-level layer's encoding already is the spec's."""
    if not op.wire_encoded:
        return low_level
    parameters = [f"({wire_rule(f.wire)}, {f.arg_name})" for f in op.parameters if f.wire is not None]
    shown = "(" + ", ".join(parameters) + ("," if len(parameters) == 1 else "") + ")"
    form = ""
    if op.body is not None and (op.body.kind == "form" or op.body.form_rules):
        rules = [wire_rule(rule) for rule in op.body.form_rules]
        form = ", form=(" + ", ".join(rules) + ("," if len(rules) == 1 else "") + ")"
    return f"_wire.encoded({low_level}, {_exact(op.path_text)}, {shown}{form})"


FILTERS = {
    "wire_rule": wire_rule,
    "wire_call": wire_call,
    "value_expr": value_expr,
    "signature_default": signature_default,
    "parser_expr": parser_expr,
    "in_class": in_class,
    "returns_text": returns_text,
    "doc_return": doc_return,
    "waiter_subject": waiter_subject,
    "describe": describe,
    "describe_failure": describe_failure,
    "resource_docstring": resource_docstring,
    "anchor": anchor,
    "python_example": python_example,
}
