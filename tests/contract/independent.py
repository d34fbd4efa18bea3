"""A second reader of OpenAPI: every request a generated package sends, checked by openapi-core
as well as by the package's own mock.

Run as a script, in a subprocess with the package first on sys.path (every generated package is
named chaser_core, so the project's own and a real spec's cannot share an interpreter):

    python tests/contract/independent.py OUT PLAN.json

PLAN maps each operation (`resource.method`) to {"positional": [schema...], "required":
{argument: schema}, "optional": {argument: schema}, "files": [argument...], "required_files":
[argument...]}, written by the test from the pipeline's model. Each operation is called twice
through the sync client: with its required arguments only ("required"), then with every
argument filled ("optional"), values made by chaser_core.testing.example_for. Each request the
client sent is then read by both readers. Prints one JSON line: per mode, per operation, what
our mock says (`ours`) and what openapi-core says (`theirs`, each as [category, detail]).

The categories name the rule openapi-core applied (see `classify`, `RULES`), so that a test can
say which rule the two readers disagree on, and why. Where openapi-core cannot read a request at
all (Stripe's nested deepObject, which OpenAPI leaves undefined), `read_brackets` reads it with
qs-codec and openapi-schema-validator instead (`brackets` in the report).
"""

from __future__ import annotations

import json
import re
import sys
import urllib.parse
from typing import Any

MODES = ("required", "optional")


class HttpxRequest:
    """An httpx.Request as openapi-core reads one (its Request protocol)."""

    def __init__(self, request: Any, host_url: str) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self._request = request
        self.host_url = host_url
        raw = request.url.raw_path.decode("ascii")
        self.path = raw.split("?", 1)[0]
        query = urllib.parse.parse_qsl(raw.partition("?")[2], keep_blank_values=True)
        cookies = []
        for part in request.headers.get("cookie", "").split(";"):
            key, _, value = part.strip().partition("=")
            if key:
                cookies.append((key, urllib.parse.unquote(value)))
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(list(request.headers.multi_items())),
            cookie=ImmutableMultiDict(cookies),
        )

    @property
    def method(self) -> str:
        return str(self._request.method).lower()

    @property
    def body(self) -> bytes | None:
        return bytes(self._request.content) or None

    @property
    def content_type(self) -> str:
        return str(self._request.headers.get("content-type", "")).lower()


