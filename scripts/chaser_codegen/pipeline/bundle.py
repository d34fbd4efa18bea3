"""Multi-file specs: a root document whose `$ref`s point into other files, bundled into one.

Split specs refer to other files everywhere: a path item, an operation, a schema, a response or
a tag's description can each be `$ref: resources/droplets/list.yml`. The rest of the pipeline
reads one document, so this stage makes one, as a bundler does:

- a reference where OpenAPI allows a reusable component (a schema, parameter, response, request
  body, header, example, link or security scheme) becomes a local reference to an entry of
  `components`, added once per referenced target and named after it (`models/droplet.yml` ->
  `droplet`; `common.yml#/components/schemas/Error` -> `Error`); a target the root's own
  components already name (`schemas: {Droplet: {$ref: models/droplet.yml}}`) keeps that name;
- a reference anywhere else (a path item, an operation, a callback, a description) is replaced
  by what it points at, with the sibling fields the reference had;
- references inside a file are relative to that file, including `#/...` ones, which point into
  the file itself and not into the root.

Resolving a reference (joining it to the URI of the file it is in, reading that file once, and
following the JSON pointer in its fragment) is `referencing`'s job, the library jsonschema
resolves with. The bundle stage decides only where each target goes.

The spec is untrusted input, and so are the files it names: files are read only from the root's
own folder (or below) unless the caller allows more, URLs are never fetched unless the caller
allows it, each file goes through the load stage's defensive parser, and the number of files and
the nesting of inlined references are bounded, with cycles reported by their chain.
"""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

from ..errors import PipelineError, json_pointer
from ..layout import HTTP_METHODS
from .load import MAX_DOCUMENT_BYTES, load_document, parse_document
from .repair.walk import walk
from .validate import is_data

MAX_FILES = 20_000
MAX_TOTAL_BYTES = 8 * MAX_DOCUMENT_BYTES
# How many references deep inlining may go (a path item file that names an operation file that
# names a description file is three); deeper than this is a cycle or a document nobody can read.
MAX_NESTING = 64

# Where a reference may stand for a reusable component: the section of `components` it goes to.
# Path items and callbacks are inlined (OpenAPI 3.0 has no components/pathItems).
COMPONENT_SECTIONS = {
    "schema": "schemas",
    "parameter": "parameters",
    "response": "responses",
    "request-body": "requestBodies",
    "header": "headers",
    "example": "examples",
    "link": "links",
    "security-scheme": "securitySchemes",
}
_COMPONENT_KEY = re.compile(r"[^A-Za-z0-9._-]")
_STRUCTURED_SUFFIXES = (".json", ".yaml", ".yml")

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class RefPolicy:
    """What a spec's references may reach beyond its own folder."""

    outside_folder: bool = False  # files outside the root's folder (`../common/common.yml`)
    urls: bool = False  # http(s) URLs, fetched


@dataclass
class Bundle:
    document: dict[str, Any]
    files: list[str] = field(default_factory=list)  # every file read, relative to the root's folder
    to_components: int = 0  # references that became local references to a component
    inlined: int = 0  # references replaced by what they point at
    # The sha256 of each file as it was read, by its name in `files`: the provenance
    # fetch-spec records (a file read again later could differ from the one bundled).
    sha256: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"Bundled {len(self.files)} files: {self.to_components} references to components, "
            f"{self.inlined} inlined"
        )


def load_spec(path: Path, policy: RefPolicy = RefPolicy()) -> Bundle:
    """Load the spec at `path`, and bundle the files its references point into (if any)."""
    document = load_document(path)
    root = path.resolve()
    if _external_refs(document):
        bundle = _Bundler(root, policy).run(document)
    else:
        bundle = Bundle(document, files=[root.name])
    bundle.inlined += inline_local_path_items(bundle.document, source=str(root))
    return bundle


def inline_local_path_items(document: dict[str, Any], *, source: str) -> int:
    """A path item or an operation written as a local `$ref` (`/b: {$ref: '#/paths/~1a'}`,
    `get: {$ref: '#/x-operations/list'}`) is replaced by what it points at, with its siblings:
    openapi-python-client reads neither, and an operation that is a reference would otherwise
    reach the generator with no responses. Returns how many were inlined."""

    inlined = 0
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return 0
    for template in list(paths):
        if str(template).startswith("x-") or not isinstance(paths[template], dict):
            continue
        inlined += _inline_local(document, paths, template, ("paths", template), source)
        item = paths[template]
        for method in HTTP_METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                inlined += _inline_local(document, item, method, ("paths", template, method), source)
    return inlined


class _RefusedReference(Exception):
    """A reference the policy does not allow, or a file that cannot be read (with why)."""


