"""Operations grouped into resources (by tag), and the checks that their members do not clash."""

from __future__ import annotations

from ...errors import PipelineError
from ...names import kebab
from ..opc_compat import GeneratorData
from .mcp_bridge import MCP_BRIDGE_COMMANDS
from .types import Operation, Resource

# Suffixes of a resource class, in order of preference, for when the spec has a model named so.
CLASS_SUFFIXES = ("Resource", "API", "Operations")


def group(operations: list[Operation], source: str) -> list[Resource]:
    """The top-level resources, each with its operations and sub-resources, in document order."""
    by_path: dict[tuple[str, ...], Resource] = {}
    top: list[Resource] = []

    def resource(path: tuple[str, ...]) -> Resource:
        if path in by_path:
            return by_path[path]
        node = Resource(path)
        by_path[path] = node
        if len(path) == 1:
            top.append(node)
        else:
            resource(path[:-1]).children.append(node)
        return node

    seen: dict[str, Operation] = {}
    for op in operations:
        qualified = op.qualified_name
        if qualified in seen:
            raise PipelineError(
                "model",
                f"{seen[qualified].key} and {op.key} are both named {qualified}",
                location=f"{source} {op.pointer}",
                hint="give one of them another x-chaser-sdk-name in spec/overlay.yaml",
            )
        seen[qualified] = op
        resource(op.resource_path).operations.append(op)
    return top


def avoid_model_names(resources: list[Resource], data: GeneratorData) -> None:
    """Resource classes must not share a name with a model the resource module imports."""
    models = {str(m.class_info.name) for m in data.models} | {str(e.class_info.name) for e in data.enums}
    for resource in (r for top in resources for r in top.walk()):
        for suffix in CLASS_SUFFIXES:
            resource.class_suffix = suffix
            base = resource.class_name
            if not {base, f"Async{base}", f"{base}WithRawResponse", f"Async{base}WithRawResponse"} & models:
                break


def check_member_collisions(resources: list[Resource], source: str) -> None:
    for top in resources:
        for res in top.walk():
            names: dict[str, str] = {}
            members = [(op.name, op.key) for op in res.operations]
            members += [(child.attr, f"resource {'.'.join(child.path)}") for child in res.children]
            for op in res.operations:
                members += [(w.name, f"waiter on {op.key}") for w in op.waiters]
                if op.is_streaming:
                    members.append((f"{op.name}_url", f"URL helper of {op.key}"))
                if op.is_binary:
                    members.append((f"{op.name}_to_file", f"file download of {op.key}"))
            members += [(m, f"helper {res.helper}") for m in res.helper_methods]
            for name, what in members:
                if name in names:
                    raise PipelineError(
                        "model",
                        f"{'.'.join(res.path)}.{name} would be both {names[name]} and {what}",
                        location=source,
                        hint="rename one of them with x-chaser-sdk-name in spec/overlay.yaml",
                    )
                names[name] = what


def check_mcp_bridges(operations: list[Operation], resources: list[Resource], source: str) -> None:
    """One bridge per API, and its commands must not shadow the commands of its group."""
    bridged = [op for op in operations if op.mcp_bridge is not None]
    if len(bridged) > 1:
        raise PipelineError(
            "model",
            f"x-chaser-mcp-bridge marks {bridged[0].key} and {bridged[1].key}; one bridge serves one endpoint",
            location=f"{source} {bridged[1].pointer}",
        )
    by_path = {r.path: r for top in resources for r in top.walk()}
    for op in bridged:
        group_ = by_path[op.resource_path]
        # Commands are named as the members they call, in kebab-case (render/cli.py).
        taken = {kebab(o.name) for o in group_.operations} | {kebab(child.attr) for child in group_.children}
        clash = sorted(taken & set(MCP_BRIDGE_COMMANDS))
        if clash:
            command = " ".join(kebab(segment) for segment in op.resource_path)
            raise PipelineError(
                "model",
                f"the bridge's `{command} {clash[0]}` would shadow a command of the same name",
                location=f"{source} {op.pointer}",
                hint="rename that operation with x-chaser-sdk-name in spec/overlay.yaml",
            )
