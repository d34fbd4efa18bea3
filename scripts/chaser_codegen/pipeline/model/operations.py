"""One operation of the spec, paired with openapi-python-client's endpoint for it, as an `Operation`."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ... import directives
from ...errors import json_pointer
from ...escaping import spec_text
from ...layout import HTTP_METHODS
from ...names import CLIENT_MEMBER_NAMES, RESERVED_MEMBER_NAMES, ascii_identifier
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
    """The resource an operation belongs to: its first tag, dotted for sub-resources; without a
    usable tag, the first segment of its path (what a person would call it)."""
    tags = operation.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], str) and tags[0].strip():
        resource_path = [ascii_identifier(segment, prefix="r") for segment in tags[0].split(".")]
        if all(name is not None and name not in RESERVED_MEMBER_NAMES for name in resource_path):
            return tuple(name for name in resource_path if name is not None)
    return (resource_from_path(str(pointer[1])),)


# Leading path segments that name no resource: versions and API prefixes (`/api/v2/users`).
_PATH_PREFIX = re.compile(
    r"^(api|apis|rest|v\d+(\.\d+)*([a-z]+\d*)?|\d+(\.\d+)*|\d{4}-\d{2}-\d{2})$", re.IGNORECASE
)


def resource_from_path(path: str) -> str:
    """`/v1/users/{id}/posts` -> `users`: the first segment that is neither a parameter nor a
    version or API prefix; `default` when the path has none (`/`, `/{id}`, `/v1`)."""
    for segment in path.split("/"):
        if not segment or "{" in segment or _PATH_PREFIX.match(segment):
            continue
        name = ascii_identifier(re.sub(r"\.(json|xml|ya?ml)$", "", segment), prefix="r")
        if name is not None and name not in RESERVED_MEMBER_NAMES:
            return name
        break
    return DEFAULT_RESOURCE


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
    # A top-level resource is a member of the client: one named like another member (a credential,
    # `client.api_key`, beside an `API Key` tag's resource) takes a trailing underscore.
    client_members = CLIENT_MEMBER_NAMES.union(*(scheme.arguments for scheme in schemes))
    while resource_path[0] in client_members:
        resource_path = (f"{resource_path[0]}_", *resource_path[1:])
    raw_name = operation.get(directives.SDK_NAME) or str(endpoint.name)
    name = ascii_identifier(str(raw_name), prefix="op")
    if name is None or name.startswith("_") or name in RESERVED_MEMBER_NAMES:
        raise ctx.error(f"{raw_name!r} is not usable as a method name", *pointer, directives.SDK_NAME)
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
