"""The click commands of the bridge, attached to the MCP endpoint's command group."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..._env import ENV_API_KEY
from .._app import CONTEXT_SETTINGS, EXIT_USAGE, CliState, fail
from ._agents import AGENTS
from ._spec import BridgeSpec

if TYPE_CHECKING:
    from ..._client import AsyncChaser

_AGENT_CHOICE = click.Choice([*AGENTS, "all"])
_DOCTOR_TIMEOUT = 15.0


def add_bridge_commands(group: click.Group, spec: BridgeSpec) -> None:
    """Attach `serve`, `install` and `doctor` to the group of the MCP endpoint's resource."""
    for make in (_serve_command, _install_command, _doctor_command):
        group.add_command(make(spec))


def _async_client(state: CliState, *, timeout: float | None = None) -> AsyncChaser:
    from ..._client import AsyncChaser

    options: dict[str, Any] = {"api_key": state.api_key, "base_url": state.base_url, "account": state.account}
    if state.timeout is not None or timeout is not None:
        options["timeout"] = state.timeout if state.timeout is not None else timeout
    if state.max_retries is not None:
        options["max_retries"] = state.max_retries
    return AsyncChaser(**options)


def _serve_command(spec: BridgeSpec) -> click.Command:
    @click.command(
        "serve",
        context_settings=CONTEXT_SETTINGS,
        short_help="Run the stdio MCP bridge to the Chaser API (what agents start).",
    )
    @click.pass_obj
    def serve(state: CliState) -> None:
        from ..._exceptions import ConfigurationError
        from ._relay import Upstream
        from ._stdio import serve as run

        source = click.get_current_context().find_root().get_parameter_source("api_key")
        if source is click.core.ParameterSource.COMMANDLINE:
            click.echo(
                f"warning: --api-key shows the key to anyone who can list processes; use {ENV_API_KEY}",
                err=True,
            )
        upstream, problem = None, None
        if not state.api_key:
            problem = f"no API key: set {ENV_API_KEY} in the environment the agent starts chaser-core with"
        else:
            try:
                upstream = Upstream(_async_client(state), spec)
            except ConfigurationError as exc:
                problem = str(exc)
        if problem:
            # The bridge stays up and answers every request with this, so the agent shows why.
            click.echo(f"error: {problem}", err=True)
        sys.exit(run(upstream, problem=problem))

    serve.help = (
        f"A local MCP server on stdin and stdout that relays an agent's JSON-RPC messages to "
        f"{spec.path} of the Chaser API, with the SDK's authentication, timeouts, retries and "
        "redacted logging (--debug or CHASER_LOG=debug, on stderr).\n\n"
        "The API key comes from CHASER_API_KEY, never from the command line or the agent's config; "
        "CHASER_BASE_URL (or CHASER_API_URL) and CHASER_ACCOUNT work as everywhere.\n\n"
        f"The API documents {', '.join(spec.methods) or 'no method'}; requests for "
        f"{', '.join(spec.retry_safe) or 'none of them'} are retried after a failure that may have "
        "reached the API, any other request only when it never did."
    )
    return serve


