"""scripts/fetch-spec: take a new upstream spec, but only a valid one.

The document is downloaded (or read from a file), parsed, validated as OpenAPI, checked
against the vendored one for a sudden loss of operations, and only then written to
spec/openapi.json (atomically, pretty-printed the way it is vendored) with its provenance in
spec/source.json. Any failure keeps the vendored spec exactly as it was.

A multi-file source (`--from path/to/root.yaml`, whose `$ref`s point into other files) is
bundled by the load stage's bundler, under the same rules as `scripts/generate` (its folder only,
no URLs, unless --allow-refs-outside / --allow-url-refs), and vendored as the one document it
makes; spec/source.json records that it was bundled and the sha256 of every file read. A source
fetched from a URL must be one document: its relative `$ref`s would name files on that server,
which are fetched nowhere, so it is refused with the way to bundle it instead.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from ..errors import PipelineError, json_pointer
from ..pipeline.bundle import RefPolicy, _external_refs, load_spec
from ..pipeline.load import MAX_DOCUMENT_BYTES, parse_document
from ..pipeline.model import iter_operations
from ..pipeline.validate import validate_spec

DEFAULT_URL = "https://api.chaser.sh/api-docs/openapi.json"
FETCH_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
# A new spec with fewer than this share of the vendored operations is suspicious: more likely a
# broken deployment or a partial document than a real API change. --accept-shrink takes it.
SHRINK_THRESHOLD = 0.5


@dataclass
class Fetched:
    document: dict[str, Any]
    source: str
    raw_size: int
    # A multi-file source: the sha256 of every file read (the root first), by its path relative
    # to the root's folder; empty for a single document.
    files: dict[str, str] = field(default_factory=dict)
    summary: str = ""  # what bundling did, for the report

    @property
    def bundled(self) -> bool:
        return len(self.files) > 1


def pretty(document: dict[str, Any]) -> str:
    """The vendored form: stable, human-diffable JSON, key order as upstream sent it."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def download(source: str, *, client: httpx.Client | None = None, refs: RefPolicy | None = None) -> Fetched:
    if not source.startswith(("http://", "https://")):
        return _read_local(Path(source), refs or RefPolicy())
    owned = client is None
    http = client or httpx.Client(timeout=FETCH_TIMEOUT, follow_redirects=True)
    try:
        with http.stream(
            "GET", source, headers={"Accept": "application/json, application/yaml;q=0.9"}
        ) as response:
            if response.status_code != 200:
                raise PipelineError("fetch", f"HTTP {response.status_code} from {source}", location=source)
            chunks = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_DOCUMENT_BYTES:
                    raise PipelineError(
                        "fetch", f"the document is larger than {MAX_DOCUMENT_BYTES} bytes", location=source
                    )
                chunks.append(chunk)
            raw = b"".join(chunks)
    except httpx.TimeoutException as exc:
        raise PipelineError("fetch", f"timed out fetching {source}", location=source) from exc
    except httpx.HTTPError as exc:
        raise PipelineError(
            "fetch", f"cannot fetch {source}: {type(exc).__name__}: {exc}", location=source
        ) from exc
    finally:
        if owned:
            http.close()
    name = source if source.endswith((".json", ".yaml", ".yml")) else source + ".json"
    document = parse_document(raw, source=name, stage="fetch")
    external = _external_refs(document)
    if external:
        path, reference = external[0]
        raise PipelineError(
            "fetch",
            f"the document refers to other files ($ref {reference['$ref']!r} at {json_pointer(*path)}, "
            f"and {len(external) - 1} more): a multi-file spec is bundled from its root file on disk",
            location=source,
            hint="download the spec's folder, then run fetch-spec --from path/to/its/root.yaml",
        )
    return Fetched(document, source, len(raw))


def _read_local(path: Path, refs: RefPolicy) -> Fetched:
    """A file on disk: one document, or the root of a multi-file spec, bundled."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PipelineError("fetch", f"cannot read {path}: {exc.strerror}") from exc
    bundle = load_spec(path, refs)
    if len(bundle.files) == 1:
        return Fetched(bundle.document, str(path), len(raw))
    # The root's hash is of the bytes read just above (the bundler keeps the others' own).
    files = {bundle.files[0]: hashlib.sha256(raw).hexdigest(), **bundle.sha256}
    return Fetched(bundle.document, str(path), len(raw), files=files, summary=bundle.summary())


# Repairs listed one by one in the fetch report, per rule; the summary counts all of them.
EXAMPLES_PER_RULE = 3


def check_not_shrunk(old: dict[str, Any], new: dict[str, Any], *, accept_shrink: bool) -> None:
    before, after = len(iter_operations(old)), len(iter_operations(new))
    if before and after < before * SHRINK_THRESHOLD and not accept_shrink:
        raise PipelineError(
            "fetch",
            f"the new spec has {after} operations where the vendored one has {before}",
            hint="if upstream really removed them, run again with --accept-shrink",
        )


def write_vendored(
    document: dict[str, Any],
    *,
    spec_path: Path,
    source_path: Path,
    url: str,
    files: dict[str, str] | None = None,
) -> None:
    """`files`: for a spec bundled from several files, each file read and its sha256."""
    text = pretty(document)
    _atomic_write(spec_path, text)
    record: dict[str, Any] = {
        "url": url,
        "fetched_from": url,
        "fetched_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    if files and len(files) > 1:
        # spec/openapi.json is not any one of these files, but what bundling them made.
        record["bundled"] = True
        record["files"] = [{"path": name, "sha256": digest} for name, digest in files.items()]
    _atomic_write(source_path, json.dumps(record, indent=2) + "\n")


def _atomic_write(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fetch_spec(
    source: str,
    *,
    spec_path: Path,
    source_path: Path,
    check: bool = False,
    accept_shrink: bool = False,
    client: httpx.Client | None = None,
    refs: RefPolicy | None = None,
) -> tuple[bool, list[str]]:
    """Returns (changed, report lines). Raises PipelineError, keeping the vendored spec, on failure."""
    from ..pipeline.repair import repair_document
    from .specdiff import diff_documents, render_text

    fetched = download(source, client=client, refs=refs)
    # A spec that needs only known repairs is taken (and vendored as upstream wrote it: the
    # pipeline repairs it on every generation); what no rule repairs is refused, as before.
    repaired = repair_document(fetched.document, source=source)
    validate_spec(repaired.document, source)
    repairs = [repaired.log.summary_line(), *repaired.log.examples(EXAMPLES_PER_RULE)]
    vendored = (
        parse_document(spec_path.read_bytes(), source=str(spec_path), stage="fetch")
        if spec_path.exists()
        else {"openapi": fetched.document.get("openapi"), "info": {"title": "", "version": ""}, "paths": {}}
    )
    check_not_shrunk(vendored, fetched.document, accept_shrink=accept_shrink)
    changed = pretty(fetched.document) != (
        spec_path.read_text(encoding="utf-8") if spec_path.exists() else ""
    )
    report = (render_text(diff_documents(vendored, fetched.document)) if changed else ["no change"]) + repairs
    if fetched.bundled:
        report.append(fetched.summary)
    if changed and not check:
        write_vendored(
            fetched.document, spec_path=spec_path, source_path=source_path, url=source, files=fetched.files
        )
    return changed, report
