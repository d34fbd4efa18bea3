"""The overlay's directives: the OpenAPI extensions that steer generation, all under one prefix.

Vendors use plain names such as `x-pagination` or `x-waiters` for their own purposes (with
their own shapes), so a plain name is never read as ours: only `x-chaser-*` keys steer the
generator (the overlay sets them for the Chaser spec). The repair stage reports each vendor
extension that has the plain name of a directive, and leaves it as it is.
"""

from __future__ import annotations

PREFIX = "x-chaser-"

SDK_NAME = PREFIX + "sdk-name"  # the method name inside its resource
PAGINATION = PREFIX + "pagination"  # {style: offset|cursor, items, ...}: auto-paginating lists
UNWRAP = PREFIX + "unwrap"  # the property of a one-field envelope the method returns
IDEMPOTENT = PREFIX + "idempotent"  # a POST that is safe to retry
IDEMPOTENCY_KEY = PREFIX + "idempotency-key"  # {in: body|header, name}: filled once per call
WAITERS = PREFIX + "waiters"  # polling helpers next to a read operation
MAX_BYTES = PREFIX + "max-bytes"  # upload size limit, checked before sending
SDK_HELPERS = PREFIX + "sdk-helpers"  # hand-written mixins per resource
MCP_BRIDGE = PREFIX + "mcp-bridge"  # a JSON-RPC MCP endpoint the CLI bridges to stdio

ALL = (SDK_NAME, PAGINATION, UNWRAP, IDEMPOTENT, IDEMPOTENCY_KEY, WAITERS, MAX_BYTES, SDK_HELPERS, MCP_BRIDGE)

# The plain names the directives had before they moved under the prefix: the names vendors use.
LOOKALIKES = {"x-" + name.removeprefix(PREFIX): name for name in ALL}
