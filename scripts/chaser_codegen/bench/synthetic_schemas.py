"""The component schemas of the synthetic spec (`synthetic.py`): those every resource shares,
and the ~22 of each resource (nested objects, enums, nullable fields, unions of $refs, an allOf
extension, a self-recursive tree, a reference to the previous resource)."""

from __future__ import annotations

import random
from typing import Any

SHARED_SCHEMAS = ("User", "Role", "Error", "ErrorDetail", "ValidationError")


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable_ref(name: str) -> dict[str, Any]:
    return {"anyOf": [ref(name), {"type": "null"}]}


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
                "role": ref("Role"),
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
                "details": {"type": "array", "items": ref("ErrorDetail")},
            },
        },
        "ValidationError": {
            "allOf": [
                ref("Error"),
                {
                    "type": "object",
                    "properties": {"errors": {"type": "array", "items": ref("ErrorDetail")}},
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
        "status": ref(f"{p}Status"),
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "description": {"type": ["string", "null"], "description": "Free text; null when unset."},
        "owner": ref("User"),
        "labels": {"type": "array", "items": {"type": "string"}},
        "metadata": ref(f"{p}Metadata"),
        "spec": ref(f"{p}Spec"),
        "attachments": {"type": "array", "items": ref(f"{p}Attachment")},
        "source": {
            "oneOf": [ref(f"{p}SourceGit"), ref(f"{p}SourceUpload"), ref(f"{p}SourceUrl")],
            "description": "Where the content came from.",
        },
        "settings": ref(f"{p}SettingsExtended"),
        "tree": ref(f"{p}Node"),
        "last_event": nullable_ref(f"{p}Event"),
        "priority": {"type": ["integer", "null"], "minimum": 0},
    }
    if previous is not None:
        # A link to another resource, through its summary: real APIs cross-reference a lot,
        # but see `chained` in make_spec for what a chain of full objects costs.
        main_properties["related"] = nullable_ref(previous if chained else f"{previous}Summary")
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
                "status": ref(f"{p}Status"),
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
                "resources": ref(f"{p}Resources"),
                "limits": nullable_ref(f"{p}Limits"),
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
                "kind": ref(f"{p}AttachmentKind"),
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
                "mode": ref(f"{p}Mode"),
            },
        },
        f"{p}Mode": {"type": "string", "enum": ["fast", "balanced", "thorough"]},
        f"{p}SettingsExtended": {
            "allOf": [
                ref(f"{p}Settings"),
                {
                    "type": "object",
                    "properties": {
                        "schedule": {"type": ["string", "null"]},
                        "window": ref(f"{p}Window"),
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
                "children": {"type": "array", "items": ref(f"{p}Node")},
            },
        },
        f"{p}Event": {
            "type": "object",
            "required": ["id", "kind", "at"],
            "properties": {
                "id": {"type": "string"},
                "kind": ref(f"{p}EventKind"),
                "at": {"type": "string", "format": "date-time"},
                "subject": ref(f"{p}Summary"),
                "data": {"type": "object", "additionalProperties": True},
            },
        },
        f"{p}EventKind": {"type": "string", "enum": ["created", "updated", "deleted", "progress"]},
        f"{p}List": {
            "type": "object",
            "description": f"One page of {p} objects.",
            "required": ["items", "total"],
            "properties": {
                "items": {"type": "array", "items": ref(p)},
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
                "spec": ref(f"{p}Spec"),
                "source": {"anyOf": [ref(f"{p}SourceGit"), ref(f"{p}SourceUpload"), ref(f"{p}SourceUrl")]},
                "settings": ref(f"{p}Settings"),
            },
        },
        f"{p}UpdateRequest": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 128},
                "description": {"type": ["string", "null"]},
                "status": ref(f"{p}Status"),
                "labels": {"type": ["array", "null"], "items": {"type": "string"}},
                "settings": ref(f"{p}SettingsExtended"),
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
                    "x-chaser-max-bytes": 16 * 1024 * 1024,
                },
                "filename": {"type": "string"},
                "kind": ref(f"{p}AttachmentKind"),
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
                "reason": ref(f"{p}DeleteReason"),
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
            "properties": {"mode": ref(f"{a}Mode"), "dry_run": {"type": "boolean", "default": False}},
        },
        f"{a}Mode": {"type": "string", "enum": ["now", "later"]},
        f"{a}Result": {
            "type": "object",
            "required": ["accepted"],
            "properties": {"accepted": {"type": "boolean"}, "job_id": {"type": ["string", "null"]}},
        },
    }
