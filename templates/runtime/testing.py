"""A mock of the whole API for your tests, built from the spec this package was generated from.

    from chaser_core.testing import MockAPI

    def test_my_code() -> None:
        with MockAPI() as api:
            api.respond("sessions.get", json={"id": "s1", "status": "ready", ...})
            client = api.client()
            ...
            assert api.calls("sessions.create")

Every operation answers by default with a response that is valid against its schema. Every
request is checked against the spec before it is answered: the path, the query parameters
(unknown ones included), the credentials its security asks for and the body. Parameters and
form bodies are read by the spec's serialization rules (`style`, `explode`, `encoding`: the ones
the SDK writes with, chaser_core._wire), and a `oneOf` takes what exactly one of its variants
takes. A request the API would
reject fails your test with `MockValidationError`, naming the operation and the problem.
`respond()` changes the answer and keeps the checks; `api["sessions.get"]` is the underlying
respx route, for anything else (replacing it drops the checks for that route).

Requires the `testing` extra: pip install "chaser-core[testing]" (respx and jsonschema).
"""

from __future__ import annotations

import copy
import email
import email.message
import email.policy
import functools
import importlib.util
import json
import re
import unittest.mock
import urllib.parse
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx

try:
    import respx
except ImportError as _missing:  # pragma: no cover - depends on the installation
    # A private name: type checkers would read `exc` as a public name of this module.
    raise ImportError('chaser_core.testing needs the testing extra: pip install "chaser-core[testing]"') from _missing

from . import _wire
from ._spec import OPERATIONS, WIRE_RULES, document
from ._transport import AsyncTransport, PreparedRequest

if TYPE_CHECKING:
    from types import TracebackType

    from ._client import AsyncChaser, Chaser

__all__ = ["MockAPI", "MockValidationError", "example_for"]

DEFAULT_BASE_URL = "https://api.chaser.sh"
TEST_API_KEY = "sk_test_mock_api"
MAX_EXAMPLE_DEPTH = 6


class MockValidationError(AssertionError):
    """A request the real API would reject, per the spec."""


# ------------------------------------------------------------------------------------------
# Schemas
# ------------------------------------------------------------------------------------------


def _pointer_parts(pointer: str) -> list[str]:
    """The decoded parts of a local JSON pointer (`#/paths/~1v1~1x/get` -> paths, /v1/x, get)."""
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[2:].split("/")]


def _resolve(
    doc: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()
) -> tuple[Any, frozenset[str]]:
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if ref in seen or not ref.startswith("#/"):
            return {}, seen
        seen = seen | {ref}
        target: Any = doc
        for part in _pointer_parts(ref):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema = target
    return schema, seen


_FORMAT_EXAMPLES = {
    "date-time": "2026-01-01T00:00:00Z",
    "date": "2026-01-01",
    "time": "00:00:00",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "binary": "",
    "byte": "",
}


def example_for(schema: Any, doc: dict[str, Any] | None = None, *, depth: int = 0) -> Any:
    """A deterministic value valid against `schema`: every property filled, one item per array."""
    return _example(doc if doc is not None else document(), schema, depth, frozenset())


