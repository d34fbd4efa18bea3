"""Names the repairs give to what they create: components for hoisted schemas, titles.

One home for them, so that every rule names things the same way: readable PascalCase built
from where the schema sat, unique among the component keys and titles of the document (compared
in lower case, because model names become file names).
"""

from __future__ import annotations

import re
from typing import Any

Path = tuple[str | int, ...]

# Structural words of a location that say nothing about the schema itself.
_STRUCTURAL = frozenset(
    {
        "components",
        "schemas",
        "properties",
        "definitions",
        "$defs",
        "parameters",
        "schema",
        "items",
        "paths",
        "content",
        "allOf",
        "anyOf",
        "oneOf",
        "requestBody",
        "responses",
    }
)
MAX_NAME = 60


def context_name(where: Path | list[str]) -> str:
    """A readable PascalCase name from a location: components/schemas/A/properties/b -> AB."""
    words = []
    for part in where:
        if part in _STRUCTURAL or isinstance(part, int):
            continue
        words.extend(re.split(r"[^A-Za-z0-9]+", str(part)))
    return pascal(" ".join(word for word in words if word and not word.isdigit()))[:MAX_NAME]


def taken_names(document: dict[str, Any]) -> set[str]:
    """The names component models already have, lower-cased: their keys, and their titles
    (openapi-python-client names a component's model after its title when it has one)."""
    schemas = (document.get("components") or {}).get("schemas") or {}
    taken = {str(name).lower() for name in schemas}
    for schema in schemas.values():
        if isinstance(schema, dict) and isinstance(schema.get("title"), str):
            taken.add(pascal(schema["title"]).lower())
    return taken


def pascal(text: str) -> str:
    """`Retention ratio truncation` -> `RetentionRatioTruncation`; `AudioDelta` stays."""
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"[^A-Za-z0-9]+", text) if word)


def unique_name(base: str, taken: set[str]) -> str:
    """`base`, or `base2`, `base3`... whichever is free; it is added to `taken`."""
    base = base or "Schema"
    name, counter = base, 2
    while name.lower() in taken:
        name, counter = f"{base}{counter}", counter + 1
    taken.add(name.lower())
    return name


def hoist_name(schema: dict[str, Any], where: Path, taken: set[str]) -> str:
    """The component key for a schema moved out of `where`: its title if it has a usable one,
    else a name from its location."""
    title = schema.get("title")
    usable = isinstance(title, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9 _.-]{0,59}", title)
    base = pascal(str(title)) if usable else context_name(where)
    return unique_name(base or "Inline", taken)


def extension_key(mapping: dict[Any, Any], key: str) -> str:
    """The x- key a field the spec may not carry is kept under: `x-<key>`, or with more `x-` in
    front while that is taken (the document's own extensions are never overwritten)."""
    target = f"x-{key}"
    while target in mapping:
        target = f"x-{target}"
    return target
