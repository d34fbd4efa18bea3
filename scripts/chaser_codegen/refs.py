"""Local `$ref`s: the one place the pipeline decodes and follows them.

A local reference is a URI fragment holding an RFC 6901 JSON pointer (`#/components/schemas/A`).
Being a URI fragment, it may also be percent-encoded (`#/paths/~1users~1%7Bid%7D`).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import unquote

from .errors import json_pointer


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()

# Hops followed through a chain of references to references before giving up (the validate
# stage refuses cycles; this bound only keeps an unvalidated document from looping).
MAX_HOPS = 32


def pointer_parts(ref: str) -> list[str] | None:
    """The decoded parts of a local reference, or None when it is not local (`other.yaml#/A`)."""
    if ref == "#":
        return []
    if not ref.startswith("#/"):
        return None
    return [unquote(part).replace("~1", "/").replace("~0", "~") for part in ref[2:].split("/")]


def lookup(document: Any, ref: str) -> Any:
    """What a local reference points at (one hop), or MISSING."""
    parts = pointer_parts(ref)
    if parts is None:
        return MISSING
    node = document
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def resolve(document: Any, value: Any) -> Any:
    """Follow `value` through local $refs to what it finally stands for. A reference that
    cannot be followed (external, dangling, or a cycle) comes back unresolved."""
    hops = 0
    while isinstance(value, dict) and isinstance(value.get("$ref"), str) and hops < MAX_HOPS:
        target = lookup(document, value["$ref"])
        if target is MISSING:
            return value
        value, hops = target, hops + 1
    return value


def component_ref(section: str, name: str) -> str:
    """The reference to a component: component_ref("schemas", "A/B") == "#/components/schemas/A~1B"."""
    return json_pointer("components", section, name)
