"""x-chaser-mcp-bridge: the JSON-RPC endpoint that `chaser-core mcp serve` relays agents to."""

from __future__ import annotations

from typing import Any

from ... import directives
from ...escaping import SpecText
from .context import Pointer, SpecContext
from .types import McpBridge

EXTENSION = directives.MCP_BRIDGE
# The commands x-chaser-mcp-bridge adds to the operation's command group (`chaser-core mcp serve`).
MCP_BRIDGE_COMMANDS = ("serve", "install", "doctor")


def mcp_bridge_of(
    ctx: SpecContext, operation: dict[str, Any], method: str, pointer: Pointer
) -> McpBridge | None:
    spec = operation.get(EXTENSION)
    if spec is None:
        return None
    where = (*pointer, EXTENSION)
    retry_safe = spec.get("retry-safe", []) if isinstance(spec, dict) else None
    if not isinstance(retry_safe, list) or not all(isinstance(m, str) for m in retry_safe):
        raise ctx.error("x-chaser-mcp-bridge needs retry-safe: a list of JSON-RPC method names", *where)
    if method != "post":
        raise ctx.error("an MCP endpoint takes JSON-RPC messages by POST (Streamable HTTP)", *where)
    body = ctx.resolve(operation.get("requestBody") or {})
    schema = ctx.resolve(((body.get("content") or {}).get("application/json") or {}).get("schema") or {})
    method_schema = ctx.resolve((schema.get("properties") or {}).get("method"))
    if not isinstance(method_schema, dict):
        raise ctx.error(
            "x-chaser-mcp-bridge marks an operation whose JSON body has no `method`: not a JSON-RPC endpoint",
            *where,
            hint="the request body changed upstream: update or remove the x-chaser-mcp-bridge action in spec/overlay.yaml",
        )
    documented = method_schema.get("x-documented-values") or method_schema.get("enum") or []
    methods = [str(m) for m in documented if isinstance(m, str)]
    unknown = [m for m in retry_safe if m not in methods]
    if unknown:
        raise ctx.error(
            f"x-chaser-mcp-bridge resends {', '.join(unknown)}, which the operation no longer documents",
            *where,
            hint="upstream dropped a JSON-RPC method: update retry-safe in spec/overlay.yaml",
        )
    scheme = bearer_scheme(ctx, operation)
    if scheme is None:
        raise ctx.error(
            "the MCP bridge sends the SDK's API key as a bearer token, but the operation's security "
            "has no http bearer scheme",
            *where,
        )
    return McpBridge(
        methods=tuple(SpecText(m) for m in methods),
        retry_safe=tuple(SpecText(m) for m in retry_safe),
        auth_scheme=SpecText(scheme),
    )


def bearer_scheme(ctx: SpecContext, operation: dict[str, Any]) -> str | None:
    """The http bearer security scheme the operation accepts, if any."""
    requirements = operation.get("security", ctx.document.get("security")) or []
    schemes = (ctx.document.get("components") or {}).get("securitySchemes") or {}
    for requirement in requirements if isinstance(requirements, list) else []:
        for name in requirement if isinstance(requirement, dict) else {}:
            scheme = ctx.resolve(schemes.get(name))
            if (
                isinstance(scheme, dict)
                and scheme.get("type") == "http"
                and str(scheme.get("scheme", "")).lower() == "bearer"
            ):
                return str(name)
    return None
