"""A large, realistic OpenAPI 3.1 document for the benchmarks (`scripts/bench --make-spec N`).

`make_spec(n)` builds a valid document with exactly `n` operations, spread over about n/6
resources (tags), each shaped like a real REST resource of the Chaser API:

    list    GET    /v1/<resource>                    offset pagination (x-chaser-pagination), filters
    get     GET    /v1/<resource>/{id}               path-item parameter, a waiter (x-chaser-waiters)
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

from ..layout import HTTP_METHODS
from .synthetic_schemas import action_schemas, delete_schemas, ref, resource_schemas, shared_schemas

DEFAULT_SEED = 20240607
OPERATIONS_PER_TAG = 6
# The order in which a resource gets its operations: every resource with at least six has
# all the constructs the benchmark promises (pagination, union bodies, multipart, SSE).
BASE_KINDS = ("list", "get", "create", "update", "upload", "events", "delete")

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
# Operations (the schemas are in synthetic_schemas.py)
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
                "x-chaser-sdk-name": "list",
                "x-chaser-pagination": {
                    "style": "offset",
                    "items": "items",
                    "limit_param": "limit",
                    "offset_param": "offset",
                    "total": "total",
                },
                "parameters": [
                    {"$ref": "#/components/parameters/Limit"},
                    {"$ref": "#/components/parameters/Offset"},
                    {"name": "status", "in": "query", "schema": ref(f"{p}Status")},
                    {"name": "q", "in": "query", "description": "Search text.", "schema": {"type": "string"}},
                    {"name": "X-Request-Source", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {"200": _json(ref(f"{p}List"), "One page"), **_errors("400")},
            },
        )
    if kind == "get":
        return (
            "/{id}",
            "get",
            {
                **base,
                "summary": f"Get one of the {human}",
                "x-chaser-sdk-name": "get",
                "x-chaser-waiters": [
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
                "responses": {"200": _json(ref(p), "The object"), **_errors("404")},
            },
        )
    if kind == "create":
        return (
            "",
            "post",
            {
                **base,
                "summary": f"Create one of the {human}",
                "x-chaser-sdk-name": "create",
                "parameters": [{"$ref": "#/components/parameters/IdempotencyKey"}],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref(f"{p}CreateRequest")}},
                },
                "responses": {"201": _json(ref(p), "Created"), **_errors("400", "422")},
            },
        )
    if kind == "update":
        return (
            "/{id}",
            "patch",
            {
                **base,
                "summary": f"Update one of the {human}",
                "x-chaser-sdk-name": "update",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref(f"{p}UpdateRequest")}},
                },
                "responses": {"200": _json(ref(p), "Updated"), **_errors("404", "422")},
            },
        )
    if kind == "upload":
        return (
            "/{id}/attachments",
            "post",
            {
                **base,
                "summary": "Upload an attachment",
                "x-chaser-sdk-name": "upload_attachment",
                "requestBody": {
                    "required": True,
                    "content": {"multipart/form-data": {"schema": ref(f"{p}UploadRequest")}},
                },
                "responses": {"201": _json(ref(f"{p}Attachment"), "Stored"), **_errors("400", "404")},
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
                "x-chaser-sdk-name": "stream_events",
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
                "x-chaser-sdk-name": "delete",
                "responses": {"200": _json(ref(f"{p}DeleteResult"), "Deleted"), **_errors("404")},
            },
        )
    action = kind
    return (
        f"/{{id}}/actions/{action}",
        "post",
        {
            **base,
            "summary": f"Run {action}",
            "x-chaser-sdk-name": action,
            "x-chaser-idempotent": True,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref(f"{p}{action.capitalize()}Request")}},
            },
            "responses": {
                "202": _json(ref(f"{p}{action.capitalize()}Result"), "Accepted"),
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
                "BadRequest": _json(ref("Error"), "Bad request"),
                "NotFound": _json(ref("Error"), "Not found"),
                "Unprocessable": _json(ref("ValidationError"), "Validation failed"),
            },
            "schemas": schemas,
        },
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------------------------------------
# Counting (the tests and the benchmark report use these)
# ----------------------------------------------------------------------------------------------


def iter_operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def count_operations(document: dict[str, Any]) -> int:
    return sum(1 for _ in iter_operations(document))


def count_schemas(document: dict[str, Any]) -> int:
    return len(document["components"]["schemas"])
