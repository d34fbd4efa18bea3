"""A large, realistic OpenAPI 3.1 document for the benchmarks (`scripts/bench --make-spec N`).

`make_spec(n)` builds a valid document with exactly `n` operations, spread over about n/6
resources (tags), each shaped like a real REST resource of the Chaser API:

    list    GET    /v1/<resource>                    offset pagination (x-pagination), filters
    get     GET    /v1/<resource>/{id}               path-item parameter, a waiter (x-waiters)
    create  POST   /v1/<resource>                    JSON body with an anyOf union, header param
    update  PATCH  /v1/<resource>/{id}               JSON body with allOf and nullable fields
    upload  POST   /v1/<resource>/{id}/attachments   multipart/form-data with a binary file
    events  GET    /v1/<resource>/{id}/events        text/event-stream (SSE), Last-Event-ID header
    delete  DELETE /v1/<resource>/{id}               (a 7th operation, when the share allows)
    action  POST   /v1/<resource>/{id}/actions/...   (any further operations)

Each resource has about 22 component schemas of its own: nested objects, enums, nullable
fields (3.1 type arrays and `anyOf [$ref, null]`), oneOf/anyOf unions of $refs, an allOf
extension, a self-recursive tree and a reference to the previous resource's main schema; a
few schemas (User, Error, ...) are shared by all. That is >= 3.4 schemas per operation, so
300 operations give more than 1,000 schemas.

The document depends only on `n` and `seed`: the same arguments give the same bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

DEFAULT_SEED = 20240607
OPERATIONS_PER_TAG = 6
# The order in which a resource gets its operations: every resource with at least six has
# all the constructs the benchmark promises (pagination, union bodies, multipart, SSE).
BASE_KINDS = ("list", "get", "create", "update", "upload", "events", "delete")
SHARED_SCHEMAS = ("User", "Role", "Error", "ErrorDetail", "ValidationError")

_PREFIXES = (
    "audit", "backup", "billing", "build", "cache", "cloud", "cluster", "compute", "data", "deploy",
    "edge", "event", "feature", "gateway", "identity", "image", "index", "ledger", "log", "metric",
    "network", "order", "policy", "queue", "release", "report", "route", "search", "secret",
    "storage", "stream", "task", "tenant", "usage", "vault", "web",
)  # fmt: skip
_NOUNS = (
    "agent", "alert", "archive", "asset", "batch", "bucket", "channel", "check", "config",
    "connector", "credential", "dataset", "device", "domain", "endpoint", "export", "filter",
    "flag", "hook", "instance", "job", "label", "lease", "link", "monitor", "node", "note",
    "pipeline", "plan", "pool", "probe", "profile", "project", "quota", "record", "region",
    "replica", "rule", "run", "schedule", "script", "snapshot", "template", "token", "trigger",
    "volume", "worker", "zone",
)  # fmt: skip


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable_ref(name: str) -> dict[str, Any]:
    return {"anyOf": [_ref(name), {"type": "null"}]}


def tag_names(count: int, seed: int = DEFAULT_SEED) -> list[tuple[str, str]]:
    """`count` distinct (snake_case tag, PascalCase schema prefix) pairs, in a seeded order."""
    combos = [(p, n) for p in _PREFIXES for n in _NOUNS]
    random.Random(seed).shuffle(combos)
    names = []
    for index in range(count):
        prefix, noun = combos[index % len(combos)]
        suffix = "" if index < len(combos) else str(index // len(combos) + 1)
        names.append((f"{prefix}_{noun}s{suffix}", f"{prefix.capitalize()}{noun.capitalize()}{suffix}"))
    return names


def operations_per_tag(n: int) -> list[int]:
    """How many operations each tag gets: about six each, the remainder spread over the first."""
    if n < 1:
        raise ValueError("a spec needs at least one operation")
    tags = max(1, n // OPERATIONS_PER_TAG)
    share, extra = divmod(n, tags)
    return [share + (1 if index < extra else 0) for index in range(tags)]


def kinds_for(count: int) -> list[str]:
    return list(BASE_KINDS[:count]) + [f"action{index + 1}" for index in range(count - len(BASE_KINDS))]


# ----------------------------------------------------------------------------------------------
# Schemas
# ----------------------------------------------------------------------------------------------


def shared_schemas() -> dict[str, Any]:
    return {
        "Role": {"type": "string", "enum": ["owner", "admin", "member", "viewer"]},
        "User": {
            "type": "object",
            "required": ["id", "email"],
            "properties": {
                "id": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "name": {"type": ["string", "null"]},
                "role": _ref("Role"),
            },
        },
        "ErrorDetail": {
            "type": "object",
            "required": ["field", "issue"],
            "properties": {"field": {"type": "string"}, "issue": {"type": "string"}},
        },
        "Error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "request_id": {"type": ["string", "null"]},
                "details": {"type": "array", "items": _ref("ErrorDetail")},
            },
        },
        "ValidationError": {
            "allOf": [
                _ref("Error"),
                {
                    "type": "object",
                    "properties": {"errors": {"type": "array", "items": _ref("ErrorDetail")}},
                },
            ]
        },
    }


def resource_schemas(
    p: str, previous: str | None, rng: random.Random, *, chained: bool = False
) -> dict[str, Any]:
    """The ~22 component schemas of one resource whose schema names start with `p`."""
    statuses = ["pending", "ready", "failed", "archived"]
    extra_status = rng.choice(["paused", "draining", "degraded", "scheduled"])
    main_properties: dict[str, Any] = {
        "id": {"type": "string", "description": f"Unique {p} identifier."},
        "name": {"type": "string", "maxLength": 128},
        "status": _ref(f"{p}Status"),
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "description": {"type": ["string", "null"], "description": "Free text; null when unset."},
        "owner": _ref("User"),
        "labels": {"type": "array", "items": {"type": "string"}},
        "metadata": _ref(f"{p}Metadata"),
        "spec": _ref(f"{p}Spec"),
        "attachments": {"type": "array", "items": _ref(f"{p}Attachment")},
        "source": {
            "oneOf": [_ref(f"{p}SourceGit"), _ref(f"{p}SourceUpload"), _ref(f"{p}SourceUrl")],
            "description": "Where the content came from.",
        },
        "settings": _ref(f"{p}SettingsExtended"),
        "tree": _ref(f"{p}Node"),
        "last_event": _nullable_ref(f"{p}Event"),
        "priority": {"type": ["integer", "null"], "minimum": 0},
    }
    if previous is not None:
        # A link to another resource, through its summary: real APIs cross-reference a lot,
        # but see `chained` in make_spec for what a chain of full objects costs.
        main_properties["related"] = _nullable_ref(previous if chained else f"{previous}Summary")
    return {
        p: {
            "type": "object",
            "description": f"A {p} resource.",
            "required": ["id", "name", "status", "created_at", "owner", "spec"],
            "properties": main_properties,
        },
        f"{p}Status": {"type": "string", "enum": [*statuses, extra_status]},
        f"{p}Summary": {
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "status": _ref(f"{p}Status"),
            },
        },
        f"{p}Metadata": {
            "type": "object",
            "properties": {
                "version": {"type": "integer"},
                "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
                "etag": {"type": ["string", "null"]},
            },
        },
        f"{p}Spec": {
            "type": "object",
            "required": ["resources"],
            "properties": {
                "resources": _ref(f"{p}Resources"),
                "limits": _nullable_ref(f"{p}Limits"),
                "replicas": {"type": "integer", "minimum": 1, "default": 1},
            },
        },
        f"{p}Resources": {
            "type": "object",
            "properties": {
                "cpu": {"type": "number"},
                "memory_mb": {"type": "integer"},
                "gpu": {"type": "boolean", "default": False},
            },
        },
        f"{p}Limits": {
            "type": "object",
            "properties": {
                "max_items": {"type": ["integer", "null"]},
                "timeout_seconds": {"type": "number"},
            },
        },
        f"{p}Attachment": {
            "type": "object",
            "required": ["id", "kind", "size_bytes"],
            "properties": {
                "id": {"type": "string"},
                "kind": _ref(f"{p}AttachmentKind"),
                "size_bytes": {"type": "integer"},
                "url": {"type": ["string", "null"], "format": "uri"},
            },
        },
        f"{p}AttachmentKind": {"type": "string", "enum": ["file", "image", "log"]},
        f"{p}SourceGit": {
            "type": "object",
            "required": ["type", "repository"],
            "properties": {
                "type": {"type": "string", "enum": ["git"]},
                "repository": {"type": "string"},
                "ref": {"type": "string", "default": "main"},
            },
        },
        f"{p}SourceUpload": {
            "type": "object",
            "required": ["type", "upload_id"],
            "properties": {
                "type": {"type": "string", "enum": ["upload"]},
                "upload_id": {"type": "string"},
            },
        },
        f"{p}SourceUrl": {
            "type": "object",
            "required": ["type", "url"],
            "properties": {
                "type": {"type": "string", "enum": ["url"]},
                "url": {"type": "string", "format": "uri"},
                "checksum": {"type": ["string", "null"]},
            },
        },
        f"{p}Settings": {
            "type": "object",
            "properties": {
                "retention_days": {"type": "integer", "default": 30},
                "notify": {"type": "boolean"},
                "mode": _ref(f"{p}Mode"),
            },
        },
        f"{p}Mode": {"type": "string", "enum": ["fast", "balanced", "thorough"]},
        f"{p}SettingsExtended": {
            "allOf": [
                _ref(f"{p}Settings"),
                {
                    "type": "object",
                    "properties": {
                        "schedule": {"type": ["string", "null"]},
                        "window": _ref(f"{p}Window"),
                    },
                },
            ]
        },
        f"{p}Window": {
            "type": "object",
            "required": ["start"],
            "properties": {
                "start": {"type": "string", "format": "date-time"},
                "end": {"type": ["string", "null"], "format": "date-time"},
            },
        },
        f"{p}Node": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": _ref(f"{p}Node")},
            },
        },
        f"{p}Event": {
            "type": "object",
            "required": ["id", "kind", "at"],
            "properties": {
                "id": {"type": "string"},
                "kind": _ref(f"{p}EventKind"),
                "at": {"type": "string", "format": "date-time"},
                "subject": _ref(f"{p}Summary"),
                "data": {"type": "object", "additionalProperties": True},
            },
        },
        f"{p}EventKind": {"type": "string", "enum": ["created", "updated", "deleted", "progress"]},
        f"{p}List": {
            "type": "object",
            "description": f"One page of {p} objects.",
            "required": ["items", "total"],
            "properties": {
                "items": {"type": "array", "items": _ref(p)},
                "total": {"type": "integer", "description": "How many there are in all."},
                "has_more": {"type": "boolean"},
            },
        },
        f"{p}CreateRequest": {
            "type": "object",
            "required": ["name", "spec"],
            "properties": {
                "name": {"type": "string", "maxLength": 128},
                "description": {"type": ["string", "null"]},
                "labels": {"type": "array", "items": {"type": "string"}},
                "spec": _ref(f"{p}Spec"),
                "source": {"anyOf": [_ref(f"{p}SourceGit"), _ref(f"{p}SourceUpload"), _ref(f"{p}SourceUrl")]},
                "settings": _ref(f"{p}Settings"),
            },
        },
        f"{p}UpdateRequest": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 128},
                "description": {"type": ["string", "null"]},
                "status": _ref(f"{p}Status"),
                "labels": {"type": ["array", "null"], "items": {"type": "string"}},
                "settings": _ref(f"{p}SettingsExtended"),
            },
        },
        f"{p}UploadRequest": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {
                    "type": "string",
                    "format": "binary",
                    "description": "The file contents.",
                    "x-max-bytes": 16 * 1024 * 1024,
                },
                "filename": {"type": "string"},
                "kind": _ref(f"{p}AttachmentKind"),
            },
        },
    }


def delete_schemas(p: str) -> dict[str, Any]:
    return {
        f"{p}DeleteResult": {
            "type": "object",
            "required": ["id", "deleted"],
            "properties": {
                "id": {"type": "string"},
                "deleted": {"type": "boolean"},
                "reason": _ref(f"{p}DeleteReason"),
            },
        },
        f"{p}DeleteReason": {"type": "string", "enum": ["requested", "expired", "policy"]},
    }


def action_schemas(p: str, action: str) -> dict[str, Any]:
    a = f"{p}{action.capitalize()}"
    return {
        f"{a}Request": {
            "type": "object",
            "required": ["mode"],
            "properties": {"mode": _ref(f"{a}Mode"), "dry_run": {"type": "boolean", "default": False}},
        },
        f"{a}Mode": {"type": "string", "enum": ["now", "later"]},
        f"{a}Result": {
            "type": "object",
            "required": ["accepted"],
            "properties": {"accepted": {"type": "boolean"}, "job_id": {"type": ["string", "null"]}},
        },
    }


# ----------------------------------------------------------------------------------------------
# Operations
# ----------------------------------------------------------------------------------------------


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: str) -> dict[str, Any]:
    return {
        code: {"$ref": f"#/components/responses/{name}"} for code, name in _ERROR_RESPONSES if code in codes
    }


_ERROR_RESPONSES = (("400", "BadRequest"), ("404", "NotFound"), ("422", "Unprocessable"))


def _operation(tag: str, kind: str, p: str, human: str) -> tuple[str, str, dict[str, Any]]:
    """(path suffix, method, operation object) of one operation kind of a resource."""
    base: dict[str, Any] = {"tags": [tag], "operationId": f"{tag}_{kind}"}
    if kind == "list":
        return (
            "",
            "get",
            {
                **base,
                "summary": f"List {human}",
                "description": f"Lists the {human} of the account, newest first, one page at a time.",
                "x-sdk-name": "list",
                "x-pagination": {
                    "style": "offset",
                    "items": "items",
                    "limit_param": "limit",
                    "offset_param": "offset",
                    "total": "total",
                },
                "parameters": [
                    {"$ref": "#/components/parameters/Limit"},
                    {"$ref": "#/components/parameters/Offset"},
                    {"name": "status", "in": "query", "schema": _ref(f"{p}Status")},
                    {"name": "q", "in": "query", "description": "Search text.", "schema": {"type": "string"}},
                    {"name": "X-Request-Source", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {"200": _json(_ref(f"{p}List"), "One page"), **_errors("400")},
            },
        )
    if kind == "get":
        return (
            "/{id}",
            "get",
            {
                **base,
                "summary": f"Get one of the {human}",
                "x-sdk-name": "get",
                "x-waiters": [
                    {
                        "name": "wait_until_ready",
                        "field": "status",
                        "success": ["ready"],
                        "failure": ["failed"],
                    }
                ],
                "parameters": [
                    {
                        "name": "include_deleted",
                        "in": "query",
                        "schema": {"type": "boolean", "default": False},
                    }
                ],
                "responses": {"200": _json(_ref(p), "The object"), **_errors("404")},
            },
        )
    if kind == "create":
        return (
            "",
            "post",
            {
                **base,
                "summary": f"Create one of the {human}",
                "x-sdk-name": "create",
                "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(f"{p}CreateRequest")}},
                },
                "responses": {"201": _json(_ref(p), "Created"), **_errors("400", "422")},
            },
        )
    if kind == "update":
        return (
            "/{id}",
            "patch",
            {
                **base,
                "summary": f"Update one of the {human}",
                "x-sdk-name": "update",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(f"{p}UpdateRequest")}},
                },
                "responses": {"200": _json(_ref(p), "Updated"), **_errors("404", "422")},
            },
        )
    if kind == "upload":
        return (
            "/{id}/attachments",
            "post",
            {
                **base,
                "summary": "Upload an attachment",
                "x-sdk-name": "upload_attachment",
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": _ref(f"{p}UploadRequest")}},
                },
                "responses": {"201": _json(_ref(f"{p}Attachment"), "Stored"), **_errors("400", "404")},
            },
        )
    if kind == "events":
        return (
            "/{id}/events",
            "get",
            {
                **base,
                "summary": "Stream events",
                "description": f"Server-sent events: one `{p}Event` JSON object per `data:` line.",
                "x-sdk-name": "stream_events",
                "parameters": [
                    {"name": "since", "in": "query", "schema": {"type": "integer"}},
                    {"name": "Last-Event-ID", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {
                    "200": {
                        "description": "text/event-stream",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    **_errors("404"),
                },
            },
        )
    if kind == "delete":
        return (
            "/{id}",
            "delete",
            {
                **base,
                "summary": f"Delete one of the {human}",
                "x-sdk-name": "delete",
                "responses": {"200": _json(_ref(f"{p}DeleteResult"), "Deleted"), **_errors("404")},
            },
        )
    action = kind
    return (
        f"/{{id}}/actions/{action}",
        "post",
        {
            **base,
            "summary": f"Run {action}",
            "x-sdk-name": action,
            "x-idempotent": True,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": _ref(f"{p}{action.capitalize()}Request")}},
            },
            "responses": {
                "202": _json(_ref(f"{p}{action.capitalize()}Result"), "Accepted"),
                **_errors("404", "422"),
            },
        },
    )


def _id_parameter(human: str) -> dict[str, Any]:
    return {
        "name": "id",
        "in": "path",
        "required": True,
        "description": f"Identifier of one of the {human}.",
        "schema": {"type": "string"},
    }


def make_spec(n: int, seed: int = DEFAULT_SEED, *, chained: bool = False) -> dict[str, Any]:
    """A valid OpenAPI 3.1 document with exactly `n` operations (deterministic in n and seed).

    `chained=True` links each resource's main schema to the previous resource's main schema
    (instead of its summary), so that every model reaches every earlier one. That shape is what
    makes openapi-python-client's parse quadratic (it deep-copies each endpoint with all it
    reaches); the benchmark report uses it as the reproduction.
    """
    rng = random.Random(seed * 1_000_003 + n)
    shares = operations_per_tag(n)
    names = tag_names(len(shares), seed)
    schemas: dict[str, Any] = shared_schemas()
    paths: dict[str, Any] = {}
    tags = []
    previous: str | None = None
    for (tag, p), share in zip(names, shares, strict=True):
        human = tag.replace("_", " ")
        tags.append({"name": tag, "description": f"Operations on {human}."})
        schemas.update(resource_schemas(p, previous, rng, chained=chained))
        root = f"/v1/{tag.replace('_', '-')}"
        for kind in kinds_for(share):
            if kind == "delete":
                schemas.update(delete_schemas(p))
            elif kind.startswith("action"):
                schemas.update(action_schemas(p, kind))
            suffix, method, operation = _operation(tag, kind, p, human)
            item = paths.setdefault(root + suffix, {})
            if suffix.startswith("/{id}") and "parameters" not in item:
                # Declared once per path item, as real specs often do.
                item["parameters"] = [_id_parameter(human)]
            item[method] = operation
        previous = p
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Synthetic API ({n} operations)",
            "version": "1.0.0",
            "description": "A generated benchmark document shaped like the Chaser Core API.",
        },
        "servers": [{"url": "https://api.example.com"}],
        "security": [{"BearerAuth": []}],
        "tags": tags,
        "paths": paths,
        "components": {
            "securitySchemes": {"BearerAuth": {"type": "http", "scheme": "bearer"}},
            "parameters": {
                "Limit": {
                    "name": "limit",
                    "in": "query",
                    "description": "Page size.",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
                },
                "Offset": {
                    "name": "offset",
                    "in": "query",
                    "description": "How many to skip.",
                    "schema": {"type": "integer", "minimum": 0, "default": 0},
                },
                "IdempotencyKey": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "description": "Makes a retried create safe.",
                    "schema": {"type": "string"},
                },
            },
            "responses": {
                "BadRequest": _json(_ref("Error"), "Bad request"),
                "NotFound": _json(_ref("Error"), "Not found"),
                "Unprocessable": _json(_ref("ValidationError"), "Validation failed"),
            },
            "schemas": schemas,
        },
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------------------------
# Counting (the tests and the benchmark report use these)
# ----------------------------------------------------------------------------------------------

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def count_operations(document: dict[str, Any]) -> int:
    return sum(1 for _ in iter_operations(document))


def count_schemas(document: dict[str, Any]) -> int:
    return len(document["components"]["schemas"])
