"""What the spec says about the MCP endpoint, as the generated CLI hands it to the bridge."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BridgeSpec:
    """The MCP endpoint of the spec (an operation marked x-chaser-mcp-bridge in the overlay)."""

    operation: str  # the SDK method of the endpoint, such as "mcp.call"
    path: str  # its path, such as "/v1/mcp"
    methods: tuple[str, ...]  # the JSON-RPC methods the spec documents
    retry_safe: tuple[str, ...]  # those that may be resent after a failure that may have reached the API
    auth_scheme: str  # the bearer security scheme the API key is sent for
    cli_path: tuple[str, ...]  # the command group: `chaser-core <cli_path...> serve`
    # The operation's request (method, URL, headers) from the low-level layer, without a body.
    request: Callable[[], dict[str, Any]]

    def retryable(self, methods: Iterable[str]) -> bool:
        """Whether a POST carrying requests for these methods may be sent again after it may have
        reached the API. Notifications and responses never are (an empty `methods`)."""
        names = list(methods)
        return bool(names) and all(name in self.retry_safe for name in names)

    @property
    def serve_args(self) -> list[str]:
        """The arguments after `chaser-core` that start the bridge."""
        return [*self.cli_path, "serve"]
