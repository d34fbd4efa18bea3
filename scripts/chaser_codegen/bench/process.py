"""Running the measured commands: timed to completion with their peak memory, in the
environment they need."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..layout import ROOT

PYTHON = sys.executable
VENV_BIN = Path(PYTHON).parent


class BenchError(RuntimeError):
    """A benchmark could not run (a command failed): the run stops with its output."""


@dataclass
class Completed:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    # The peak resident memory of the process (and of the children it waited for), in bytes.
    max_rss: int = 0
    # CPU seconds (user + system) of the process and of every child it waited for: ruff, the
    # import check, the model-rendering workers. What a second busy core cannot hide.
    cpu_seconds: float = 0.0


def run_timed(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    check: bool = True,
    timeout: float = 900,
) -> Completed:
    """Run a command to completion and time it (wall clock, start-up included), with its peak
    memory: the output goes to files so that the process can be reaped with wait4, which
    reports the resource use of that one process tree."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=out, stderr=err)
        reaped: list[tuple[int, int, Any]] = []
        reaper = threading.Thread(target=lambda: reaped.append(os.wait4(process.pid, 0)), daemon=True)
        reaper.start()
        reaper.join(timeout)
        seconds = time.perf_counter() - started
        if not reaped:
            process.kill()
            reaper.join()
            raise BenchError(f"`{' '.join(argv)}` took over {timeout:.0f} s")
        _, status, usage = reaped[0]
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if check and process.returncode != 0:
        output = (stdout + stderr).strip()
        raise BenchError(f"`{' '.join(argv)}` exited {process.returncode}:\n{output[-3000:]}")
    return Completed(
        seconds, process.returncode, stdout, stderr, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime
    )


def base_env(**extra: str) -> dict[str, str]:
    """The environment of the measured commands: the venv's tools first on PATH (so that
    openapi-python-client finds ruff for its post-hooks), no inherited PYTHONPATH."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONSTARTUP")}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def pipeline_env() -> dict[str, str]:
    return base_env(PYTHONPATH=str(ROOT / "scripts"))
