"""Authentication from the spec: its `securitySchemes`, and which of them each operation needs.

The naming rule (docs/policies.md, "Authentication"): a scheme that carries one secret (http
bearer, apiKey in a header, query or cookie, oauth2, openIdConnect) gets the client argument
`api_key`; http basic gets `username` and `password`. When a name is taken by an earlier scheme
(document order of `components.securitySchemes`), the later one is named from the scheme itself,
in snake case without a trailing `_auth`: `AdminApiKeyAuth` gives `admin_api_key`, a second basic
scheme `twilio` gives `twilio_username` and `twilio_password`. Each argument falls back to the
environment variable `CHASER_<ARGUMENT>` (`CHASER_API_KEY`, `CHASER_USERNAME`, ...).
"""

from __future__ import annotations

from typing import Any, Literal

from ...escaping import SpecText
from ...names import ascii_identifier
from .context import Pointer, SpecContext
from .types import SecurityRequirement, SecurityScheme

ENV_PREFIX = "CHASER_"
# Client arguments a credential may never be named after.
CLIENT_ARGUMENTS = frozenset(
    {
        "base_url",
        "account",
        "timeout",
        "max_retries",
        "default_headers",
        "max_connections",
        "http_client",
        "transport",
        "self",
    }
)
# The http schemes that carry a token after their name in Authorization (RFC 9110, 11.6.2).
_TOKEN_TYPES = frozenset({"oauth2", "openIdConnect"})


def _base_name(name: str) -> str | None:
    base = ascii_identifier(name, prefix="scheme")
    if base is None:
        return None
    base = base.removesuffix("_auth").removesuffix("_authentication") or base
    return base


def _scheme(ctx: SpecContext, name: str, raw: Any, taken: set[str]) -> SecurityScheme | None:
    """One scheme of the document, named; None for one no client credential satisfies (mutualTLS)."""
    where: Pointer = ("components", "securitySchemes", name)
    scheme = ctx.resolve(raw)
    if not isinstance(scheme, dict):
        return None
    kind: Literal["token", "basic"]
    location: Literal["header", "query", "cookie"]
    kind_of = scheme.get("type")
    http_scheme = str(scheme.get("scheme") or "").strip()
    if kind_of == "http" and http_scheme.lower() == "basic":
        kind, location, parameter, prefix = "basic", "header", "Authorization", "Basic"
        wanted: tuple[str, ...] = ("username", "password")
    elif kind_of == "http" or kind_of in _TOKEN_TYPES:
        # oauth2 and openIdConnect: the client holds an access token, sent as a bearer token.
        prefix = "Bearer" if kind_of != "http" or http_scheme.lower() == "bearer" else http_scheme
        if not prefix.isascii() or not prefix.replace("-", "").isalnum():
            raise ctx.error(
                f"the http scheme {http_scheme!r} is not a valid auth-scheme token", *where, "scheme"
            )
        kind, location, parameter = "token", "header", "Authorization"
        wanted = ("api_key",)
    elif kind_of == "apiKey":
        where_in = scheme.get("in")
        parameter = str(scheme.get("name") or "")
        if where_in not in ("header", "query", "cookie") or not parameter:
            raise ctx.error("an apiKey scheme needs `in` (header, query or cookie) and `name`", *where)
        location = where_in
        kind, prefix, wanted = "token", "", ("api_key",)
    else:
        return None
    if any(argument in taken for argument in wanted):
        base = _base_name(name) or "credential"
        if kind == "basic":
            wanted = (f"{base}_username", f"{base}_password")
        else:
            wanted = (base if base.endswith(("key", "token")) else f"{base}_api_key",)
    # Still taken (two schemes whose names say the same, `api_key` and `ApiKey`), or a name the
    # client already uses for something else: the next free number, never a refused spec.
    unavailable = taken | CLIENT_ARGUMENTS
    suffix = 2
    first = wanted
    while any(argument in unavailable for argument in wanted):
        wanted = tuple(f"{argument}_{suffix}" for argument in first)
        suffix += 1
    taken.update(wanted)
    return SecurityScheme(
        name=name,
        name_text=SpecText(name),
        kind=kind,
        location=location,
        parameter=SpecText(parameter),
        prefix=prefix,
        arguments=wanted,
        env_vars=tuple(ENV_PREFIX + argument.upper() for argument in wanted),
        description=SpecText(str(scheme["description"])) if scheme.get("description") else None,
    )


def security_schemes_of(ctx: SpecContext) -> tuple[SecurityScheme, ...]:
    raw = (ctx.document.get("components") or {}).get("securitySchemes") or {}
    taken: set[str] = set()
    schemes = (
        [_scheme(ctx, str(name), value, taken) for name, value in raw.items()]
        if isinstance(raw, dict)
        else []
    )
    return tuple(s for s in schemes if s is not None)


def requirement_of(
    ctx: SpecContext, raw: Any, schemes: tuple[SecurityScheme, ...], pointer: Pointer
) -> SecurityRequirement:
    """The alternatives of a `security` list, each the schemes it needs together, in the spec's order.

    An empty alternative (`{}`) makes the credential optional; an empty list makes the operation
    public. An alternative naming a scheme no client credential satisfies (mutualTLS, or an
    undeclared name) can never be chosen, so it is dropped; when every alternative is dropped, the
    client has nothing it could send, and sends nothing (the server's answer says what it wants).
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ctx.error("security must be a list of requirements", *pointer, "security")
    known = {scheme.name for scheme in schemes}
    alternatives: list[tuple[str, ...]] = []
    for requirement in raw:
        if not isinstance(requirement, dict):
            raise ctx.error("each security requirement must be an object", *pointer, "security")
        names = tuple(str(name) for name in requirement)
        if all(name in known for name in names):
            alternatives.append(names)
    return tuple(alternatives)
