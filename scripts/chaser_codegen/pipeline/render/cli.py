"""How the `chaser-core` command line spells the model: command and option names, help texts,
the click functions of each command and group, and examples."""

from __future__ import annotations

import json
import re

from ...escaping import SpecText
from ...names import kebab
from ..model import Field, Operation, Resource
from ..model.mcp_bridge import MCP_BRIDGE_COMMANDS
from .api_names import const
from .python import example_value


def cli_name(node: Field | Operation | Resource) -> str:
    """A command (operation), group (resource) or option (field) name, in kebab-case."""
    if isinstance(node, Field):
        return kebab(node.arg_name.rstrip("_"))
    if isinstance(node, Operation):
        return kebab(node.name)
    return kebab(node.attr)


def cli_help(node: Field | Operation | Resource) -> SpecText | str:
    if isinstance(node, Field):
        if node.description:
            return node.description
        if node.cli_kind == "json":
            return SpecText(f"JSON value, or @file.json, for {node.wire_name.raw}")
        return SpecText(f"{node.location} parameter {node.wire_name.raw}")
    if isinstance(node, Operation):
        parts = [p.raw for p in (node.summary, node.description) if p]
        return SpecText("\n\n".join(parts) or node.method.upper())
    commands = [cli_name(op) for op in node.operations] + [cli_name(child) for child in node.children]
    if any(op.mcp_bridge for op in node.operations):
        commands += MCP_BRIDGE_COMMANDS
    return "Commands: " + ", ".join(commands) + "."


def cli_short_help(op: Operation) -> SpecText:
    return op.summary or SpecText(f"{op.method.upper()} {op.path}")


def http_line(op: Operation) -> SpecText:
    return SpecText(f"{op.method.upper()} {op.path}")


def cli_keyword(f: Field) -> bool:
    """Whether the CLI passes it to the client method (else as raw JSON via extra_body)."""
    return (
        f.required
        or f.cli_kind != "json"
        or f.model_class is not None
        or f.annotation.split(" |")[0] == "Any"
    )


def cli_options(op: Operation) -> list[tuple[Field, str]]:
    """(field, option name) of every keyword field; names the command uses itself get a prefix."""
    reserved = {"format", "help"}
    reserved |= {"data"} if op.body else set()
    reserved |= {"all"} if op.pagination else set()
    reserved |= {"wait", "wait-timeout", "wait-interval"} if op.waiters else set()
    reserved |= {"output"} if op.is_binary else set()
    options = []
    for f in op.keyword_fields:
        name = cli_name(f)
        if name in reserved:
            name = f"{f.location}-{name}"
        options.append((f, name))
    return options


def cli_path(op: Operation) -> tuple[str, ...]:
    """The command group of the operation: `chaser-core <cli_path...> <cli_name>`."""
    return tuple(kebab(segment) for segment in op.resource_path)


def cli_function(node: Operation | Resource) -> str:
    """The Python function of a command or group in the generated CLI module."""
    if isinstance(node, Operation):
        return f"_cmd{const(node).lower()}"
    return "_group_" + "_".join(node.path)


def parent_cli_function(resource: Resource) -> str:
    return "_group_" + "_".join(resource.path[:-1])


def _shell_quote(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_.:/@-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def _example_text(f: Field) -> str:
    value = example_value(f)
    return value if isinstance(value, str) else json.dumps(value)


def cli_example(op: Operation) -> SpecText:
    words = ["chaser-core", *cli_path(op), cli_name(op)]
    words += [f.arg_name.rstrip("_").upper() for f in op.path_params]
    for f, option in cli_options(op):
        if f.required and f.default is None:
            value = "@./local-file" if f.is_file else _shell_quote(_example_text(f))
            words.append(f"--{option} {value}")
    if op.pagination:
        words.append("--all")
    if op.is_binary:
        words.append("-o out.bin")
    return SpecText(" ".join(words))


FILTERS = {
    "cli_name": cli_name,
    "cli_help": cli_help,
    "cli_short_help": cli_short_help,
    "http_line": http_line,
    "cli_keyword": cli_keyword,
    "cli_options": cli_options,
    "cli_path": cli_path,
    "cli_function": cli_function,
    "parent_cli_function": parent_cli_function,
    "cli_example": cli_example,
}