def _leaf(exc: BaseException) -> BaseException:
    """The innermost cause: openapi-core wraps what went wrong in a validation error per part."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def _schema_errors(exc: BaseException) -> list[Any]:
    errors = getattr(exc, "schema_errors", None)
    return list(errors) if errors else []


def _unresolved(error: Any, depth: int = 0) -> str | None:
    """The first reference openapi-core could not resolve among the causes of a schema error (a
    oneOf's variants are tried deep down, and the reason is there, not in the message on top)."""
    message = str(getattr(error, "message", ""))
    if "could not be resolved" in message:
        return message[message.find("reference") :][:200]
    for sub in (getattr(error, "context", None) or []) if depth < 12 else []:
        found = _unresolved(sub, depth + 1)
        if found:
            return found
    return None


def classify(exc: BaseException) -> list[tuple[str, str]]:
    """[category, detail] for each problem openapi-core found. A category names the rule: the
    part of the request (parameter location, body) and what was wrong with it."""
    from openapi_core.validation.request.exceptions import RequestValidationError

    problems: list[tuple[str, str]] = []
    errors = list(getattr(exc, "errors", None) or [exc])  # a group, or one error
    for error in errors:
        leaf = _leaf(error)
        part = type(error).__name__
        name = getattr(error, "name", None) or getattr(leaf, "name", None)
        location = getattr(error, "location", None) or getattr(leaf, "location", None)
        where = f"{location} {name}" if location or name else ""
        schema = _schema_errors(leaf) or _schema_errors(error)
        if schema:
            for item in schema[:3]:
                validator = getattr(item, "validator", "?")
                at = "/".join(str(p) for p in getattr(item, "absolute_path", []) or [])
                unresolved = _unresolved(item)
                cause = f" (inside: {unresolved})" if unresolved else ""
                problems.append(
                    (
                        f"{part}: schema {validator}",
                        f"{where} {at}: {getattr(item, 'message', item)}"[:400] + cause,
                    )
                )
        elif isinstance(error, RequestValidationError) or leaf is not error:
            problems.append((f"{part}: {type(leaf).__name__}", f"{where}: {leaf}"[:400]))
        else:
            problems.append((part, f"{where}: {error}"[:400]))
    return problems


def plan_for(api: Any) -> dict[str, Any]:
    """Each operation's arguments, required and optional, as schemas the driver makes values of
    (`api` is the pipeline's model of the spec the package was generated from)."""
    plan = {}
    for op in api.operations:
        entry: dict[str, Any] = {
            "positional": [f.json_schema for f in op.path_params],
            "required": {},
            "optional": {},
            "files": [],
            "required_files": [],
        }
        # A required body of which no property is required still needs one (an empty form is none).
        needs_one = op.body is not None and op.body.required and not any(f.required for f in op.body_fields)
        for field in op.keyword_fields:
            required = field.required or (needs_one and field in op.body_fields[:1])
            if field.is_file:
                entry["files"].append(field.arg_name)
                if required:
                    entry["required_files"].append(field.arg_name)
                continue
            if field.python_name == "body" and op.body is not None and not op.body.flattened:
                schema = body_schema(api, op)
            else:
                schema = field.json_schema
            entry["required" if required else "optional"][field.arg_name] = schema
        plan[op.qualified_name] = entry
    return plan


def body_schema(api: Any, op: Any) -> Any:
    """The schema of the body a caller passes as a dict: the JSON one, when there is one."""
    operation = api.spec_document["paths"][op.path][op.method]
    content = (operation.get("requestBody") or {}).get("content") or {}
    json_media = [media for media in content if media.split(";")[0].strip().endswith(("/json", "+json"))]
    media = json_media[0] if json_media else op.body.content_type if op.body else next(iter(content), "")
    return (content.get(media) or {}).get("schema") or {}


# The rules on which openapi-core and our reading of OpenAPI disagree, found by running every
# operation of the Chaser spec, OpenAI and Stripe through both; each says why. A disagreement
# that matches none of them is reported as a new rule, with openapi-core's own words.
RULES: dict[str, str] = {
    "deepObject beyond one object level": (
        "openapi-core reads `style: deepObject` only on a `type: object` schema, one level deep "
        "(OpenAPI defines no more) and refuses the parameter or form field otherwise ('not "
        "available'); Stripe declares it on arrays (`expand[0]=...`), on unions (`created`: an "
        "object or an integer) and on nested objects, which chaser_core._wire writes as Stripe "
        "reads them (`billing[address][city]=...`, `line_items[0][price]=...`)"
    ),
    "type list": (
        "openapi-core's style reader needs a schema's `type` to be one string (a parameter's, or a "
        "multipart field's): a 3.1 `type: [string, 'null']` makes it raise TypeError, so it "
        "checks nothing of that request"
    ),
    "multipart file part as bytes": (
        "openapi-core reads a multipart file part as bytes and validates it against `type: string, "
        "format: binary` (3.0's spelling of a file, which 3.1 specs keep; 3.1 has "
        "contentMediaType): JSON Schema's string type refuses bytes"
    ),
    "multipart union part as bytes": (
        "openapi-core takes application/octet-stream for a multipart part whose schema is a union "
        "(anyOf/oneOf, no `type`), ignoring the content type the part carries (text/plain, "
        "application/json): bytes then match none of the union's string, object or array variants"
    ),
    "multipart text part not read as its type": (
        "a multipart part of a number or boolean property is its text (text/plain, '0.0', "
        "'true'); openapi-core validates that text as it is, without reading it as the number or "
        "boolean it writes"
    ),
    "multipart array not sent read as empty": (
        "openapi-core reads a multipart array field that was not sent as [] and applies its "
        "minItems; the field is optional and absent from the request"
    ),
    "discriminator value without mapping": (
        "the spec's discriminator has no `mapping` for its values, so openapi-core looks for "
        "`#/components/schemas/<value>` (OpenAPI's implicit mapping), which the spec lacks; the "
        "body matches its variant"
    ),
    "operation servers": (
        "the operation has `servers` of its own (Stripe's files.stripe.com for uploads); the "
        "SDK sends every call to the client's base URL, so the independent reader finds no "
        "server for it"
    ),
}


def rule_of(category: str, detail: str) -> str:
    """The rule (a key of RULES) that one openapi-core problem is a case of, or a new rule named
    by openapi-core's own words."""
    if category.endswith(": ValueError") and detail.endswith(
        ("not available", "not an object format", "not an array format")
    ):
        # Not available: deepObject on a non-object; not an object/array format: a nested
        # object or list inside one, which openapi-core reads as the text of one level.
        return "deepObject beyond one object level"
    if category == "TypeError" and "Expected a string value, got <class 'list'>" in detail:
        return "type list"
    if (
        category == "InvalidRequestBody: schema type"
        and "b'" in detail
        and "is not of type 'string'" in detail
    ):
        return "multipart file part as bytes"
    if category in ("InvalidRequestBody: schema anyOf", "InvalidRequestBody: schema oneOf") and re.search(
        r": b['\"]", detail
    ):
        return "multipart union part as bytes"
    if category == "InvalidRequestBody: schema type" and re.search(
        r": '[^']*' is not of type '(number|integer|boolean)'$", detail
    ):
        return "multipart text part not read as its type"
    if category == "InvalidRequestBody: schema minItems" and ": [] should be non-empty" in detail:
        return "multipart array not sent read as empty"
    if "could not be resolved" in detail and "#/components/schemas/" in detail:
        # On top, or deep in a union's variants (classify adds the cause it found there).
        return "discriminator value without mapping"
    if category == "ServerNotFound":
        return "operation servers"
    return f"new: {category}: {detail}"


def disagreements(report: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Per mode, each rule on which openapi-core refused a request, with the operations."""
    found: dict[str, dict[str, list[str]]] = {}
    for mode, operations in report.items():
        rules: dict[str, list[str]] = {}
        for name, result in operations.items():
            for category, detail in result["theirs"]:
                rules.setdefault(rule_of(category, detail), []).append(name)
        found[mode] = {rule: sorted(set(names)) for rule, names in rules.items()}
    return found


def accepted(result: dict[str, Any], *, brackets: bool) -> bool:
    """Whether the independent readers accept one request: openapi-core alone, or (`brackets`)
    openapi-core where it can read the request and the bracket reader where it cannot."""
    if result["error"]:
        return False
    rules = {rule_of(category, detail) for category, detail in result["theirs"]}
    if brackets and rules == {BRACKET_RULE}:
        return not result.get("brackets")
    return not rules


def counts(report: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Per mode, "accepted/total" by openapi-core alone and with the bracket reader."""
    return {
        mode: {
            reader: f"{sum(1 for r in operations.values() if accepted(r, brackets=reader != 'openapi-core'))}/{len(operations)}"
            for reader in ("openapi-core", "openapi-core+brackets")
        }
        for mode, operations in report.items()
    }


def verdict(report: dict[str, Any], known: dict[str, set[str]]) -> list[str]:
    """What a test fails on: a request our own mock refuses, a call the client could not make,
    a rule of disagreement not in `known` (per mode), and a known rule that no longer occurs
    (remove it)."""
    problems = []
    for mode, operations in report.items():
        for name, result in operations.items():
            if result["error"]:
                problems.append(f"{mode} {name}: the call failed: {result['error']}")
            problems += [f"{mode} {name}: our mock refuses it: {problem}" for problem in result["ours"]]
            problems += [
                f"{mode} {name}: read in bracket notation (qs-codec, openapi-schema-validator), it is refused: {problem}"
                for problem in result.get("brackets") or []
            ]
    for mode, rules in disagreements(report).items():
        expected = known.get(mode, set())
        for rule, names in sorted(rules.items()):
            if rule not in expected:
                why = RULES.get(
                    rule, "openapi-core refuses what our mock accepts: find which reader is right"
                )
                problems.append(
                    f"{mode}: {len(names)} request(s) refused by openapi-core, rule {rule!r} ({why}); e.g. {names[:3]}"
                )
        for rule in sorted(expected - set(rules)):
            problems.append(f"{mode}: known rule {rule!r} no longer occurs: remove it from the known list")
    return problems


def reader(document: dict[str, Any], base: str) -> Any:
    """openapi-core's reader of `document`, with the mock's base URL as its one server."""
    from openapi_core import OpenAPI
    from openapi_core.configurations import Config

    # The document was validated when it was generated; openapi-core need not validate it again.
    return OpenAPI.from_dict({**document, "servers": [{"url": base}]}, config=Config(spec_validator_cls=None))


def rules_broken(spec: Any, request: Any, base: str) -> list[tuple[str, str]]:
    """(rule, openapi-core's words) for each problem openapi-core finds in one httpx request."""
    try:
        spec.validate_request(HttpxRequest(request, base))
    except Exception as exc:  # openapi-core's verdict, whatever its class
        return [(rule_of(category, detail), detail) for category, detail in classify(exc)]
    return []


# -- a second independent reading where openapi-core has none --------------------------------------

# openapi-core cannot read Stripe's deepObject (see RULES): those requests are read again by
# qs-codec (a port of `qs`, the bracket notation Stripe's own clients write) and validated by
# openapi-schema-validator, neither of which shares code with chaser_core._wire or the mock.
BRACKET_RULE = "deepObject beyond one object level"


def read_brackets(document: dict[str, Any], pointer: str, request: Any) -> list[str]:
    """What is wrong with a request whose query and form body are in bracket notation, read by
    qs-codec and validated with openapi-schema-validator against the operation's schemas."""
    import qs_codec

    options = qs_codec.DecodeOptions(depth=32, list_limit=10_000, parameter_limit=100_000)
    operation: Any = document
    for part in pointer[2:].split("/"):
        operation = operation[part.replace("~1", "/").replace("~0", "~")]
    path_item = document["paths"][pointer[2:].split("/")[1].replace("~1", "/").replace("~0", "~")]
    problems = []
    query = qs_codec.decode(request.url.query.decode("ascii"), options)
    for raw in list(path_item.get("parameters") or []) + list(operation.get("parameters") or []):
        parameter = _deref(document, raw)
        if parameter.get("in") != "query":
            continue
        name = parameter["name"]
        if name not in query:
            if parameter.get("required"):
                problems.append(f"query parameter {name!r} is missing")
            continue
        problems += _validate(
            document, parameter.get("schema") or {}, query[name], f"query parameter {name!r}"
        )
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type == "application/x-www-form-urlencoded":
        body = qs_codec.decode(request.content.decode("ascii"), options)
        media = (_deref(document, operation.get("requestBody") or {}).get("content") or {}).get(
            content_type
        ) or {}
        problems += _validate(document, media.get("schema") or {}, body, "body")
    return problems


def _deref(document: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"][2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _validator(document: dict[str, Any], schema: Any) -> Any:
    import openapi_schema_validator as osv

    cls = osv.OAS30Validator if str(document.get("openapi", "")).startswith("3.0") else osv.OAS31Validator
    root = {
        "$ref": "#/$defs/target",
        "$defs": {"target": schema},
        "components": document.get("components", {}),
    }
    return cls(root)


def _validate(document: dict[str, Any], schema: Any, value: Any, label: str) -> list[str]:
    cast = _cast(document, schema, value)
    return [
        f"{label}{''.join(f'[{part!r}]' for part in error.absolute_path)}: {error.message}"[:300]
        for error in _validator(document, schema).iter_errors(cast)
    ][:3]


def _cast(document: dict[str, Any], schema: Any, value: Any, depth: int = 0) -> Any:
    """Bracket notation carries text: read it as the schema's types (an empty value as an empty
    object or list where the schema takes no string)."""
    schema = _deref(document, schema)
    if not isinstance(schema, dict) or depth > 64:
        return value
    variants = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(variants, list):
        for variant in variants:
            candidate = _cast(document, variant, value, depth + 1)
            if _validator(document, variant).is_valid(candidate):
                return candidate
        return value
    for part in schema.get("allOf") or []:
        value = _cast(document, part, value, depth + 1)
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind}
    if value == "" and "string" not in kinds:
        return {} if "object" in kinds or "properties" in schema else [] if "array" in kinds else value
    if isinstance(value, dict) and "array" in kinds and all(key.isdigit() for key in value):
        value = [value[key] for key in sorted(value, key=int)]  # indices beyond qs-codec's list limit
    if isinstance(value, list):
        return [_cast(document, schema.get("items") or {}, item, depth + 1) for item in value]
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        return {
            key: _cast(
                document, properties.get(key, extra if isinstance(extra, dict) else {}), item, depth + 1
            )
            for key, item in value.items()
        }
    if isinstance(value, str):
        if "integer" in kinds and value.lstrip("-").isdigit():
            return int(value)
        if "number" in kinds:
            try:
                return float(value)
            except ValueError:
                return value
        if "boolean" in kinds and value in ("true", "false"):
            return value == "true"
    return value


def _binary_as_bytes(document: dict[str, Any], schema: Any, value: Any) -> Any:
    """The example with its `format: binary` strings as bytes: what a caller uploads."""
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = document
        for part in schema["$ref"][2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    if not isinstance(schema, dict):
        return value
    if schema.get("format") == "binary" and isinstance(value, str):
        return value.encode() or b"file content"
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        return {key: _binary_as_bytes(document, properties.get(key), item) for key, item in value.items()}
    if isinstance(value, list):
        return [_binary_as_bytes(document, schema.get("items"), item) for item in value]
    return value


def _member(client: Any, name: str) -> Any:
    target = client
    for segment in name.split("."):
        target = getattr(target, segment)
    return target


def _consume(result: Any) -> None:
    if hasattr(result, "iter_pages"):
        next(iter(result), None)  # a paginated list: its first page
    elif hasattr(result, "close") and hasattr(result, "__iter__"):
        result.close()  # an event stream


def main(out: str, plan_path: str) -> dict[str, Any]:
    sys.path.insert(0, out)
    sys.dont_write_bytecode = True
    import chaser_core
    from chaser_core import _spec
    from chaser_core.testing import MockAPI, example_for

    assert chaser_core.__file__ is not None and chaser_core.__file__.startswith(out), chaser_core.__file__
    with open(plan_path, encoding="utf-8") as handle:
        plan: dict[str, Any] = json.load(handle)
    document = _spec.document()
    base = "https://api.example.test"
    spec = reader(document, base)
    report: dict[str, Any] = {mode: {} for mode in MODES}
    with MockAPI(base_url=base, validate=False) as api:
        client = api.client(max_retries=0)
        for mode in MODES:
            for name, entry in plan.items():
                args = [example_for(schema) for schema in entry["positional"]]
                chosen = dict(entry["required"])
                files = list(entry["required_files"])
                if mode == "optional":
                    chosen.update(entry["optional"])
                    files = list(entry["files"])
                kwargs = {
                    arg: _binary_as_bytes(document, schema, example_for(schema))
                    for arg, schema in chosen.items()
                }
                kwargs.update({arg: b"file content" for arg in files})
                result: dict[str, Any] = {"ours": [], "theirs": [], "error": None, "brackets": []}
                before = len(api.calls(name))
                try:
                    _consume(_member(client, name)(*args, **kwargs))
                except Exception as exc:  # the client refused to send, or the answer did not parse
                    result["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
                calls = api.calls(name)
                if len(calls) > before:
                    request = calls[before]
                    result["ours"] = api.check_request(name, request)
                    try:
                        spec.validate_request(HttpxRequest(request, base))
                    except Exception as exc:  # openapi-core's verdict
                        result["theirs"] = classify(exc)
                    if any(rule_of(*problem) == BRACKET_RULE for problem in result["theirs"]):
                        result["brackets"] = read_brackets(document, _spec.OPERATIONS[name][2], request)
                elif result["error"] is None:
                    result["error"] = "no request was sent"
                report[mode][name] = result
    return report


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