def _install_command(spec: BridgeSpec) -> click.Command:
    @click.command(
        "install",
        context_settings=CONTEXT_SETTINGS,
        short_help="Add the bridge to agents' MCP configs (backed up, atomic).",
    )
    @click.option("--agent", "agent_name", type=_AGENT_CHOICE, required=True)
    @click.option("--scope", type=click.Choice(["user", "project"]), default="user", show_default=True)
    @click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path), default=".")
    @click.option("--name", default="chaser", show_default=True, help="The server's name in the agent.")
    @click.option(
        "--command",
        "command_line",
        metavar="COMMAND",
        help="What the agent runs instead of this chaser-core (for example 'uvx chaser-core').",
    )
    @click.option("--dry-run", is_flag=True, help="Print the diff of each file; write nothing.")
    def install(
        agent_name: str, scope: str, project_dir: Path, name: str, command_line: str | None, dry_run: bool
    ) -> None:
        from ._agents import Platform, apply, bridge_command, plan

        if command_line:
            words = shlex.split(command_line)
            if not words:
                fail("--command is empty", EXIT_USAGE)
            command, args = words[0], [*words[1:], *spec.serve_args]
        else:
            command, args = bridge_command(spec.serve_args)
        agents = list(AGENTS.values()) if agent_name == "all" else [AGENTS[agent_name]]
        platform = Platform.current()
        errors = 0
        for agent in agents:
            change = plan(
                agent,
                scope=scope,  # type: ignore[arg-type]
                platform=platform,
                project=project_dir,
                name=name,
                command=command,
                args=args,
                explicit=agent_name != "all",
            )
            if change.status in ("created", "updated"):
                if dry_run:
                    click.echo(change.diff(), nl=False)
                else:
                    try:
                        apply(change)
                    except OSError as exc:
                        change.status, change.message = "error", f"cannot write {change.path}: {exc.strerror}"
            errors += change.status == "error"
            verb = f"would be {change.status}" if dry_run and change.after is not None else change.status
            where = f" {change.path}" if change.path and change.status != "skipped" else ""
            backup = f" (backup: {change.backup})" if change.backup else ""
            click.echo(f"{agent.name}: {verb}{where}{backup}: {change.message}", err=change.status == "error")
            if agent.env_note and change.status in ("created", "updated"):
                click.echo(f"  note: {agent.env_note}")
        if errors:
            sys.exit(1)

    install.help = (
        "Write or update the bridge's entry in the MCP config of an agent (--agent all: every installed "
        "one): Claude Desktop, Claude Code, Cursor, VS Code, Windsurf. Every other server and key of the "
        "file is kept; the file is backed up and replaced atomically; running it again changes nothing. "
        "The API key is never written: the bridge reads CHASER_API_KEY from the agent's environment."
    )
    return install


def _doctor_command(spec: BridgeSpec) -> click.Command:
    @click.command(
        "doctor",
        context_settings=CONTEXT_SETTINGS,
        short_help="Check the environment, agents' configs and the API (exit 1 on a problem).",
    )
    @click.option("--agent", "agent_name", type=_AGENT_CHOICE, default="all", show_default=True)
    @click.option("--scope", type=click.Choice(["user", "project"]), default="user", show_default=True)
    @click.option("--project-dir", type=click.Path(file_okay=False, path_type=Path), default=".")
    @click.option("--name", default="chaser", show_default=True, help="The server's name in the agent.")
    @click.option("--offline", is_flag=True, help="Skip the live initialize and tools/list.")
    @click.pass_obj
    def doctor(
        state: CliState, agent_name: str, scope: str, project_dir: Path, name: str, offline: bool
    ) -> None:
        import asyncio

        from ..._exceptions import ConfigurationError
        from ..._version import __version__
        from ._agents import Platform
        from ._doctor import Check, agent_checks, environment_checks, format_checks, live_checks

        checks = environment_checks(state.api_key, state.base_url, state.account)
        checks += agent_checks(
            list(AGENTS.values()) if agent_name == "all" else [AGENTS[agent_name]],
            scope=scope,  # type: ignore[arg-type]
            platform=Platform.current(),
            project=project_dir,
            name=name,
            spec=spec,
            explicit=agent_name != "all",
        )
        if offline:
            pass
        elif not state.api_key:
            checks.append(Check("initialize", "skip", "no API key"))
        else:
            try:
                client = _async_client(state, timeout=_DOCTOR_TIMEOUT)
            except ConfigurationError as exc:
                checks.append(Check("initialize", "fail", str(exc)))
            else:
                checks += asyncio.run(live_checks(client, spec, __version__))
        click.echo(format_checks(checks), nl=False)
        problems = sum(check.status == "fail" for check in checks)
        if problems:
            click.echo(f"{problems} problem(s)", err=True)
            sys.exit(1)

    doctor.help = (
        f"Check what the bridge needs: CHASER_API_KEY and the base URL, the bridge's entry in each "
        f"agent's config, and a live initialize and tools/list against {spec.path}. One line per "
        "check; exit code 1 when any failed."
    )
    return doctor
