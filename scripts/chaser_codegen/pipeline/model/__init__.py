"""The intermediate model every surface is rendered from, and how it is built.

`build_api` walks the normalized spec once, operation by operation, and pairs each operation
with the endpoint openapi-python-client parsed for it (the low-level parse runs first). Names
and Python types come from that parse, so the wrappers call the low-level layer with exactly its
own names and types; SDK choices come from the overlay's x- extensions. Templates only ever see
the plain data of `types`: spec text wrapped in `SpecText`, no openapi-python-client objects.

- `types`: the model's dataclasses
- `context`: what every builder reads (the spec, the low-level parse, error locations)
- `operations`: one operation, its parameters (`fields`), body (`bodies`), result (`results`,
  `parsers`) and extensions (`pagination`, `waiters`, `idempotency`, `mcp_bridge`)
- `resources`, `helpers`: operations grouped into resources, with their helper mixins
- `build`: the whole API
"""

from __future__ import annotations

from .build import build_api
from .operations import iter_operations, operation_key
from .types import (
    Api,
    Body,
    Exclusion,
    Field,
    FieldLocation,
    IdempotencyKey,
    McpBridge,
    Operation,
    Pagination,
    Parser,
    ParserKind,
    Resource,
    Result,
    SecurityRequirement,
    SecurityScheme,
    Waiter,
    WireRule,
)

__all__ = [
    "Api",
    "Body",
    "Exclusion",
    "Field",
    "FieldLocation",
    "IdempotencyKey",
    "McpBridge",
    "Operation",
    "Pagination",
    "Parser",
    "ParserKind",
    "Resource",
    "Result",
    "SecurityRequirement",
    "SecurityScheme",
    "Waiter",
    "WireRule",
    "build_api",
    "iter_operations",
    "operation_key",
]