def _example(doc: dict[str, Any], schema: Any, depth: int, seen: frozenset[str]) -> Any:
    schema, seen = _resolve(doc, schema, seen)
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return copy.deepcopy(schema["const"])
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return copy.deepcopy(schema["enum"][0])
    if "example" in schema:
        return copy.deepcopy(schema["example"])
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = _example(doc, part, depth, seen)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for combinator in ("oneOf", "anyOf"):
        options = schema.get(combinator)
        if options:
            non_null = [o for o in options if _resolve(doc, o, seen)[0].get("type") != "null"] or options
            return _example(doc, non_null[0], depth, seen)
    declared = schema.get("type")
    types = declared if isinstance(declared, list) else [declared] if declared else []
    kind = next((t for t in types if t != "null"), None)
    if kind is None:
        if "properties" in schema:
            kind = "object"
        elif types == ["null"]:
            return None
        else:
            return {}
    if kind == "object":
        required = set(schema.get("required") or [])
        value = {
            name: _example(doc, sub, depth + 1, seen)
            for name, sub in (schema.get("properties") or {}).items()
            # Every required property, at any depth (else the example is invalid). Optional ones
            # only near the top, and never one that leads back into a model being built (that
            # would need an infinite example).
            if name in required
            or (depth < MAX_EXAMPLE_DEPTH and not (isinstance(sub, dict) and sub.get("$ref") in seen))
        }
        # `not: {required: [a, b]}` says a and b exclude each other ("exactly one of"): keep the first.
        exclusive = (schema.get("not") or {}).get("required") if isinstance(schema.get("not"), dict) else None
        if isinstance(exclusive, list) and all(name in value for name in exclusive):
            for name in exclusive[1:]:
                if name not in required:
                    value.pop(name)
        return value
    if kind == "array":
        if depth >= MAX_EXAMPLE_DEPTH and not schema.get("minItems"):
            return []
        return [_example(doc, schema.get("items") or {}, depth + 1, seen)] * max(
            1, int(schema.get("minItems") or 1)
        )
    if kind == "string":
        text = _FORMAT_EXAMPLES.get(str(schema.get("format")), "string")
        text = text.ljust(int(schema.get("minLength") or 0), "x")
        return text[: int(schema["maxLength"])] if isinstance(schema.get("maxLength"), int) else text
    if kind in ("integer", "number"):
        value = schema.get(
            "minimum", schema.get("exclusiveMinimum", 0) + (1 if "exclusiveMinimum" in schema else 0)
        )
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return False
    return None


def _variants(schema: Any) -> list[Any]:
    """The alternatives of a union schema (anyOf/oneOf), or the schema itself."""
    if not isinstance(schema, dict):
        return []
    return list(schema.get("anyOf") or schema.get("oneOf") or [schema])


@functools.cache
def _validator() -> Any:
    """Draft 2020-12, as the spec's schemas are read: a `oneOf` takes a value that exactly one of
    its alternatives takes. A body that two open variants both take is refused, as a strict server
    refuses it; the spec must tell its variants apart (the pipeline reports overlapping ones)."""
    import jsonschema

    return jsonschema.Draft202012Validator


def _openapi_30_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 writes `nullable: true`; JSON Schema (and 3.1) writes type: [t, "null"]."""
    if isinstance(node, list):
        return [_openapi_30_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _openapi_30_to_json_schema(value) for key, value in node.items()}
    if result.pop("nullable", False) is True and isinstance(result.get("type"), str):
        result["type"] = [result["type"], "null"]
    return result


def _default_rule(location: str, name: str) -> _wire.Rule:
    """The spec's default rule of a parameter the table does not list."""
    style = "simple" if location in ("path", "header") else "form"
    return _wire.Rule(location, name, style, style == "form")


def _cookie_pairs(header: str) -> list[tuple[str, str]]:
    pairs = []
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key:
            pairs.append((key, urllib.parse.unquote(value)))
    return pairs


def _claimed(rule: _wire.Rule, pairs: list[tuple[str, str]], value: Any) -> set[str]:
    """The query keys a parameter's value was read from."""
    if rule.style == "deepObject":
        return {key for key, _ in pairs if key == rule.name or key.startswith(rule.name + "[")}
    if isinstance(value, dict) and rule.style == "form" and rule.explode:
        return set(value) | {rule.name}
    return {rule.name}


# ------------------------------------------------------------------------------------------
# The mock
# ------------------------------------------------------------------------------------------


def _test_credentials() -> dict[str, str]:
    """A value for every credential argument of the client: a key, or a username and password."""
    from ._security import SCHEMES

    values: dict[str, str] = {}
    for scheme in SCHEMES.values():
        if scheme.kind == "basic":
            values.update(zip(scheme.arguments, ("mock-user", "mock-password"), strict=True))
        else:
            values[scheme.arguments[0]] = TEST_API_KEY
    return values


