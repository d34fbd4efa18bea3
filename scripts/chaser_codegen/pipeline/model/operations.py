"""One operation of the spec, paired with openapi-python-client's endpoint for it, as an `Operation`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...errors import json_pointer
from ...escaping import spec_text
from ...names import RESERVED_MEMBER_NAMES, ascii_identifier
from .bodies import body_of
from .context import Pointer, SpecContext
from .fields import parameter_fields, renamed
from .idempotency import idempotency_key_of, is_idempotent
from .mcp_bridge import mcp_bridge_of
from .pagination import pagination_of
from .results import accept_of, result_of
from .security import requirement_of
from .types import Operation, SecurityScheme
from .waiters import waiters_of

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The resource of an operation without tags.
DEFAULT_RESOURCE = "default"


def iter_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, method, operation) for every operation, in document order."""
    found = []
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                found.append((path, method, operation))
    return found


def operation_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def resource_path_of(ctx: SpecContext, operation: dict[str, Any], pointer: Pointer) -> tuple[str, ...]:
    """The resource an operation belongs to: its first tag, dotted for sub-resources."""
    tags = operation.get("tags") or [DEFAULT_RESOURCE]
    resource_path = []
    for segment in str(tags[0]).split("."):
        name = ascii_identifier(segment, prefix="r")
        if name is None or name in RESERVED_MEMBER_NAMES:
            raise ctx.error(f"the tag {tags[0]!r} gives no usable resource name", *pointer, "tags")
        resource_path.append(name)
    return tuple(resource_path)


def build_operation(
    ctx: SpecContext,
    path: str,
    method: str,
    operation: dict[str, Any],
    schemes: tuple[SecurityScheme, ...] = (),
) -> Operation:
    pointer = ("paths", path, method)
    found = ctx.endpoint(method, path)
    if found is None:
        raise ctx.error(
            f"openapi-python-client produced no endpoint for {operation_key(method, path)}",
            *pointer,
            hint="list the operation in spec/exclusions.yaml with a reason, or fix it with the overlay",
        )
    tag, endpoint = found
    resource_path = resource_path_of(ctx, operation, pointer)
    raw_name = operation.get("x-sdk-name") or str(endpoint.name)
    name = ascii_identifier(str(raw_name), prefix="op")
    if name is None or name.startswith("_") or name in RESERVED_MEMBER_NAMES:
        raise ctx.error(f"{raw_name!r} is not usable as a method name", *pointer, "x-sdk-name")
    path_item = ctx.document["paths"][path]
    path_params = parameter_fields(ctx, endpoint.path_parameters, "path", operation, path_item)
    query_params = parameter_fields(ctx, endpoint.query_parameters, "query", operation, path_item)
    header_params = parameter_fields(ctx, endpoint.header_parameters, "header", operation, path_item)
    cookie_params = parameter_fields(ctx, endpoint.cookie_parameters, "cookie", operation, path_item)
    taken = {f.python_name for f in path_params + query_params + header_params + cookie_params}
    body = body_of(ctx, endpoint, operation, taken)
    path_params, query_params, header_params, cookie_params = (
        renamed(fields) for fields in (path_params, query_params, header_params, cookie_params)
    )
    if body is not None and body.flattened:
        body = replace(body, fields=renamed(body.fields))
    result = result_of(ctx, endpoint, operation, pointer)
    key = idempotency_key_of(operation, body, header_params, ctx.error, pointer)
    security = requirement_of(ctx, operation.get("security", ctx.document.get("security")), schemes, pointer)
    return Operation(
        key=operation_key(method, path),
        operation_id=str(endpoint.name),
        method=method,
        path=path,
        resource_path=resource_path,
        name=name,
        summary=spec_text(operation.get("summary")),
        description=spec_text(operation.get("description")),
        deprecated=bool(operation.get("deprecated")),
        path_params=path_params,
        query_params=query_params,
        header_params=header_params,
        cookie_params=cookie_params,
        body=body,
        result=result,
        idempotent=is_idempotent(method, operation, key),
        low_level_module=f"{tag}.{endpoint.name}",
        pointer=json_pointer(*pointer),
        pagination=pagination_of(ctx, operation, endpoint, result, query_params, pointer),
        waiters=waiters_of(ctx, operation, endpoint, ".".join(resource_path), pointer),
        mcp_bridge=mcp_bridge_of(ctx, operation, method, pointer),
        idempotency_key=key,
        security=security,
        security_is_default=security == requirement_of(ctx, ctx.document.get("security"), schemes, ()),
        accept=accept_of(ctx, operation),
    )