class _Bundler:
    def __init__(self, root: Path, policy: RefPolicy) -> None:
        import referencing

        self.root = root
        self.folder = root.parent
        self.root_uri = root.as_uri()
        self.policy = policy
        self.files: dict[str, Any] = {}  # URI of each file read -> its parsed content
        self.bytes_read = 0
        self.registry: Any = referencing.Registry(retrieve=self._retrieve)  # type: ignore[call-arg]
        # Target URI -> the local reference it became (its components entry).
        self.components: dict[str, str] = {}
        # The chain of inlined targets each reference object was inlined through, by identity.
        self.chains: dict[int, tuple[str, ...]] = {}
        self.where: dict[int, str] = {}  # reference object -> the file it was written in
        # Reference object -> its `$ref` as the spec wrote it (errors quote that, not the
        # absolute URI it became).
        self.written: dict[int, str] = {}
        # the three maps above are keyed by id(), and a reference
        # object that was inlined is freed, so a later object could take its id and inherit its
        # chain (a false cycle) or its file. Every object recorded is kept alive until the end.
        self.recorded: list[dict[str, Any]] = []
        self.bundle: Bundle | None = None

    # -- the stage ----------------------------------------------------------------------------

    def run(self, document: dict[str, Any]) -> Bundle:
        self.bundle = Bundle(document, files=[self.root.name])
        self._absolutize(document, self.root_uri, ())
        self._name_root_components(document)
        for _ in range(MAX_NESTING):
            sites = _external_refs(document)
            if not sites:
                return self.bundle
            kinds = _kinds_by_path(document)
            for path, reference in sites:
                self._bundle_site(document, path, reference, kinds.get(path))
        raise PipelineError(
            "bundle",
            f"references nest more than {MAX_NESTING} files deep",
            location=str(self.root),
            hint="a chain of files that inline each other this deep is most likely a cycle",
        )

    def _name_root_components(self, document: dict[str, Any]) -> None:
        """`components: {schemas: {Droplet: {$ref: models/droplet.yml}}}`: the root names that
        file `Droplet`; every other reference to it becomes `#/components/schemas/Droplet`."""
        components = document.get("components")
        if not isinstance(components, dict):
            return
        for section, entries in components.items():
            if section not in COMPONENT_SECTIONS.values() or not isinstance(entries, dict):
                continue
            for name, entry in list(entries.items()):
                if _is_external(entry) and len(entry) == 1:
                    target = entry["$ref"]
                    self.components.setdefault(target, f"#/components/{section}/{name}")
                    content = self._content(target, entry, ("components", section, name))
                    # a file that is only a `$ref` to another
                    # (`Thing: {$ref: a.yaml}`, a.yaml `$ref: b.yaml`) gives the root's name to
                    # what that one holds too; else it became the component `b`, and the
                    # root's `Thing` an alias of it (model class `B`). A loop stops at its start.
                    seen = {target}
                    while _is_external(content) and len(content) == 1 and content["$ref"] not in seen:
                        seen.add(content["$ref"])
                        self.components.setdefault(content["$ref"], f"#/components/{section}/{name}")
                        content = self._content(content["$ref"], content, ("components", section, name))
                    entries[name] = content
                    self._count(inlined=True)

    def _bundle_site(
        self, document: dict[str, Any], path: Path_, reference: dict[str, Any], kind: str | None
    ) -> None:
        if not _is_external(reference):
            # one reference object met at a second path (a YAML
            # alias, `schema: *pet`) was already made local at the first; resolving it again
            # read `#/components/...` as a file ("the '' scheme is not supported").
            return
        target = reference["$ref"]
        section = COMPONENT_SECTIONS.get(kind or "")
        if section is not None:
            local = self.components.get(target)
            if local is None:
                content = self._content(target, reference, path)
                if isinstance(content, dict) and set(content) == {"$ref"}:
                    # A reference to a reference: point at the end of the chain instead.
                    reference["$ref"] = content["$ref"]
                    # Its errors now name the file and the text of the second one.
                    self.where[id(reference)] = self.where.get(id(content), self.root_uri)
                    self.written[id(reference)] = self.written.get(id(content)) or str(content["$ref"])
                    return
                local = self._add_component(document, section, target, content)
            reference["$ref"] = local
            self._count(inlined=False)
            return
        chain = self.chains.get(id(reference), ())
        if target in chain:
            loop = " -> ".join(_display_uri(uri, self.folder) for uri in (*chain, target))
            raise PipelineError(
                "bundle", f"$ref cycle through files: {loop}", location=self._site(reference, path)
            )
        content = self._content(target, reference, path, chain=(*chain, target))
        siblings = {key: value for key, value in reference.items() if key != "$ref"}
        replacement = {**content, **siblings} if isinstance(content, dict) and siblings else content
        _replace(document, path, replacement)
        self._count(inlined=True)

    def _add_component(self, document: dict[str, Any], section: str, target: str, content: Any) -> str:
        entries = document.setdefault("components", {}).setdefault(section, {})
        name = _unique(_component_name(target), entries, target)
        entries[name] = content
        local = f"#/components/{section}/{name}"
        self.components[target] = local
        return local

    def _count(self, *, inlined: bool) -> None:
        assert self.bundle is not None
        if inlined:
            self.bundle.inlined += 1
        else:
            self.bundle.to_components += 1

    # -- resolving ----------------------------------------------------------------------------

    def _content(
        self, target: str, reference: dict[str, Any], path: Path_, chain: tuple[str, ...] = ()
    ) -> Any:
        """A copy of what `target` points at, its own references made absolute."""
        from referencing.exceptions import PointerToNowhere, Unresolvable

        # The `$ref` as written, relative to its own file, as a reader looks for it.
        written = self.written.get(id(reference), _display_uri(target, self.folder))
        try:
            resolved = self.registry.resolver().lookup(target)
        except PointerToNowhere as exc:
            file_uri, fragment = urldefrag(target)
            raise PipelineError(
                "bundle",
                f"$ref {written!r}: {_display_uri(file_uri, self.folder)} has nothing at #{unquote(fragment)}",
                location=self._site(reference, path),
            ) from exc
        except Unresolvable as exc:
            raise PipelineError(
                "bundle",
                f"$ref {written!r} cannot be read: {_refusal(exc)}",
                location=self._site(reference, path),
            ) from exc
        self.registry = resolved.resolver._registry  # keep what was read for the next lookups
        content = copy.deepcopy(resolved.contents)
        file_uri = urldefrag(target)[0]
        self._absolutize(content, file_uri, chain)
        return content

    def _retrieve(self, uri: str) -> Any:
        from referencing import Resource

        if uri in self.files:
            return Resource.opaque(self.files[uri])
        if len(self.files) >= MAX_FILES:
            raise _RefusedReference(f"the spec refers to more than {MAX_FILES:,} files")
        raw, source = self._read(uri)
        self.bytes_read += len(raw)
        if self.bytes_read > MAX_TOTAL_BYTES:
            raise _RefusedReference(
                f"the files referred to add up to more than {MAX_TOTAL_BYTES / 1e6:.0f} MB"
            )
        if source.lower().endswith(_STRUCTURED_SUFFIXES) or raw.lstrip()[:1] in (b"{", b"["):
            contents: Any = parse_document(raw, source=source, stage="bundle", top_level_object=False)
        else:
            # A Markdown or text file (a description kept beside the spec) is its text.
            contents = raw.decode("utf-8-sig", errors="replace")
        self.files[uri] = contents
        assert self.bundle is not None
        self.bundle.files.append(_display_uri(uri, self.folder))
        self.bundle.sha256[self.bundle.files[-1]] = hashlib.sha256(raw).hexdigest()
        return Resource.opaque(contents)

    def _read(self, uri: str) -> tuple[bytes, str]:
        parts = urlsplit(uri)
        if parts.scheme in ("http", "https"):
            if not self.policy.urls:
                raise _RefusedReference("it is a URL, and URLs are fetched only with --allow-url-refs")
            return _fetch(uri), uri
        if parts.scheme != "file":
            raise _RefusedReference(f"the {parts.scheme!r} scheme is not supported")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not self.policy.outside_folder and not path.is_relative_to(self.folder):
            raise _RefusedReference(
                f"{path} is outside the spec's folder {self.folder} (allowed only with --allow-refs-outside)"
            )
        if not path.is_file():
            raise _RefusedReference(f"the file {path} does not exist")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise _RefusedReference(
                f"{path} is {size / 1e6:.1f} MB; the limit is {MAX_DOCUMENT_BYTES / 1e6:.0f} MB"
            )
        return path.read_bytes(), str(path)

    def _absolutize(self, node: Any, base_uri: str, chain: tuple[str, ...]) -> None:
        """Make every reference under `node` absolute (a reference to the root: local again),
        and remember the file each was written in and the chain it was inlined through."""
        stack: list[tuple[Path_, Any]] = [((), node)]
        while stack:
            path, current = stack.pop()
            if isinstance(current, dict):
                ref = current.get("$ref")
                if isinstance(ref, str):
                    current["$ref"] = self._absolute(ref, base_uri)
                    self._record(current, base_uri, ref)
                    if chain:
                        self.chains[id(current)] = chain
                stack.extend(
                    ((*path, key), value) for key, value in current.items() if not is_data(path, key)
                )
            elif isinstance(current, list):
                stack.extend(((*path, index), value) for index, value in enumerate(current))

    def _record(self, reference: dict[str, Any], base_uri: str, written: Any) -> None:
        if id(reference) not in self.written and isinstance(written, str):
            # The first time only: the same object met again (a YAML alias) is absolute already.
            self.written[id(reference)] = written
        self.where[id(reference)] = base_uri
        self.recorded.append(reference)

    def _absolute(self, ref: str, base_uri: str) -> str:
        absolute = urljoin(base_uri, ref)
        file_uri, fragment = urldefrag(absolute)
        return f"#{fragment}" if file_uri == self.root_uri else absolute

    def _site(self, reference: dict[str, Any], path: Path_) -> str:
        written_in = self.where.get(id(reference), self.root_uri)
        if written_in == self.root_uri:
            return f"{self.root} {json_pointer(*path)}"
        return f"{_display_uri(written_in, self.folder)} (bundled at {json_pointer(*path)})"


