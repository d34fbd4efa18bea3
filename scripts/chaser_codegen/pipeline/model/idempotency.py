"""x-chaser-idempotency-key: the body field or header that carries an operation's idempotency key.

    x-chaser-idempotency-key: {in: body, name: idempotency_key}
    x-chaser-idempotency-key: {in: header, name: Idempotency-Key}

An operation with one is safe to retry even after it may have reached the server: the generated
method fills the key with a fresh UUID4 when the caller gives none, once per call, and every
attempt of that call sends the same key, so the server acts once. The field (or header) may be
declared by the spec, and then it is also an argument of the method; a header the spec does not
declare is added to the request by the method. A body field must be a declared property.

Whether a method may be retried at all (`is_idempotent`) is decided here too: by its HTTP method,
by x-chaser-idempotent, or by its idempotency key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import directives, runtime_source
from ...errors import PipelineError
from .types import Body, Field, IdempotencyKey

EXTENSION = directives.IDEMPOTENCY_KEY


def idempotency_key_of(
    operation: dict[str, Any],
    body: Body | None,
    header_params: tuple[Field, ...],
    error: Callable[..., PipelineError],
    pointer: tuple[str, ...],
) -> IdempotencyKey | None:
    """The key of an operation, checked against its parameters and body, or None."""
    spec = operation.get(EXTENSION)
    if spec is None:
        return None
    where = (*pointer, EXTENSION)
    location, name = (spec.get("in"), spec.get("name")) if isinstance(spec, dict) else (None, None)
    if location not in ("body", "header") or not isinstance(name, str) or not name:
        raise error(f"{EXTENSION} needs in: body or header, and a name", *where)
    if location == "header":
        if not name.isascii() or any(c in name for c in " :\r\n\"'\\"):
            raise error(f"{EXTENSION} names the header {name!r}, which is not a valid header name", *where)
        declared = next((f for f in header_params if f.wire_name.raw.lower() == name.lower()), None)
        return IdempotencyKey("header", name, declared.arg_name if declared else None)
    fields = body.fields if body is not None and body.flattened else ()
    declared = next((f for f in fields if f.wire_name.raw == name), None)
    if declared is None:
        raise error(
            f"{EXTENSION} names the body field {name!r}, which is not a property of the operation's JSON body",
            *where,
            hint="the body changed upstream: update or remove the x-chaser-idempotency-key action in spec/overlay.yaml",
        )
    if "str" not in declared.annotation.split(" | "):
        raise error(f"{EXTENSION} names {name!r}, which is not a string field", *where)
    return IdempotencyKey("body", name, declared.arg_name)


def is_idempotent(method: str, operation: dict[str, Any], key: IdempotencyKey | None) -> bool:
    """Whether the SDK may resend the operation after a failure that may have reached the server."""
    idempotent_methods = runtime_source.constant("_retry.py", "IDEMPOTENT_METHODS")  # the runtime's own list
    return (
        method.upper() in idempotent_methods
        or operation.get(directives.IDEMPOTENT) is True
        or key is not None
    )
