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


def _fresh(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`...: the first one the spec does not have yet, so that the
    train always makes a real change (even on a checkout whose spec already took an earlier v2)."""
    candidates = (name if n == 1 else f"{name}_{n}" for n in range(1, 100))
    return next(candidate for candidate in candidates if candidate not in taken)


def _v1_names() -> tuple[set[str], set[str]]:
    document = upstream_v1()
    fields = set(document["components"]["schemas"]["SessionInfo"]["properties"])
    parameters = {p.get("name") for p in document["paths"]["/v1/sessions"]["get"]["parameters"]}
    return fields, {name for name in parameters if isinstance(name, str)}


# What the feature v2 adds: names new to the vendored spec (and unlike the ones the mutation
# tests add, such as `region`).
NEW_FIELD = _fresh("idle_timeout_seconds", _v1_names()[0])
NEW_PARAMETER = _fresh("created_after", _v1_names()[1])


def upstream_v2_feature() -> dict[str, Any]:
    """Additions only, plus a reworded summary: a feature release."""
    document = copy.deepcopy(upstream_v1())
    sessions = document["paths"]["/v1/sessions"]
    document["components"]["schemas"]["SessionInfo"]["properties"][NEW_FIELD] = {
        "type": "integer",
        "description": "Seconds of inactivity before the session stops.",
    }
    sessions["get"]["parameters"].insert(
        2,
        {
            "name": NEW_PARAMETER,
            "in": "query",
            "required": False,
            "description": "Only sessions created after this time (RFC 3339).",
            "schema": {"type": "string"},
        },
    )
    summary = "Create a session, or reuse the workspace's running one"
    sessions["post"]["summary"] = summary if sessions["post"].get("summary") != summary else summary + "."
    return document


def _broken_field() -> tuple[str, str]:
    """The AccountInfo field the breaking v2 renames (`name`, while the spec has it), and its new name."""
    account = upstream_v1()["components"]["schemas"]["AccountInfo"]
    field = "name" if "name" in account["properties"] else sorted(account["required"])[0]
    return field, _fresh(f"display_{field}", set(account["properties"]))


BROKEN_FIELD, RENAMED_FIELD = _broken_field()


def upstream_v2_breaking() -> dict[str, Any]:
    """An account's `name` becomes `display_name`: code reading `.name` breaks."""
    document = copy.deepcopy(upstream_v1())
    account = document["components"]["schemas"]["AccountInfo"]
    account["properties"][RENAMED_FIELD] = account["properties"].pop(BROKEN_FIELD)
    account["required"] = [RENAMED_FIELD if name == BROKEN_FIELD else name for name in account["required"]]
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


def split_spec(document: dict[str, Any], folder: Path) -> Path:
    """Write `document` as a multi-file spec under `folder`, the way vendors split theirs: each
    schema in schemas/NAME.yaml (named by the root's components), each path item in
    paths/N.json, the rest in openapi.yaml; a reference into the document from another file is
    `../openapi.yaml#/...`. Bundling the root gives `document` back, key order included."""

    def rooted(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: f"../openapi.yaml{value}"
                if key == "$ref" and isinstance(value, str) and value.startswith("#/")
                else rooted(value)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [rooted(value) for value in node]
        return node

    import yaml

    root = copy.deepcopy(document)
    (folder / "schemas").mkdir(parents=True, exist_ok=True)
    (folder / "paths").mkdir(exist_ok=True)
    schemas = root.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        (folder / "schemas" / f"{name}.yaml").write_text(yaml.safe_dump(rooted(schema), sort_keys=False))
        schemas[name] = {"$ref": f"schemas/{name}.yaml"}
    for index, (path, item) in enumerate(root["paths"].items()):
        (folder / "paths" / f"{index}.json").write_text(json.dumps(rooted(item), indent=1))
        root["paths"][path] = {"$ref": f"paths/{index}.json"}
    (folder / "openapi.yaml").write_text(yaml.safe_dump(root, sort_keys=False))
    return folder / "openapi.yaml"