def _credential_params(operation: _Operation) -> set[str]:
    """The query parameters that carry a credential of the operation's security (never unknown)."""
    return {
        str(scheme.get("name"))
        for alternative in operation.security
        for _, scheme in alternative
        if scheme.get("type") == "apiKey" and scheme.get("in") == "query"
    }


def _carries(request: httpx.Request, scheme: dict[str, Any]) -> bool:
    """Whether the request carries a credential of the scheme, in the form the scheme says."""
    kind = scheme.get("type")
    if kind == "apiKey":
        name, where = str(scheme.get("name")), scheme.get("in")
        if where == "header":
            return bool(request.headers.get(name, "").strip())
        if where == "query":
            return bool(request.url.params.get(name, "").strip())
        if where == "cookie":
            pairs = dict(
                part.strip().partition("=")[::2] for part in request.headers.get("cookie", "").split(";") if "=" in part
            )
            return bool(pairs.get(name, "").strip())
        return False
    if kind in ("http", "oauth2", "openIdConnect"):
        prefix = str(scheme.get("scheme") or "bearer") if kind == "http" else "bearer"
        found = re.fullmatch(r"(\S+) (\S+)", request.headers.get("authorization", ""))
        return found is not None and found.group(1).lower() == prefix.lower()
    return False


def _check_credentials(operation: _Operation, request: httpx.Request) -> list[str]:
    """Problems when no alternative of the operation's security is carried by the request."""
    if not operation.security or any(
        all(_carries(request, scheme) for _, scheme in alternative) for alternative in operation.security
    ):
        return []
    wanted = " or ".join(
        " and ".join(f"{name!r} ({_where(scheme)})" for name, scheme in alternative) for alternative in operation.security
    )
    return [f"no credentials of the security it needs: {wanted}"]


def _where(scheme: dict[str, Any]) -> str:
    """Where a scheme's credential travels, as a problem message names it."""
    if scheme.get("type") == "apiKey":
        return f"{scheme.get('in')} {scheme.get('name')!r}"
    prefix = str(scheme.get("scheme") or "bearer") if scheme.get("type") == "http" else "bearer"
    return f"Authorization: {prefix.capitalize()} <credentials>"


class _Operation:
    def __init__(self, doc: dict[str, Any], name: str, method: str, path: str, pointer: str) -> None:
        self.name = name
        self.method = method
        self.path = path
        self.pointer = pointer
        parts = _pointer_parts(pointer)
        self.spec: dict[str, Any] = doc["paths"][parts[1]][parts[2]]
        path_item = doc["paths"][parts[1]]
        self.parameters = [
            _resolve(doc, raw)[0]
            for raw in list(path_item.get("parameters") or []) + list(self.spec.get("parameters") or [])
        ]
        # Some specs tell two operations apart by a fixed query in the path (OpenAI's
        # `/responses?beta=true`): the query must be there, with that value.
        template, _, fixed = path.partition("?")
        self.fixed_query = dict(urllib.parse.parse_qsl(fixed, keep_blank_values=True))
        self.path_names = re.findall(r"{([^}]+)}", template)
        pattern = re.escape(template)
        for index, name in enumerate(dict.fromkeys(self.path_names)):
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<p{index}>[^/?#]+)", 1)
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P=p{index})")  # the same value again
        self.path_names = list(dict.fromkeys(self.path_names))
        # How each parameter and form field was written (chaser_core._wire), as the SDK writes it.
        parameter_rules, form_rules = WIRE_RULES.get(self.name, ((), ()))
        self.rules = {(rule.location, rule.name): rule for rule in parameter_rules}
        self.form_rules = form_rules
        self.regex = f"^{pattern}$"
        # The alternatives of the operation's security, each [(scheme name, scheme)]: [] is public.
        schemes = (doc.get("components") or {}).get("securitySchemes") or {}
        self.security = [
            [(str(sname), _resolve(doc, schemes.get(sname))[0]) for sname in requirement]
            for requirement in self.spec.get("security", doc.get("security")) or []
            if isinstance(requirement, dict)
        ]
        self.query_regex = "".join(
            rf"(?=(?:.*&)?{re.escape(urllib.parse.quote(key))}={re.escape(urllib.parse.quote(value))}(?:&|$))"
            for key, value in self.fixed_query.items()
        )


