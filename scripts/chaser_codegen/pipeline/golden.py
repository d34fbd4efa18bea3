"""Golden records: the committed output of small fixture specs, one construct each.

Each spec in tests/fixtures/specs/ is generated and the spec-dependent part of the output
(everything but the runtime modules, which are copied verbatim) is compared with
tests/fixtures/golden/<spec>/. `scripts/generate --update-golden` rewrites the records, so a
template change shows up in review as a readable diff of generated code.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..layout import ROOT
from .generate import Inputs, build
from .render import RUNTIME

SPECS = ROOT / "tests" / "fixtures" / "specs"
GOLDEN = ROOT / "tests" / "fixtures" / "golden"
# A fixed version: a release must not rewrite every golden record.
GOLDEN_VERSION = "0.0.0"


def fixture_specs() -> list[Path]:
    return sorted(SPECS.glob("*.yaml"))


# openapi-python-client modules that are the same for every spec (the generated/ check covers them).
STATIC = frozenset(
    {
        "_version.py",
        "_api/types.py",
        # Package markers whose only content is the header and a fixed docstring.
        "resources/__init__.py",
        "_cli/commands/__init__.py",
        "_api/api/__init__.py",
    }
)


def _verbatim(relative: str) -> bool:
    """Runtime modules copied as they are, and files no spec changes: not worth a record each."""
    inside = relative.split("/", 1)[1] if "/" in relative else relative
    per_tag_marker = inside.startswith("_api/api/") and inside.endswith("/__init__.py")
    return (RUNTIME / inside).is_file() or inside in STATIC or per_tag_marker


def golden_tree(spec: Path) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="chaser-golden-") as temporary:
        out = Path(temporary) / "out"
        build(Inputs(spec=spec, overlay=None, exclusions=None, out=out, version=GOLDEN_VERSION), out)
        return {
            path.relative_to(out).as_posix(): path.read_bytes()
            for path in sorted(out.rglob("*"))
            if path.is_file()
            and "__pycache__" not in path.parts
            and not _verbatim(path.relative_to(out).as_posix())
        }


def committed_tree(spec: Path) -> dict[str, bytes]:
    root = GOLDEN / spec.stem
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def update_all() -> list[str]:
    written = []
    for spec in fixture_specs():
        tree = golden_tree(spec)
        root = GOLDEN / spec.stem
        shutil.rmtree(root, ignore_errors=True)
        for relative, content in tree.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        written.append(f"{spec.stem}: {len(tree)} files")
    for stale in sorted(
        p for p in GOLDEN.iterdir() if p.is_dir() and not (SPECS / f"{p.name}.yaml").exists()
    ):
        shutil.rmtree(stale)
        written.append(f"{stale.name}: removed (no fixture spec)")
    return written
