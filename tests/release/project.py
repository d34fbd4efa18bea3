"""A throwaway copy of the project, for commands that change it (sync-spec, release-notes), and
the two versions of the upstream spec the release train is run with."""

from __future__ import annotations

import copy
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, SPEC

# What a release is made of; tests/ and the caches stay behind.
PROJECT_FILES = ("pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "spec", "generated")
CODE = ("scripts", "templates")


def copy_project(target: Path, *, with_code: bool = False) -> Path:
    """Copy the project's inputs and outputs to `target`. With `with_code`, also its scripts and
    templates and a link to its .venv, so that scripts/* run there exactly as here. (The
    bootstrap stamp ignores the version line, so a bumped copy never reinstalls the venv.)"""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES + (CODE if with_code else ()):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / name)
    if with_code:
        (target / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return target


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of a project copy (the .venv link and caches aside), to prove nothing changed."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not {".venv", "__pycache__", ".cache"} & set(path.relative_to(root).parts)
        and not path.name.startswith(".generated")
    }


def upstream_v1() -> dict[str, Any]:
    """The spec the current release was built from: the vendored one."""
    document: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    return document


# What the feature v2 adds. The names must be new to the vendored spec (and to the tests that
# mutate it), or the train would test a no-op.
NEW_FIELD, NEW_PARAMETER = "idle_timeout_seconds", "created_after"


def upstream_v2_feature() -> dict[str, Any]:
    """Additions only, plus a reworded summary: a feature release."""
    document = copy.deepcopy(upstream_v1())
    session = document["components"]["schemas"]["SessionInfo"]["properties"]
    sessions = document["paths"]["/v1/sessions"]
    parameters = sessions["get"]["parameters"]
    assert NEW_FIELD not in session, f"the spec has SessionInfo.{NEW_FIELD} now: pick another name"
    assert all(p.get("name") != NEW_PARAMETER for p in parameters), f"pick another name than {NEW_PARAMETER}"
    session[NEW_FIELD] = {"type": "integer", "description": "Seconds of inactivity before the session stops."}
    parameters.insert(
        2,
        {
            "name": NEW_PARAMETER,
            "in": "query",
            "required": False,
            "description": "Only sessions created after this time (RFC 3339).",
            "schema": {"type": "string"},
        },
    )
    sessions["post"]["summary"] = "Create a session, or reuse the workspace's running one"
    return document


def upstream_v2_breaking() -> dict[str, Any]:
    """An account's `name` becomes `display_name`: code reading `.name` breaks."""
    document = copy.deepcopy(upstream_v1())
    account = document["components"]["schemas"]["AccountInfo"]
    account["properties"]["display_name"] = account["properties"].pop("name")
    account["required"] = ["display_name" if name == "name" else name for name in account["required"]]
    return document


class SpecServer:
    """Upstream, on 127.0.0.1: serves whatever document it is given at /api-docs/openapi.json."""

    def __init__(self) -> None:
        self.body = b""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path != "/api-docs/openapi.json":
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api-docs/openapi.json"

    def serve(self, document: dict[str, Any]) -> None:
        self.body = json.dumps(document).encode("utf-8")


@contextmanager
def spec_server() -> Iterator[SpecServer]:
    server = SpecServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
        thread.join(timeout=5)