def _routed_send(router: respx.MockRouter) -> Callable[..., Awaitable[httpx.Response]]:
    """What the aiohttp transport's `_send` does while a MockAPI is active: ask its routes."""

    async def send(transport: AsyncTransport, request: PreparedRequest, *, stream: bool) -> httpx.Response:
        httpx_request = request.to_httpx()
        try:
            response = await router.async_handler(httpx_request)
        except httpx.RequestError as exc:  # a route that simulates a network failure
            exc.request = httpx_request
            raise
        response.request = httpx_request
        if not stream:
            await response.aread()
        return response

    return send


class MockAPI:
    """A respx router with one validating route per operation of the API."""

    def __init__(self, *, base_url: str = DEFAULT_BASE_URL, validate: bool = True) -> None:
        self.base_url: str = base_url.rstrip("/")
        self.validate = validate
        doc = document()
        self._doc = _openapi_30_to_json_schema(doc) if str(doc.get("openapi", "")).startswith("3.0") else doc
        self._router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        self._operations: dict[str, _Operation] = {}
        self._overrides: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self._aiohttp_patch: Any = None  # the patch of the aiohttp transport while the mock is active
        for name, (method, path, pointer) in OPERATIONS.items():
            self._operations[name] = _Operation(self._doc, name, method, path, pointer)
        # Routes match in order: an operation with a fixed query before the one without.
        for operation in sorted(self._operations.values(), key=lambda op: not op.fixed_query):
            # Match the encoded URL: a path parameter may contain an encoded "/" (%2F).
            query = rf"\?{operation.query_regex}.*" if operation.fixed_query else r"(?:\?.*)?"
            url_regex = "^" + re.escape(self.base_url) + operation.regex[1:-1] + query + "$"
            route = self._router.route(method=operation.method, url__regex=url_regex, name=operation.name)
            route.mock(side_effect=self._handler(operation))

    # -- context management ---------------------------------------------------------------------

    # While the mock is active, respx answers for every httpx client, as respx does. The aiohttp
    # transport, which respx cannot see, is patched for as long (its `_send` asks these routes):
    # the transport itself never looks for a mock, and every client is answered, however built.

    def __enter__(self) -> MockAPI:
        self._router.__enter__()
        self._patch_aiohttp()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._unpatch_aiohttp()
        self._router.__exit__(exc_type, exc, traceback)

    def start(self) -> None:
        self._router.start()
        self._patch_aiohttp()

    def stop(self) -> None:
        self._unpatch_aiohttp()
        self._router.stop()

    def _patch_aiohttp(self) -> None:
        if self._aiohttp_patch is not None or importlib.util.find_spec("aiohttp") is None:
            return  # already patched, or no aiohttp transport to patch (the extra is not installed)
        from ._aiohttp import AiohttpTransport

        self._aiohttp_patch = unittest.mock.patch.object(AiohttpTransport, "_send", _routed_send(self._router))
        self._aiohttp_patch.start()

    def _unpatch_aiohttp(self) -> None:
        if self._aiohttp_patch is not None:
            self._aiohttp_patch.stop()
            self._aiohttp_patch = None

    # -- clients ---------------------------------------------------------------------------------

    def client(self, **options: Any) -> Chaser:
        """A Chaser on this mock, holding a test credential for every security scheme."""
        from ._client import Chaser

        return Chaser(**{**_test_credentials(), "base_url": self.base_url, **options})

    def async_client(self, **options: Any) -> AsyncChaser:
        """An AsyncChaser on this mock; async_client(transport="aiohttp") on aiohttp."""
        from ._client import AsyncChaser

        return AsyncChaser(**{**_test_credentials(), "base_url": self.base_url, **options})

    # -- routes, answers and calls -----------------------------------------------------------------

    @property
    def operations(self) -> list[str]:
        return list(self._operations)

    def __getitem__(self, name: str) -> respx.Route:
        self._operation(name)
        return self._router.routes[name]

    def respond(
        self,
        name: str,
        status_code: int = 200,
        *,
        json: Any = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `name` with this response from now on (requests are still validated)."""
        self._operation(name)
        answer_headers = {"x-request-id": "req_mock", **(headers or {})}
        self._overrides[name] = lambda request: httpx.Response(
            status_code, json=json, content=content, headers=answer_headers, request=request
        )

    def respond_with(self, name: str, handler: Callable[[httpx.Request], httpx.Response]) -> None:
        """Answer `name` by calling handler(request) (requests are still validated)."""
        self._operation(name)
        self._overrides[name] = handler

    def calls(self, name: str) -> list[httpx.Request]:
        return [call.request for call in self[name].calls]

    def example_response(self, name: str) -> Any:
        """The body the default answer of `name` carries."""
        _, _, body = self._default_answer(self._operation(name), None)
        return body

    def _operation(self, name: str) -> _Operation:
        try:
            return self._operations[name]
        except KeyError:
            raise KeyError(f"no operation {name!r}; known: {', '.join(sorted(self._operations))}") from None

    # -- validation ------------------------------------------------------------------------------

    def check_request(self, name: str, request: httpx.Request) -> list[str]:
        """What is wrong with `request` as a call of `name`, per the spec (empty when valid)."""
        operation = self._operation(name)
        problems: list[str] = []
        match = re.match(operation.regex, request.url.raw_path.decode("ascii").split("?")[0])
        if request.method != operation.method or match is None:
            return [f"{request.method} {request.url.path} is not {operation.method} {operation.path}"]
        problems += _check_credentials(operation, request)
        segments = dict(zip(operation.path_names, match.groups(), strict=True))
        query = request.url.params
        pairs = list(query.multi_items())
        known_query: set[str] = set(operation.fixed_query) | _credential_params(operation)
        for key, value in operation.fixed_query.items():
            if query.get(key) != value:
                problems.append(f"query parameter {key}={value} (fixed by the path) is missing")
        cookies = _cookie_pairs(request.headers.get("cookie", ""))
        for parameter in operation.parameters:
            location, pname, schema = (
                parameter.get("in"),
                parameter.get("name"),
                parameter.get("schema") or {},
            )
            rule = operation.rules.get((location, pname)) or _default_rule(location, pname)
            kind = self._kind(schema)
            label = f"{location} parameter {pname!r}"
            if location == "path":
                decoded = _wire.decode_parameter(rule, segments.get(pname, ""), kind)
            elif location == "query":
                decoded = _wire.decode_parameter(rule, pairs, kind)
                if decoded is _wire.MISSING and kind == "object" and rule.style == "form" and rule.explode:
                    # An exploded form object: its properties are pairs of their own.
                    properties = _resolve(self._doc, schema)[0].get("properties") or {}
                    decoded = {key: text for key, text in pairs if key in properties} or _wire.MISSING
                known_query |= _claimed(rule, pairs, decoded)
            elif location == "header":
                text = request.headers.get(pname)
                decoded = _wire.MISSING if text is None else _wire.decode_parameter(rule, text, kind)
            elif location == "cookie":
                decoded = _wire.decode_parameter(rule, cookies, kind)
            else:
                continue
            if decoded is _wire.MISSING:
                if parameter.get("required"):
                    problems.append(f"missing required {label}")
                continue
            if location == "header" and decoded == "" and not parameter.get("required"):
                continue
            problems += self._check_value(label, decoded, schema, raw=True)
        for unknown in sorted(set(query.keys()) - known_query):
            problems.append(f"query parameter {unknown!r} is not in the spec")
        problems += self._check_body(operation, request)
        return problems

    def _check_value(self, label: str, value: Any, schema: Any, *, raw: bool = False) -> list[str]:
        if raw:
            value = self._coerce(value, schema)
        validator = _validator()(
            {
                "$ref": "#/$defs/target",
                "$defs": {"target": schema},
                "components": self._doc.get("components", {}),
            }
        )
        problems = [
            f"{label}{''.join(f'[{part!r}]' for part in error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(value)
        ][:3]
        if problems and isinstance(value, dict):
            problems += self._unknown_properties(label, value, schema)
        return problems

    def _unknown_properties(self, label: str, value: dict[str, Any], schema: Any) -> list[str]:
        """Keys that no variant of a closed schema declares, with the closest declared name (a typo)."""
        resolved, seen = _resolve(self._doc, schema)
        variants = [_resolve(self._doc, variant, seen)[0] for variant in _variants(resolved)]
        if not variants or any(
            not isinstance(v, dict) or v.get("additionalProperties", True) is not False for v in variants
        ):
            return []
        declared = sorted({str(name) for v in variants for name in v.get("properties") or {}})
        from ._bodies import did_you_mean

        unknown = [key for key in value if key not in declared]
        if not unknown and len(variants) > 1:
            return [
                f"{label}: no variant declares all of {', '.join(map(repr, value))}, and none takes others"
            ]
        return [
            f"{label}: {key!r} is not a property of the body{did_you_mean(key, declared)}" for key in unknown
        ]

    def _kind(self, schema: Any) -> str | None:
        """The type a parameter's text is read as: "array", "object" or a scalar's."""
        resolved, _ = _resolve(self._doc, schema)
        if not isinstance(resolved, dict):
            return None
        declared = resolved.get("type")
        types = [t for t in (declared if isinstance(declared, list) else [declared]) if t and t != "null"]
        if types:
            return str(types[0])
        if "properties" in resolved:
            return "object"
        return None

    def _coerce(self, value: Any, schema: Any) -> Any:
        """Parameters and form fields arrive as text; read them as the schema's types (objects
        and lists by their properties and items; a union by the first alternative that takes it)."""
        resolved, _ = _resolve(self._doc, schema)
        if not isinstance(resolved, dict):
            return value
        variants = resolved.get("anyOf") or resolved.get("oneOf")
        if isinstance(variants, list) and variants:
            validator = self._schema_validator
            for variant in variants:
                candidate = self._coerce(value, variant)
                if validator(variant).is_valid(candidate):
                    return candidate
            return value
        declared = resolved.get("type")
        types = declared if isinstance(declared, list) else [declared]
        if value == "" and "string" not in types:
            # An empty container is sent as an empty value (chaser_core._wire).
            if "object" in types or "properties" in resolved:
                return {}
            if "array" in types:
                return []
        if isinstance(value, list):
            return [self._coerce(item, resolved.get("items") or {}) for item in value]
        if isinstance(value, dict):
            properties = resolved.get("properties") or {}
            extra = resolved.get("additionalProperties")
            return {
                key: self._coerce(item, properties.get(key, extra if isinstance(extra, dict) else {}))
                for key, item in value.items()
            }
        if not isinstance(value, str):
            return value
        try:
            if "integer" in types and re.fullmatch(r"-?\d+", value):
                return int(value)
            if "number" in types:
                return float(value)
        except (TypeError, ValueError):
            return value
        if "boolean" in types and value in ("true", "false"):
            return value == "true"
        if "null" in types and value == "":
            return None
        return value

    def _schema_validator(self, schema: Any) -> Any:
        return _validator()(
            {
                "$ref": "#/$defs/target",
                "$defs": {"target": schema},
                "components": self._doc.get("components", {}),
            }
        )

    def _check_body(self, operation: _Operation, request: httpx.Request) -> list[str]:
        request_body, _ = _resolve(self._doc, operation.spec.get("requestBody"))
        content = request.content
        if not isinstance(request_body, dict) or not request_body:
            return ["the operation takes no body, but one was sent"] if content else []
        if not content:
            return ["missing required request body"] if request_body.get("required") else []
        media_type = request.headers.get("content-type", "").split(";")[0].strip()
        media = (request_body.get("content") or {}).get(media_type)
        if media is None:
            return [
                f"content type {media_type!r} is not one of {', '.join(request_body.get('content') or {})}"
            ]
        schema = media.get("schema") or {}
        if media_type == "application/json" or media_type.endswith("+json"):
            try:
                body = json.loads(content)
            except ValueError as exc:
                return [f"the body is not valid JSON ({exc})"]
            return self._check_value("body", body, schema)
        if media_type == "application/x-www-form-urlencoded":
            resolved, _ = _resolve(self._doc, schema)
            kinds = {str(name): self._kind(sub) for name, sub in (resolved.get("properties") or {}).items()}
            body = _wire.decode_form(content, operation.form_rules, kinds)
            return self._check_value("body", body, schema, raw=True)
        if media_type == "multipart/form-data":
            header = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode()
            message = email.message_from_bytes(header + content, policy=email.policy.default)
            assert isinstance(message, email.message.EmailMessage)
            names = {part.get_param("name", header="content-disposition") for part in message.iter_parts()}
            resolved, _ = _resolve(self._doc, schema)
            missing = [name for name in resolved.get("required") or [] if name not in names]
            unknown = sorted(str(name) for name in names - set(resolved.get("properties") or {}) if name)
            return [f"missing multipart field {name!r}" for name in missing] + [
                f"multipart field {name!r} is not in the spec" for name in unknown
            ]
        return []

    # -- answers ---------------------------------------------------------------------------------

    def _handler(self, operation: _Operation) -> Callable[..., httpx.Response]:
        def handle(request: httpx.Request, **_: str) -> httpx.Response:
            if self.validate:
                problems = self.check_request(operation.name, request)
                if problems:
                    raise MockValidationError(
                        f"{operation.name} ({operation.method} {operation.path}) would be rejected:\n  - "
                        + "\n  - ".join(problems)
                    )
            override = self._overrides.get(operation.name)
            if override is not None:
                return override(request)
            status, headers, body = self._default_answer(operation, request)
            if isinstance(body, bytes):
                return httpx.Response(status, content=body, headers=headers, request=request)
            if body is None:
                return httpx.Response(status, headers=headers, request=request)
            return httpx.Response(status, json=body, headers=headers, request=request)

        return handle

    def _default_answer(
        self, operation: _Operation, request: httpx.Request | None
    ) -> tuple[int, dict[str, str], Any]:
        responses = operation.spec.get("responses") or {}
        code = next((key for key in responses if str(key).startswith("2")), None)
        chosen = responses.get(code) if code else responses.get("default")
        response, _ = _resolve(self._doc, chosen or {})
        status = int(code) if code and str(code).isdigit() else 200
        headers = {"x-request-id": "req_mock"}
        content = (response.get("content") if isinstance(response, dict) else None) or {}
        if not content:
            return (204 if code == "2XX" else status), headers, None
        media_type = next(iter(content))
        headers["content-type"] = media_type
        schema = content[media_type].get("schema") or {}
        if media_type == "text/event-stream":
            return status, headers, b'event: message\ndata: {"mock": true}\n\n'
        if not (media_type == "application/json" or media_type.endswith("+json")):
            return status, headers, b"mock body"
        body = example_for(schema, self._doc)
        return status, headers, self._last_page(operation, request, body)

    def _last_page(self, operation: _Operation, request: httpx.Request | None, body: Any) -> Any:
        """A paginated list's second page is empty, so iterating a mocked list ends."""
        pagination = operation.spec.get("x-chaser-pagination")
        if not isinstance(pagination, dict) or not isinstance(body, dict) or request is None:
            return body
        params = request.url.params
        later = (
            pagination.get("offset_param") and params.get(pagination["offset_param"], "0") not in ("", "0")
        ) or (pagination.get("cursor_param") and params.get(pagination["cursor_param"]))
        items = pagination.get("items")
        if isinstance(items, str) and isinstance(body.get(items), list):
            if later:
                body[items] = []
            if pagination.get("total") in body:
                body[pagination["total"]] = 0 if later else len(body[items])
            if pagination.get("has_more") in body:
                body[pagination["has_more"]] = False
        return body

    def __iter__(self) -> Iterator[str]:
        return iter(self._operations)