# -- helpers ------------------------------------------------------------------------------------


def _inline_local(
    document: dict[str, Any], holder: dict[str, Any], key: str, where: Path_, source: str
) -> int:
    """Replace `holder[key]` while it is a local reference, by what it points at; how many hops."""
    from ..refs import MISSING, lookup

    for hops in range(MAX_NESTING):
        node = holder[key]
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or not ref.startswith("#"):
            return hops
        target = lookup(document, ref)
        if target is MISSING or not isinstance(target, dict) or target is node:
            raise PipelineError(
                "bundle", f"$ref {ref!r} points at no object", location=f"{source} {json_pointer(*where)}"
            )
        siblings = {name: value for name, value in node.items() if name != "$ref"}
        holder[key] = {**copy.deepcopy(target), **siblings}
    raise PipelineError(
        "bundle", "a chain of references that never ends", location=f"{source} {json_pointer(*where)}"
    )


def _is_external(value: Any) -> bool:
    return (
        isinstance(value, dict) and isinstance(value.get("$ref"), str) and not value["$ref"].startswith("#")
    )


def _external_refs(document: Any) -> list[tuple[Path_, dict[str, Any]]]:
    """Every reference object that points into another file, with its path, in document order."""
    found: list[tuple[Path_, dict[str, Any]]] = []
    stack: list[tuple[Path_, Any]] = [((), document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            if _is_external(node):
                found.append((path, node))
            children = [((*path, key), value) for key, value in node.items() if not is_data(path, key)]
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend(reversed([((*path, index), value) for index, value in enumerate(node)]))
    return found


def _kinds_by_path(document: dict[str, Any]) -> dict[Path_, str]:
    """What OpenAPI object each reference stands for, where the walk knows (else: inline it)."""
    kinds: dict[Path_, str] = {}
    for node in walk(document):
        if node.kind == "reference":
            kinds[node.path] = node.refers_to
        elif node.kind == "schema":
            kinds[node.path] = "schema"
    return kinds


def _replace(document: dict[str, Any], path: Path_, value: Any) -> None:
    parent: Any = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value


def _component_name(target: str) -> str:
    file_uri, fragment = urldefrag(target)
    segments = [unquote(part).replace("~1", "/").replace("~0", "~") for part in fragment.split("/") if part]
    if segments:
        base = segments[-1]
    else:
        base = unquote(file_uri.rsplit("/", 1)[-1])
        for suffix in _STRUCTURED_SUFFIXES:
            base = base.removesuffix(suffix)
    return _COMPONENT_KEY.sub("_", base) or "Component"


def _unique(name: str, taken: dict[str, Any], target: str) -> str:
    if name not in taken:
        return name
    folder = _COMPONENT_KEY.sub("_", unquote(urldefrag(target)[0].rsplit("/", 2)[-2]))
    candidate = f"{folder}_{name}"
    index = 2
    while candidate in taken:
        candidate = f"{name}_{index}"
        index += 1
    return candidate


def _display_uri(uri: str, folder: Path) -> str:
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return uri
    path = Path(url2pathname(unquote(parts.path)))
    shown = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
    return f"{shown}#{unquote(parts.fragment)}" if parts.fragment else shown


def _refusal(exc: BaseException) -> str:
    """Why a reference could not be resolved: the innermost cause `referencing` wrapped."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, _RefusedReference):
            return str(cause.args[0])
        if isinstance(cause, PipelineError):
            # The file's own parse error: its file and line, without a second "[bundle]".
            return f"{cause.location}: {cause.message}" if cause.location else cause.message
        if isinstance(cause, OSError):
            return f"{cause.strerror or cause}"
        cause = cause.__cause__ or cause.__context__
    return str(exc)


def _fetch(uri: str) -> bytes:
    import httpx

    with httpx.stream("GET", uri, timeout=30, follow_redirects=False) as response:
        if response.status_code != 200:
            # raise_for_status's error is no OSError, so the
            # reason was lost and the message said only the URL.
            raise _RefusedReference(f"HTTP {response.status_code} from {uri}")
        body = b""
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_DOCUMENT_BYTES:
                raise _RefusedReference(f"{uri} is larger than {MAX_DOCUMENT_BYTES / 1e6:.0f} MB")
        return body
