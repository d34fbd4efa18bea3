"""The MCP bridge: `chaser-core mcp serve|install|doctor`.

Agents expect a local MCP server that speaks JSON-RPC on stdin and stdout; the Chaser API serves
MCP over HTTP. `serve` relays one to the other with the SDK's own transport, `install` adds the
bridge to agents' MCP configuration files and `doctor` checks the whole chain. The generated
command module of the resource that owns the MCP endpoint (marked `x-chaser-mcp-bridge` in the spec
overlay) attaches these commands to its group with `add_bridge_commands`, passing the endpoint's
path, documented methods and retry-safe methods as a `BridgeSpec`.

Importing this package costs only click: the relay, the event loop and httpx are imported when a
command runs.
"""

from ._commands import add_bridge_commands
from ._spec import BridgeSpec

__all__ = ["BridgeSpec", "add_bridge_commands"]
