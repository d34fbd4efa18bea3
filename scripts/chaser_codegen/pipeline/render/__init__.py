"""Render: every surface, from the one model, into a staging directory.

- the low-level package (openapi-python-client, with our template overrides) in <pkg>/_api/
- the runtime modules, copied verbatim from templates/runtime/
- the clients, resources, CLI and docs, from our Jinja templates in templates/sdk/

Our Jinja environment is strict: undefined variables are errors (StrictUndefined), and spec
text cannot be printed without an escaping filter (escaping.finalize).
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any, Protocol

import jinja2

from ... import escaping, runtime_source
from ...errors import PipelineError
from ...names import LOW_LEVEL_PACKAGE, PER_CALL_OPTIONS
from .. import opc_compat
from ..model import Api, Operation, Resource
from ..opc_compat import GeneratorData
from ..parse import describe_error
from ..public_types import public_types
from . import cli, python
from .api_names import const, ll_alias, low_level_import
from .public_names import public_names

RUNTIME = runtime_source.RUNTIME
TEMPLATES = RUNTIME.parent
OAPC_OVERRIDES = TEMPLATES / "openapi-python-client"
SDK_TEMPLATES = TEMPLATES / "sdk"


def _pyexact(value: Any) -> str:
    """A Python string literal of the exact value (ascii() escapes everything else): for data
    that must survive unchanged, such as paths used as keys, unlike the display filter pystr."""
    raw = value.raw if isinstance(value, escaping.SpecText) else value
    return ascii(str(raw))


def _pyjson_document(document: Any) -> str:
    """The whole document as one Python string literal of compact, ASCII-only JSON."""
    return ascii(json.dumps(document, ensure_ascii=True, separators=(",", ":")))


def _pytuple(values: Any) -> str:
    """A tuple of string literals with no trailing comma but a one-element tuple's own, so that
    ruff lays it out on one line when it fits (a trailing comma would make it one per line)."""
    items = [escaping.pystr(v) for v in values]
    return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"


def _security_expr(security: Any) -> str:
    """A security requirement (alternatives of scheme names) as a tuple of tuples of exact literals:
    the names are keys of the generated SCHEMES, so they must survive unchanged."""

    def literal(items: list[str]) -> str:
        # No trailing comma but a one-element tuple's own, so ruff keeps it on one line.
        return "(" + items[0] + ",)" if len(items) == 1 else "(" + ", ".join(items) + ")"

    return literal([literal([_pyexact(name) for name in alternative]) for alternative in security])


def _security_text(security: Any) -> str:
    """A security requirement in words, for api.md: the schemes of each alternative."""
    if not security:
        return "no credentials"
    alternatives = [
        " and ".join(f"`{escaping.md_code(name)}`" for name in alternative) if alternative else "none"
        for alternative in security
    ]
    return "the credentials of " + " or ".join(alternatives)


def _pyset(values: Any) -> str:
    """A set display of string literals (for frozenset(...)); never empty: leave the field out."""
    if not values:
        raise ValueError("an empty set has no display: omit the field and let its default apply")
    return "{" + ", ".join(escaping.pystr(v) for v in values) + "}"


def template_cache() -> jinja2.BytecodeCache:
    directory = TEMPLATES.parent / ".cache" / "jinja"
    directory.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(directory))


def make_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(SDK_TEMPLATES)),
        # Compiled templates are cached by their source's checksum: a changed template recompiles.
        bytecode_cache=template_cache(),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=escaping.finalize,
    )
    env.filters.update(escaping.FILTERS)
    env.filters["pytuple"] = _pytuple
    env.filters["pyset"] = _pyset
    env.filters["security_expr"] = _security_expr
    env.filters["security_text"] = _security_text
    env.filters["pyexact"] = _pyexact
    env.filters["pyjson_document"] = _pyjson_document
    # The per-surface views of the model: `op | cli_name`, `f | value_expr`, `op | ll_alias`.
    env.filters.update(cli.FILTERS)
    env.filters.update(python.FILTERS)
    env.filters.update({"const": const, "ll_alias": ll_alias})
    env.globals["per_call_options"] = PER_CALL_OPTIONS
    # The CLI shows the waiters' defaults in --help; the runtime's _waiters.py holds them.
    env.globals["wait_defaults"] = {
        "timeout": runtime_source.constant("_waiters.py", "DEFAULT_WAIT_TIMEOUT"),
        "interval": runtime_source.constant("_waiters.py", "DEFAULT_WAIT_INTERVAL"),
    }
    return env


def render_package(api: Api, package_dir: Path, *, version: str) -> None:
    """Write the whole package into package_dir (which must not exist yet)."""
    package_dir.mkdir(parents=True)
    render_low_level_package(api, package_dir / LOW_LEVEL_PACKAGE)
    for module in sorted(RUNTIME.rglob("*.py")):
        target = package_dir / module.relative_to(RUNTIME)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(module, target)
    (package_dir / "py.typed").write_text("", encoding="utf-8")

    env = make_environment()
    write = _writer(env, package_dir)
    write("_version.py.jinja", "_version.py", version=version)
    names = public_names()
    write(
        "__init__.py.jinja", "__init__.py", api=api, public_names=names, all_names=sorted(n for n, _ in names)
    )
    write("_client.py.jinja", "_client.py", api=api)
    write("_security.py.jinja", "_security.py", api=api)
    write("types.py.jinja", "types.py", api=api, types=public_types(api.low_level_data, source=api.package))
    write("resources/__init__.py.jinja", "resources/__init__.py", api=api)
    for top in api.resources:
        write(
            "resources/resource_module.py.jinja",
            f"resources/{top.module}.py",
            **resource_module_context(api, top),
        )
    write("_spec.py.jinja", "_spec.py", api=api, document=api.spec_document)
    write("_cli/_registry.py.jinja", "_cli/_registry.py", api=api)
    write("_cli/commands/__init__.py.jinja", "_cli/commands/__init__.py", api=api)
    for top in api.resources:
        write(
            "_cli/commands/resource_commands.py.jinja",
            f"_cli/commands/{top.module}.py",
            api=api,
            top=top,
            resources=top.walk(),
        )


def render_docs(api: Api, target: Path) -> None:
    """api.md: every resource and method, with a Python and a CLI example each."""
    env = make_environment()
    types = public_types(api.low_level_data, source=api.package)
    _writer(env, target.parent)(
        "api.md.jinja", target.name, api=api, resources=api.all_resources(), types=types
    )


def render_low_level_package(api: Api, target: Path) -> None:
    """openapi-python-client's client, models and one module per operation (`sync`,
    `sync_detailed`, `asyncio`, `asyncio_detailed`, and the `_get_kwargs` the resources, the CLI
    and the MCP bridge build their requests with), with our template overrides.
    (Content-type overrides only steer parsing, so the renderer's settings need none.)"""
    with contextlib.redirect_stdout(io.StringIO()):  # openapi-python-client prints progress
        errors = opc_compat.render_package(
            parsed_data(api), target, custom_templates=OAPC_OVERRIDES, bytecode_cache=template_cache()
        )
    if errors:
        raise PipelineError(
            "low-level", "; ".join(describe_error(error) for error in errors), location=str(target)
        )


def parsed_data(api: Api) -> GeneratorData:
    """openapi-python-client's parse of the spec, which the model was built from."""
    if api.low_level_data is None:
        raise PipelineError("render", "the model carries no low-level parse to render", location=api.package)
    return api.low_level_data


def resource_module_context(api: Api, top: Resource) -> dict[str, Any]:
    resources = top.walk()
    operations: list[Operation] = [op for r in resources for op in r.operations]
    imports: set[str] = set()
    for op in operations:
        imports |= set(op.result.imports)
        for f in op.parameters + op.body_fields:
            imports |= set(f.imports)
        if op.body is not None:
            imports |= set(op.body.imports)
        if op.pagination is not None:
            imports |= set(op.pagination.imports)
    low_level_imports = sorted(low_level_import(op) for op in operations)
    helpers = sorted({name for r in resources if r.helper for name in (r.helper, f"Async{r.helper}")})
    # The low-level layer's File type (binary bodies), unless a model of the spec is named File
    # (Stripe's is): then the module's File is that model.
    runtime_file = not any(line.endswith(" import File") for line in imports)
    return {
        "runtime_file": runtime_file,
        "api": api,
        "top": top,
        "resources": resources,
        "operations": operations,
        # UNSET, Unset and File come from the runtime's _types module; typing.cast is imported there too.
        # The package's own modules are imported relatively, as every other import of the module is.
        "imports": sorted(
            line.replace(f"from {api.package}.", "from ..", 1)
            for line in imports
            if not line.startswith(
                (f"from {api.low_level_package}.types import", "from typing import cast", "from io import")
            )
        ),
        "low_level_imports": low_level_imports,
        "helpers": helpers,
    }


class Writer(Protocol):
    """Renders a template into a file of the package."""

    def __call__(self, template: str, target: str, **context: Any) -> None: ...


def _writer(env: jinja2.Environment, package_dir: Path) -> Writer:
    def write(template: str, target: str, **context: Any) -> None:
        try:
            text = env.get_template(template).render(**context)
        except escaping.UnescapedSpecText as exc:
            raise PipelineError("render", str(exc), location=f"templates/sdk/{template}") from exc
        except jinja2.TemplateError as exc:
            where = f"templates/sdk/{template}"
            if isinstance(exc, jinja2.TemplateSyntaxError) and exc.lineno:
                where += f":{exc.lineno}"
            raise PipelineError("render", f"{type(exc).__name__}: {exc}", location=where) from exc
        path = package_dir / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")

    return write
