"""Parameters and form fields on the wire, by the spec's serialization rules.

OpenAPI says how each parameter is written (`style`, `explode`, `allowReserved`: "Style Values"
and "Style Examples" of the Parameter Object) and how each field of a form body is (the media
type's `encoding` map). The pipeline reads those rules into its model, once, and renders them as
`Rule`s: into each generated method, which encodes its request with `encoded()`, and into
`_spec.WIRE_RULES`, from which `chaser_core.testing` decodes what it receives with `decode_*()`.
The SDK, the CLI (which calls the SDK's methods) and the mock therefore share one reading.

Why a module of ours rather than a library: no maintained Python library writes OpenAPI's
styles. openapi-core reads them (server side, and only one level of `deepObject`); qs-codec
writes bracket notation but none of `label`, `matrix`, `spaceDelimited`, `pipeDelimited`, and it
knows nothing of a per-field `encoding`. The rules are small and exactly specified, and
tests/sdk/test_wire.py checks every style against the spec's own examples.

Where the spec leaves a case undefined, we write what the APIs that rely on it read:

- `deepObject` nests (`billing[address][city]=abc`) and indexes lists (`line_items[0][price]=p`,
  `expand[0]=x`), as Stripe and `qs`-style servers read them; the spec defines one level only.
- In `deepObject`, an empty object or list is sent as `name=` (the key with an empty value),
  never as the text of an empty container (`%7B%7D`): Stripe reads an empty value as
  "empty/unset". In the other styles it is not sent at all (RFC 6570: an empty list or object
  is undefined).
- Inside `form`, `simple`, `label` and `matrix` (one level by definition), a nested object or
  list is written as compact JSON.
- `null` is an empty value; booleans are `true`/`false`, as in JSON.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from ._api.types import Unset

__all__ = [
    "FORM_RULES",
    "MISSING",
    "RESERVED_QUERY",
    "Rule",
    "decode_form",
    "decode_parameter",
    "encoded",
    "form_body",
    "query_of",
    "query_string",
    "serialize",
    "serialize_pairs",
    "serialize_text",
]

Pairs = list[tuple[str, str]]
# The keys of a low-level request that carry to the client core its form body's rules, and the
# query parameters whose values keep reserved characters (allowReserved).
FORM_RULES = "chaser_form_rules"
RESERVED_QUERY = "chaser_reserved_query"

# RFC 3986's reserved characters, which `allowReserved: true` lets through unencoded. `&`, `=`,
# `#` and `+` stay encoded all the same: unencoded, they would end the value or the query (or
# read as a space), and no server could read the value back.
_RESERVED_SAFE = ":/?[]@!$'()*,;"
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")


class Rule(NamedTuple):
    """How one parameter (path, query, header, cookie) or body field (form, multipart) goes on
    the wire."""

    location: str
    name: str
    style: str
    explode: bool
    allow_reserved: bool = False
    # A form field the `encoding` map gives a content type (and no style): its value as that
    # type's text (JSON for application/json).
    content_type: str | None = None


# -- values as text -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A scalar as the spec's examples write it."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _to_wire(value: Any) -> Any:
    from ._bodies import to_wire

    return to_wire(value)


# -- serialization ----------------------------------------------------------------------------------


def serialize(rule: Rule, value: Any) -> Pairs | str:
    """One value by its rule: (name, text) pairs for a query, a cookie or a form field (not yet
    percent-encoded), the text itself for a path segment (percent-encoded) or a header."""
    if rule.location in ("path", "header"):
        return serialize_text(rule, value)
    return serialize_pairs(rule, value)


def serialize_text(rule: Rule, value: Any) -> str:
    """A path segment (percent-encoded) or a header, by its rule."""
    return _expand(rule, _to_wire(value), rule.location == "path")


def serialize_pairs(rule: Rule, value: Any) -> Pairs:
    """A query parameter, a cookie or a form field as (name, text) pairs, not yet percent-encoded."""
    return _pairs(rule, _to_wire(value))


def _pairs(rule: Rule, value: Any) -> Pairs:
    name, style, explode = rule.name, rule.style, rule.explode
    if rule.content_type is not None:
        return [(name, value if isinstance(value, str) else json.dumps(value, separators=(",", ":")))]
    if style == "deepObject":
        return _deep(name, value)
    if isinstance(value, list | dict) and not value:
        # RFC 6570 (which the styles follow): an empty list or object is undefined, not sent.
        return []
    if isinstance(value, list):
        if explode:  # form, spaceDelimited and pipeDelimited explode alike: the name per item
            return [(name, _text(item)) for item in value]
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return [(name, separator.join(_text(item) for item in value))]
    if isinstance(value, dict):
        if explode:  # form: one pair per property, under the property's name
            return [(str(key), _text(item)) for key, item in value.items()]
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return [(name, separator.join(f"{key}{separator}{_text(item)}" for key, item in value.items()))]
    return [(name, _text(value))]


def _deep(name: str, value: Any) -> Pairs:
    """deepObject, at any depth: `name[key][sub]=v`, lists by index."""
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return [(name, _text(value))]
    pairs: Pairs = []
    for key, item in items:
        pairs += _deep(f"{name}[{key}]", item)
    return pairs or [(name, "")]


def _expand(rule: Rule, value: Any, encode: bool) -> str:
    """simple, label and matrix (RFC 6570's {x}, {.x} and {;x}): a path segment or a header."""

    def text(item: Any) -> str:
        raw = _text(item)
        return urllib.parse.quote(raw, safe=_RESERVED_SAFE if rule.allow_reserved else "") if encode else raw

    name, style, explode = rule.name, rule.style, rule.explode
    prefix = {"label": ".", "matrix": ";"}.get(style, "")
    if isinstance(value, list):
        if style == "matrix":
            if explode:
                return "".join(f";{name}={text(item)}" for item in value) if value else f";{name}"
            return f";{name}=" + ",".join(text(item) for item in value)
        separator = "." if style == "label" and explode else ","
        return prefix + separator.join(text(item) for item in value)
    if isinstance(value, dict):
        if explode:
            separator = {"label": ".", "matrix": ";"}.get(style, ",")
            return prefix + separator.join(f"{text(key)}={text(item)}" for key, item in value.items())
        flat = ",".join(f"{text(key)},{text(item)}" for key, item in value.items())
        return f";{name}={flat}" if style == "matrix" else prefix + flat
    if style == "matrix":
        return f";{name}" if value is None or value == "" else f";{name}={text(value)}"
    return prefix + text(value)


def query_string(pairs: Iterable[tuple[str, str]], reserved: frozenset[str] = frozenset()) -> str:
    """Pairs percent-encoded as a query or a form body (`%20` for a space, which both read).
    The values of names in `reserved` (allowReserved) keep RFC 3986's reserved characters."""
    quote = urllib.parse.quote
    return "&".join(
        f"{quote(key, safe='[]' if key in reserved else '')}={quote(text, safe=_RESERVED_SAFE if key in reserved else '')}"
        for key, text in pairs
    )


def query_of(params: Mapping[str, Any], reserved: Iterable[str]) -> str:
    """A request's query (name -> text, or a list of texts) as its query string, the values of
    the `reserved` names keeping RFC 3986's reserved characters."""
    pairs = [
        (str(key), _text(item))
        for key, value in params.items()
        for item in (value if isinstance(value, list | tuple) else [value])
    ]
    return query_string(pairs, frozenset(reserved))


def form_body(data: Mapping[str, Any], rules: Iterable[Rule]) -> bytes:
    """An application/x-www-form-urlencoded body: each field by its `encoding` rule, else as the
    spec's default for forms (`form`, exploded)."""
    by_name = {rule.name: rule for rule in rules}
    pairs: Pairs = []
    reserved: set[str] = set()
    for name, value in data.items():
        if isinstance(value, Unset):
            continue
        rule = by_name.get(name) or Rule("form", name, "form", True)
        encoded = _pairs(rule, _to_wire(value))
        pairs += encoded
        if rule.allow_reserved:
            reserved.update(key for key, _ in encoded)
    return query_string(pairs, frozenset(reserved)).encode("ascii")


def encoded(
    kwargs: dict[str, Any],
    path: str,
    parameters: Iterable[tuple[Rule, Any]],
    form: Iterable[Rule] | None = None,
) -> dict[str, Any]:
    """A low-level request (`_get_kwargs()`) with its parameters and form body re-encoded by the
    spec's rules. `parameters` are every parameter of the operation with the caller's value
    (UNSET when not given), `path` the operation's path template, `form` the form body's rules."""
    kwargs = dict(kwargs)
    url = path
    query: dict[str, str | list[str]] = {}
    headers = dict(kwargs.get("headers") or {})
    cookies: Pairs = []
    reserved: set[str] = set()
    for rule, value in parameters:
        if rule.location == "path":
            url = url.replace("{" + rule.name + "}", serialize_text(rule, value))
            continue
        if isinstance(value, Unset) or value is None:
            continue
        if rule.location == "header":
            headers[rule.name] = serialize_text(rule, value)
        elif rule.location == "cookie":
            cookies += [
                (key, urllib.parse.quote(text, safe="")) for key, text in serialize_pairs(rule, value)
            ]
        else:
            for key, text in serialize_pairs(rule, value):
                previous = query.get(key)
                query[key] = text if previous is None else [*_as_list(previous), text]
                if rule.allow_reserved:
                    reserved.add(key)
    kwargs["url"] = url
    kwargs["params"] = query
    if reserved:
        kwargs[RESERVED_QUERY] = frozenset(reserved)
    if cookies:
        kwargs.pop("cookies", None)
        headers["Cookie"] = "; ".join(f"{key}={text}" for key, text in cookies)
    if form is not None and kwargs.get("files") is not None:
        # A multipart body: each part the `encoding` map gives a content type carries it.
        types = {rule.name: rule.content_type for rule in form if rule.content_type is not None}
        kwargs["files"] = [
            (
                name,
                (part[0], part[1], types[name], *part[3:])
                if name in types and isinstance(part, tuple)
                else part,
            )
            for name, part in kwargs["files"]
        ]
    elif form is not None and kwargs.get("data") is not None:
        # Encoded when the request is prepared, after extra_body has joined the fields.
        kwargs[FORM_RULES] = tuple(form)
    kwargs["headers"] = headers
    return kwargs


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


# -- deserialization (chaser_core.testing) ----------------------------------------------------------

# What decode_parameter() returns for a parameter that was not sent.
MISSING: Any = object()


def decode_parameter(rule: Rule, source: Any, kind: str | None) -> Any:
    """The value of one parameter as received, by its rule, or `MISSING`.

    `source` is the query's or the cookies' (name, value) pairs (percent-decoded), a path
    segment's raw text (still percent-encoded) or a header's text. `kind` is the schema's type
    ("array", "object" or a scalar's), which the text alone cannot tell. Scalars stay text: the
    caller reads them as the schema's types.
    """
    if rule.location in ("path", "header"):
        return _unexpand(rule, source, kind, rule.location == "path")
    return _unpair(rule, source, kind)


def _unpair(rule: Rule, pairs: Pairs, kind: str | None) -> Any:
    name, style, explode = rule.name, rule.style, rule.explode
    if rule.content_type is not None:
        found = [text for key, text in pairs if key == name]
        if not found:
            return MISSING
        try:
            return json.loads(found[-1]) if "json" in rule.content_type else found[-1]
        except ValueError:
            return found[-1]
    if style == "deepObject":
        return _undeep(name, pairs)
    if kind == "object" and explode and style == "form":
        return MISSING  # its properties are top-level pairs: the caller reads them by name
    found = [text for key, text in pairs if key == name]
    if not found:
        return MISSING
    if kind == "array":
        if explode:
            return [] if found == [""] else found
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return found[-1].split(separator) if found[-1] else []
    if kind == "object":
        separator = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        parts = found[-1].split(separator) if found[-1] else []
        return dict(zip(parts[::2], parts[1::2], strict=False))
    return found[-1]


def _undeep(name: str, pairs: Pairs) -> Any:
    """The inverse of _deep: bracketed keys back into objects, index keys into lists."""
    root: dict[str, Any] = {}
    seen = False
    for key, text in pairs:
        if key == name:
            seen = True
            root.setdefault(name, text)
            continue
        if not key.startswith(name + "["):
            continue
        rest = key[len(name) :]
        parts = _BRACKETS.findall(rest)
        if "".join(f"[{part}]" for part in parts) != rest:
            continue  # not brackets all the way
        seen = True
        node = root.setdefault(name, {})
        if not isinstance(node, dict):
            node = root[name] = {}
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[parts[-1]] = text
    if not seen:
        return MISSING
    return _lists(root[name])


def _lists(node: Any) -> Any:
    """Objects whose keys are 0, 1, ... n-1 (as deepObject writes a list) become lists."""
    if not isinstance(node, dict):
        return node
    items = {key: _lists(value) for key, value in node.items()}
    if items and sorted(items) == sorted(str(index) for index in range(len(items))):
        return [items[str(index)] for index in range(len(items))]
    return items


def _unexpand(rule: Rule, text: str, kind: str | None, decode: bool) -> Any:
    def plain(item: str) -> str:
        return urllib.parse.unquote(item) if decode else item

    name, style, explode = rule.name, rule.style, rule.explode
    if style == "label":
        if not text.startswith("."):
            return MISSING
        text = text[1:]
        separator = "." if explode else ","
    elif style == "matrix":
        if kind == "object" and explode:
            pairs = [part.partition("=") for part in text.split(";")[1:]]
            return {plain(key): plain(value) for key, _, value in pairs if key}
        prefix = f";{name}="
        if kind == "array" and explode:
            return [plain(part[len(prefix) - 1 :]) for part in text.split(";")[1:]] if text else MISSING
        if text == f";{name}":
            return ""
        if not text.startswith(prefix):
            return MISSING
        text, separator = text[len(prefix) :], ","
    else:
        separator = ","
    if kind == "array":
        return [plain(item) for item in text.split(separator)] if text else []
    if kind == "object":
        if explode:
            pairs = [item.partition("=") for item in text.split(separator)]
            return {plain(key): plain(value) for key, _, value in pairs}
        items = text.split(",")
        return {plain(key): plain(value) for key, value in zip(items[::2], items[1::2], strict=False)}
    return plain(text)


def decode_form(content: bytes, rules: Iterable[Rule], kinds: Mapping[str, str | None]) -> dict[str, Any]:
    """A form body back into its fields, by the rules `form_body()` wrote it with. `kinds` is
    each declared property's schema type; a pair that belongs to none is kept as it came."""
    pairs = urllib.parse.parse_qsl(content.decode("ascii", "replace"), keep_blank_values=True)
    by_name = {rule.name: rule for rule in rules}
    body: dict[str, Any] = {}
    claimed: set[str] = set()
    for name, kind in kinds.items():
        rule = by_name.get(name) or Rule("form", name, "form", True)
        value = _unpair(rule, pairs, kind)
        if value is not MISSING:
            body[name] = value
            claimed.update(key for key, _ in pairs if key == name or key.startswith(name + "["))
    for key, text in pairs:
        if key not in claimed and key not in body:
            body[key] = text
    return body
