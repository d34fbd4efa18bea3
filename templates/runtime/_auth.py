"""Credentials from the spec's `securitySchemes` (docs/policies.md, "Authentication").

The generated `_security` module lists the schemes the spec declares (`SCHEMES`) and what an
operation without `security` of its own needs (`DEFAULT_SECURITY`); a generated method whose
operation needs something else, or answers with other media types than JSON, says so in its
request description (`with_wire`). The client holds the credentials by argument name (`api_key`,
`username`, `password`, ...) and, for each request, sends the first alternative of the
operation's requirement that it holds credentials for. A header the caller sets itself
(`default_headers`, `extra_headers`) wins over the one a scheme would send, and counts as that
scheme's credential.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ._exceptions import ConfigurationError

# The entries of a request description (the low-level layer's kwargs) that carry what the spec
# says of the operation beyond openapi-python-client's request: never sent as such.
ACCEPT_KEY = "chaser_accept"
SECURITY_KEY = "chaser_security"

# security: the alternatives, each the scheme names it needs together (`security: []` is ()).
Security = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Scheme:
    """One security scheme of the spec, as the client satisfies it."""

    name: str
    kind: Literal["token", "basic"]
    location: Literal["header", "query", "cookie"]
    parameter: str  # the header, query parameter or cookie
    prefix: str  # "Bearer", "Basic" (or another http scheme) before the secret; "" for an apiKey
    arguments: tuple[str, ...]
    env_vars: tuple[str, ...]

    def describe(self) -> str:
        """What the caller passes for this scheme, e.g. `api_key=... (or CHASER_API_KEY)`."""
        given = " and ".join(f"{argument}=..." for argument in self.arguments)
        return f"{given} (or {', '.join(self.env_vars)})"


@dataclass(frozen=True, slots=True)
class Wire:
    """What one request carries for its credentials."""

    headers: Mapping[str, str]
    params: Mapping[str, str]
    cookies: Mapping[str, str]


NO_CREDENTIALS = Wire({}, {}, {})


class Credentials:
    """The secrets a client holds, by argument name. Its repr names them and shows no value."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = dict(values)

    def get(self, argument: str) -> str | None:
        return self._values.get(argument)

    def as_arguments(self) -> dict[str, str]:
        return dict(self._values)

    def __repr__(self) -> str:
        return f"Credentials({', '.join(sorted(self._values)) or 'none'})"


def read_credentials(schemes: Mapping[str, Scheme], given: Mapping[str, str | None]) -> Credentials:
    """The credentials of a new client: each argument given, else its environment variable."""
    values: dict[str, str | None] = {}
    for scheme in schemes.values():
        for argument, env_var in zip(scheme.arguments, scheme.env_vars, strict=True):
            value = given.get(argument)
            values[argument] = os.environ.get(env_var) if value is None else value
    return usable(schemes, values)


def usable(schemes: Mapping[str, Scheme], values: Mapping[str, str | None]) -> Credentials:
    """The credentials among `values`: a secret that is empty or blank counts as absent, but a
    basic password may be empty (Stripe's keys are a username with no password) when given as ""."""
    kept: dict[str, str] = {}
    for scheme in schemes.values():
        for argument in scheme.arguments:
            value = values.get(argument)
            if value is not None and (value.strip() or (scheme.kind == "basic" and argument == scheme.arguments[1])):
                kept[argument] = value
    return Credentials(kept)


def _holds(scheme: Scheme, credentials: Credentials, explicit_headers: Collection[str]) -> bool:
    if scheme.location == "header" and scheme.parameter.lower() in explicit_headers:
        return True
    return all(credentials.get(argument) is not None for argument in scheme.arguments)


def choose(
    security: Security,
    schemes: Mapping[str, Scheme],
    credentials: Credentials,
    explicit_headers: Collection[str] = (),
) -> tuple[Scheme, ...] | None:
    """The schemes of the first alternative the client holds credentials for, () when the
    operation needs none, None when it needs one the client lacks. `explicit_headers`: the
    lower-case names of the headers the caller sets itself."""
    if not security:
        return ()
    optional = False
    for alternative in security:
        if not alternative:
            optional = True
            continue
        chosen = tuple(schemes[name] for name in alternative)
        if all(_holds(scheme, credentials, explicit_headers) for scheme in chosen):
            return chosen
    return () if optional else None


def missing_message(security: Security, schemes: Mapping[str, Scheme], what: str) -> str:
    """The ConfigurationError text of `what` (a client, an operation) lacking every alternative:
    what to pass or set for each. Names of arguments and variables only, never a value."""
    alternatives = [[schemes[name] for name in alternative] for alternative in security if alternative]
    options = "; or ".join(
        " together with ".join(f"{scheme.describe()} for the security scheme {scheme.name!r}" for scheme in alternative)
        for alternative in alternatives
    )
    single_keys = all(len(a) == 1 and a[0].kind == "token" for a in alternatives)
    return f"No {'API key' if single_keys else 'credentials'} for {what}: pass {options}"


def wire(
    chosen: tuple[Scheme, ...], credentials: Credentials, explicit_headers: Collection[str]
) -> Wire:
    """The headers, query parameters and cookies that carry the chosen schemes' credentials."""
    if not chosen:
        return NO_CREDENTIALS
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for scheme in chosen:
        if scheme.location == "header" and scheme.parameter.lower() in explicit_headers:
            continue  # the caller's own header wins
        values = [credentials.get(argument) or "" for argument in scheme.arguments]
        if scheme.kind == "basic":
            secret = base64.b64encode(":".join(values).encode("utf-8")).decode("ascii")
        else:
            secret = values[0]
        if scheme.location == "header":
            headers[scheme.parameter] = f"{scheme.prefix} {secret}" if scheme.prefix else secret
        elif scheme.location == "query":
            params[scheme.parameter] = secret
        else:
            cookies[scheme.parameter] = secret
    return Wire(headers, params, cookies)


def with_wire(kwargs: dict[str, Any], accept: str | None, security: Security | None) -> dict[str, Any]:
    """A request description that carries its Accept header and its security requirement when
    they differ from the client's defaults (JSON, the document's `security`)."""
    if accept is not None:
        kwargs[ACCEPT_KEY] = accept
    if security is not None:
        kwargs[SECURITY_KEY] = security
    return kwargs


def sensitive_names(schemes: Mapping[str, Scheme]) -> tuple[frozenset[str], frozenset[str]]:
    """The lower-case header names (cookies travel in Cookie) and the query parameter names that
    carry a secret: what logs, errors and reprs redact."""
    headers = {s.parameter.lower() for s in schemes.values() if s.location == "header"}
    params = {s.parameter for s in schemes.values() if s.location == "query"}
    return frozenset(headers), frozenset(params)
