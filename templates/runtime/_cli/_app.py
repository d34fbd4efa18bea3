"""The `chaser-core` command: global options, lazy command loading, output and exit codes.

The commands themselves are generated (chaser_core/_cli/commands/<resource>.py, one per
resource of the spec) and call the convenience client, so they get its retries, typed errors,
pagination, waiters and streaming. This module is what every command shares.

Exit codes: 0 success; 1 the API answered with an error (or an unreadable body); 2 usage or
configuration error; 3 network failure or timeout; 4 a waiter gave up (--wait).
"""

from __future__ import annotations

import importlib
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from .._env import ENV_ACCOUNT, ENV_API_KEY, ENV_BASE_URLS
from .._version import __version__
from ._registry import RESOURCES

if TYPE_CHECKING:
    from .._client import Chaser

EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_NETWORK = 3
EXIT_WAITER = 4

FORMATS = ("json", "yaml", "table")
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class CliState:
    """What the global options set, and the client built from them on first use."""

    api_key: str | None = None
    base_url: str | None = None
    account: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    output_format: str | None = None
    _client: Chaser | None = field(default=None, repr=False)

    def client(self) -> Chaser:
        if self._client is None:
            from .._client import Chaser

            from .._exceptions import ConfigurationError
            from .._security import SCHEMES

            options: dict[str, Any] = {"base_url": self.base_url, "account": self.account}
            # --api-key (or CHASER_API_KEY) is the credential of the spec's key scheme, and means
            # nothing to an API that has none; the other credentials come from CHASER_<ARGUMENT>.
            if self.api_key is not None and any("api_key" in scheme.arguments for scheme in SCHEMES.values()):
                options["api_key"] = self.api_key
            if self.timeout is not None:
                options["timeout"] = self.timeout
            if self.max_retries is not None:
                options["max_retries"] = self.max_retries
            try:
                self._client = Chaser(**options)
            except ConfigurationError as exc:
                hint = " (--api-key sets api_key)" if "api_key=" in str(exc) else ""
                fail(f"{exc}{hint}", EXIT_USAGE)
        return self._client


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when used (so --help stays fast)."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attribute = self.lazy[cmd_name]
            command: click.Command = getattr(importlib.import_module(module_name), attribute)
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help for lazy groups comes from the registry, without importing them.
        rows = [(name, RESOURCES[name][1]) for name in sorted(self.lazy) if name in RESOURCES]
        for name in super().list_commands(ctx):
            command = super().get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(60)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(sorted(rows))


