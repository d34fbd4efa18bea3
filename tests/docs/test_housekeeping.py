"""What users notice besides the code: the licence, where the docs point, and the text they read.

Spec descriptions reach docstrings, --help and api.md. The upstream spec mixes notes about how it
was reconstructed into them ("the fragment was cut at ...", "Type from the SDK"); the overlay
replaces those, and these tests fail when one reaches users again.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import subprocess
from collections.abc import Iterator

import chaser_core
import pytest
from chaser_core._types import RequestOptions

from tests.conftest import ROOT
from tests.spec_model import project_api

GENERATED = ROOT / "generated"
PACKAGE = GENERATED / "chaser_core"

# Phrases of upstream's reconstruction notes: where a field was found (docs, a fragment, a rendered
# page, a curl example) and what the official SDK does with it. User-facing text needs none of them.
RECONSTRUCTION_NOTE = re.compile(
    r"\bSDK\b|chaser[-_]sdk|\bfragment\b|\(docs\b|\bdocs[:;)]|docs curl|\bcaptured\b|reconstruct|"
    r"TypedDict|total=False|Rendered as|Type from|not documented|\bverbatim\b|\binferred\b|\bx-[a-z]+-?[a-z]*:",
    re.IGNORECASE,
)


def spec_text_outputs() -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of text generated from spec descriptions: the docstrings and
    strings of the resources, models, types and CLI commands, and each line of api.md."""
    modules = [
        *(PACKAGE / "resources").glob("*.py"),
        *(PACKAGE / "_api" / "models").glob("*.py"),
        *(PACKAGE / "_cli" / "commands").glob("*.py"),
        *PACKAGE.glob("types.py"),
    ]
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield str(path.relative_to(ROOT)), node.value
    for number, line in enumerate((GENERATED / "api.md").read_text(encoding="utf-8").splitlines(), 1):
        yield f"generated/api.md:{number}", line.replace("\\", "")


def notes_in(text: str) -> list[str]:
    return [match.group(0) for match in RECONSTRUCTION_NOTE.finditer(" ".join(text.split()))]


# -- documents cited --------------------------------------------------------------------------------


def test_nothing_the_repository_ships_or_runs_cites_a_document_it_does_not_contain() -> None:
    tracked = subprocess.run(
        [
            "git",
            "ls-files",
            "templates",
            "scripts",
            "tests",
            "generated",
            "docs",
            "README.md",
            "CONTRIBUTING.md",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    outside = ("GUIDE" + ".md", "../" + "shared", "/work/" + "shared")  # split: this file is scanned too
    citing = [
        name
        for name in tracked
        if (ROOT / name).is_file()
        and any(needle in (ROOT / name).read_text(errors="replace") for needle in outside)
    ]

    assert len(tracked) > 100
    assert citing == []


def test_runtime_modules_cite_the_policies_document_that_exists() -> None:
    cited = {
        match
        for path in (ROOT / "templates" / "runtime").rglob("*.py")
        for match in re.findall(r"docs/[\w./-]+\.md", path.read_text(encoding="utf-8"))
    }

    assert "docs/policies.md" in cited
    assert all((ROOT / name).is_file() for name in cited), cited


# -- reconstruction notes ---------------------------------------------------------------------------


def test_no_reconstruction_note_reaches_a_docstring_help_text_or_api_md() -> None:
    found = {f"{where}: {text.strip()[:120]}" for where, text in spec_text_outputs() if notes_in(text)}

    assert sorted(found) == []


@pytest.mark.parametrize(
    "upstream",
    [
        "owner/repo. Type from the SDK (str | None); the fragment was cut at 'github_repo: type: -', i.e. a "
        "type list, consistent with string|null.",
        "Delayed execution (docs); format not documented.",
        "Member roles (docs: owner, admin, member; SDK Literal alias AccountRole).",
        "Schema body was cut off in the docs fragment; completed from the official SDK.",
        "Supported: Telegram and Discord (exact values not captured)",
    ],
)
def test_the_note_check_recognises_upstreams_notes(upstream: str) -> None:
    assert notes_in(upstream)


def test_the_note_check_leaves_plain_descriptions_alone() -> None:
    for text in (
        "Session ID",
        "Proxy URL for the session's traffic, e.g. socks5h://user:pass@h:1080.",
        "New name; null clears it.",
    ):
        assert notes_in(text) == []


# Extensions upstream uses for notes to its maintainers (x-sdk-method, by contrast, is an SDK name).
NOTE_EXTENSIONS = frozenset(
    {"x-notes", "x-harvest-notes", "x-sdk-type", "x-description-newer-rendering", "x-status-code-unverified"}
)


def test_no_x_notes_style_extension_text_reaches_users() -> None:
    """x-notes, x-sdk-type and friends are notes for maintainers: never printed."""
    spec = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))
    notes: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if str(key) in NOTE_EXTENSIONS and isinstance(value, str) and len(value) >= 24:
                    notes.add(" ".join(value.split()))
                collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    collect(spec)
    outputs = " ".join(" ".join(text.split()) for _, text in spec_text_outputs())

    assert len(notes) > 20
    assert [note for note in notes if note[:60] in outputs] == []


# -- per-call options in docstrings -----------------------------------------------------------------

PER_CALL_OPTIONS = RequestOptions._fields  # their one definition


def api_methods() -> Iterator[tuple[str, object]]:
    """Every method of every operation, sync and async (pagination, streaming and waiters included)."""
    for cls in (chaser_core.Chaser, chaser_core.AsyncChaser):
        client = cls(api_key="sk_test_docstrings")
        for op in project_api().operations:
            target: object = client
            for segment in op.resource_path:
                target = getattr(target, segment)
            yield f"{cls.__name__}.{op.qualified_name}", getattr(target, op.name)


def test_each_method_documents_the_per_call_options_once() -> None:
    methods = dict(api_methods())

    assert len(methods) == 2 * len(project_api().operations)
    for name, method in methods.items():
        doc = inspect.getdoc(method) or ""
        assert doc.count("per-call options (see Chaser)") == 1, name
        for option in PER_CALL_OPTIONS:
            assert len(re.findall(rf"\b{option}\b", doc)) == 1, (name, option)


def test_the_client_documents_what_each_per_call_option_does() -> None:
    doc = inspect.getdoc(chaser_core.Chaser) or ""
    for option in PER_CALL_OPTIONS:
        assert re.search(rf"^\s*{option}: \S", doc, re.MULTILINE), option


def test_the_policies_document_exists_and_covers_what_the_runtime_cites() -> None:
    policies = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    for section in (
        "## Retries",
        "## Errors",
        "## Results and request bodies",
        "## Waiters",
        "## Performance targets",
    ):
        assert section in policies
    assert "docs/policies.md" in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