def _configure_debug() -> None:
    logger = logging.getLogger("chaser_core")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[chaser-core %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


@click.group(
    cls=LazyGroup,
    lazy={name: (module, "group") for name, (module, _) in RESOURCES.items()},
    context_settings=CONTEXT_SETTINGS,
)
@click.option("--api-key", envvar=ENV_API_KEY, show_envvar=True, help="API key (sk_...). Never printed.")
@click.option("--base-url", envvar=list(ENV_BASE_URLS), help=f"API base URL. [env: {', '.join(ENV_BASE_URLS)}]")
@click.option("--account", envvar=ENV_ACCOUNT, show_envvar=True, help="Act in this account (id, name or 'personal').")
@click.option("--timeout", type=float, help="Per-request timeout in seconds.")
@click.option("--max-retries", type=click.IntRange(min=0), help="Retries for failed requests (default 2).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), help="Output format (default json).")
@click.option("--debug", is_flag=True, help="Log each request to stderr (the API key is redacted).")
@click.version_option(__version__, "--version", prog_name="chaser-core", message="%(prog)s %(version)s")
@click.pass_context
def cli(
    ctx: click.Context,
    api_key: str | None,
    base_url: str | None,
    account: str | None,
    timeout: float | None,
    max_retries: int | None,
    output_format: str | None,
    debug: bool,
) -> None:
    """Command-line client for the Chaser Core API: every operation, as `chaser-core RESOURCE OPERATION`.

    \b
    Examples:
      chaser-core sessions create --session-type sandbox --ephemeral
      chaser-core sessions list --all
      chaser-core exec in-session SESSION_ID --command "python3 --version"
      chaser-core api GET /v1/billing/summary
    """
    if debug:
        _configure_debug()
    ctx.obj = CliState(api_key, base_url, account, timeout, max_retries, output_format)


# ----------------------------------------------------------------------------------------------
# Inputs
# ----------------------------------------------------------------------------------------------


def read_json_value(raw: str, *, option: str) -> Any:
    """A JSON option value, or @path to read it from a file (@- for stdin)."""
    text = raw
    if raw.startswith("@"):
        text = _read_text(raw[1:], option=option)
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not valid JSON: {exc}", param_hint=option) from exc


def read_file_value(raw: str, *, option: str) -> Any:
    """An upload: @path (or a plain path) to a local file, or @- for stdin."""
    path = raw[1:] if raw.startswith("@") else raw
    if path == "-":
        return ("stdin", sys.stdin.buffer.read())
    local = Path(path).expanduser()
    if not local.is_file():
        raise click.BadParameter(f"no such file: {path}", param_hint=option)
    return local


def _read_text(path: str, *, option: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror}", param_hint=option) from exc


@dataclass(frozen=True)
class BodyField:
    """How one body field of an operation arrives from the command line."""

    arg: str
    wire: str
    required: bool
    keyword: bool  # passed to the client method as a keyword; otherwise sent through extra_body


def build_call(
    options: Mapping[str, Any],
    *,
    body_fields: Iterable[BodyField],
    data: str | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keyword arguments and extra_body for a client method, from options and --data."""
    kwargs = {name: value for name, value in options.items() if value is not None and value != ()}
    extra_body: dict[str, Any] = {}
    whole = read_json_value(data, option="--data") if data is not None else {}
    if not isinstance(whole, dict):
        raise click.BadParameter("the body must be a JSON object", param_hint="--data")
    whole = dict(whole)
    for body_field in body_fields:
        from_data = whole.pop(body_field.wire, None)
        if body_field.arg in kwargs:
            value = kwargs[body_field.arg]
        elif from_data is not None:
            value = from_data
            kwargs[body_field.arg] = value
        else:
            if body_field.required:
                raise click.UsageError(f"missing --{body_field.arg.replace('_', '-')} (or {body_field.wire!r} in --data)")
            continue
        if not body_field.keyword:
            extra_body[body_field.wire] = kwargs.pop(body_field.arg)
    extra_body.update(whole)  # keys the spec does not name go through as they are
    return kwargs, extra_body


# ----------------------------------------------------------------------------------------------
# Running an operation and printing its result
# ----------------------------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return value.to_dict()
    if hasattr(value, "event") and hasattr(value, "data") and hasattr(value, "retry"):  # ServerSentEvent
        return {"event": value.event, "data": value.data, "id": value.id, "retry": value.retry}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _stdout() -> IO[str]:
    return sys.stdout


def emit(value: Any, output_format: str | None) -> None:
    """Print one result: pretty JSON on a terminal, compact JSON when piped, or YAML or a table."""
    if value is None:
        return
    data = to_jsonable(value)
    out = _stdout()
    chosen = output_format or "json"
    if chosen == "yaml":
        import yaml

        out.write(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    elif chosen == "table":
        out.write(format_table(data))
    elif out.isatty():
        out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n")


def emit_lines(values: Iterator[Any]) -> None:
    """JSON lines, written and flushed one by one (--all, event streams)."""
    out = _stdout()
    for value in values:
        out.write(json.dumps(to_jsonable(value), separators=(",", ":"), ensure_ascii=False) + "\n")
        out.flush()


def format_table(data: Any) -> str:
    """Rows of scalar columns. Written here rather than pulling in a table library: it is a few
    lines, and the CLI must stay quick to import."""
    if isinstance(data, dict):
        # A page or an envelope ({"sessions": [...], "total": 3}): the table is its list.
        lists = [value for value in data.values() if isinstance(value, list) and value and isinstance(value[0], dict)]
        if lists:
            data = lists[0]
    rows = data if isinstance(data, list) else [data]
    if not rows or not all(isinstance(row, dict) for row in rows):
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    columns: list[str] = []
    for row in rows:
        for key, value in row.items():
            if key not in columns and not isinstance(value, dict | list):
                columns.append(key)
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(line[i]) for line in cells)) for i, column in enumerate(columns)]
    lines = ["  ".join(column.upper().ljust(widths[i]) for i, column in enumerate(columns)).rstrip()]
    lines += ["  ".join(value.ljust(widths[i]) for i, value in enumerate(line)).rstrip() for line in cells]
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    text = str(value).replace("\n", " ")
    return text if len(text) <= 60 else text[:59] + "…"


def write_bytes(data: bytes, output: str | None) -> None:
    if output and output != "-":
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def format_of(state: CliState, local: str | None) -> str | None:
    return local or state.output_format


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def report_error(exc: BaseException) -> NoReturn:
    """Expected failures become one clear message on stderr and a distinct exit code."""
    from .._exceptions import (
        APIConnectionError,
        APIResponseValidationError,
        APIStatusError,
        ChaserError,
        ConfigurationError,
        UploadTooLargeError,
        WaiterError,
    )

    if isinstance(exc, APIStatusError):
        parts = [f"HTTP {exc.status_code}"]
        if exc.code:
            parts.append(f"[{exc.code}]")
        parts.append(exc.message)
        if exc.request_id:
            parts.append(f"(request id {exc.request_id})")
        fail(" ".join(parts), EXIT_API_ERROR)
    if isinstance(exc, APIResponseValidationError):
        fail(f"unexpected response from the API: {exc.message}", EXIT_API_ERROR)
    if isinstance(exc, APIConnectionError):
        fail(exc.message, EXIT_NETWORK)
    if isinstance(exc, WaiterError):
        fail(str(exc), EXIT_WAITER)
    if isinstance(exc, ConfigurationError | UploadTooLargeError):
        fail(str(exc), EXIT_USAGE)
    if isinstance(exc, ChaserError):
        fail(str(exc), EXIT_API_ERROR)
    raise exc


def run(call: Callable[[], Any]) -> Any:
    """Run a client call, mapping SDK exceptions to messages and exit codes."""
    from .._exceptions import ChaserError

    try:
        return call()
    except ChaserError as exc:
        report_error(exc)
    except TypeError as exc:
        # A union body given arguments from two variants (pick_variant) lands here.
        fail(str(exc), EXIT_USAGE)


# ----------------------------------------------------------------------------------------------
# Built-in commands: the raw escape hatch and shell completion
# ----------------------------------------------------------------------------------------------


@cli.command("api", context_settings=CONTEXT_SETTINGS)
@click.argument("method", type=click.Choice(["GET", "POST", "PUT", "PATCH", "DELETE"], case_sensitive=False))
@click.argument("path")
@click.option("--data", help="JSON body, or @file.json.")
@click.option("-q", "--query", "query", multiple=True, metavar="KEY=VALUE", help="Query parameter (repeatable).")
@click.option("--format", "output_format", type=click.Choice(FORMATS))
@click.pass_obj
def api_command(
    state: CliState, method: str, path: str, data: str | None, query: tuple[str, ...], output_format: str | None
) -> None:
    """Call any endpoint, with auth, retries and errors handled: chaser-core api GET /v1/sessions -q limit=5."""
    if not path.startswith("/"):
        raise click.BadParameter("the path starts with /", param_hint="PATH")
    params: dict[str, str] = {}
    for item in query:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--query")
        params[key] = value
    kwargs: dict[str, Any] = {"method": method.lower(), "url": path, "params": params}
    if data is not None:
        kwargs["json"] = read_json_value(data, option="--data")
    from .._retry import IDEMPOTENT_METHODS  # here: it imports httpx, which --help never needs

    idempotent = method.upper() in IDEMPOTENT_METHODS
    client = run(state.client)
    response, _ = run(lambda: client.send_request(kwargs, idempotent=idempotent))
    if not response.content:
        return
    if "json" in response.headers.get("content-type", ""):
        try:
            emit(response.json(), format_of(state, output_format))
            return
        except ValueError:
            pass
    write_bytes(response.content, None)


@cli.command("completion", context_settings=CONTEXT_SETTINGS)
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion_command(shell: str) -> None:
    """Print the shell completion script: eval "$(chaser-core completion bash)"."""
    from click.shell_completion import get_completion_class

    completion_class = get_completion_class(shell)
    if completion_class is None:  # pragma: no cover - click ships all three
        fail(f"no completion for {shell}", EXIT_USAGE)
    script = completion_class(cli, {}, "chaser-core", "_CHASER_CORE_COMPLETE").source()
    click.echo(script)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the chaser-core console script."""
    cli.main(args=argv, prog_name="chaser-core")
