"""scripts/spec-diff: what changed between two specs, what it breaks, and the version it implies.

Both documents are compared after the overlay (so a change shows under the SDK's names, and
what the overlay removes, such as the Authorization parameter, never shows). Each change is
classified from the point of view of code that uses the SDK:

- breaking: an operation, parameter, field or enum value removed; an input newly required; a
  type changed (or, for responses, widened: code reading the field may not expect the new type);
  an operation's path or method changed; a documented success status gone.
- non-breaking: anything added that callers may ignore (operations, optional inputs, response
  fields, enum values), an input that became optional, a request type widened.
- documentation: a description, summary or title added, changed or removed. These reach the
  generated docstrings and api.md, so the package changes and needs a release of its own.
- unclassified: any other difference between the two documents when nothing above explains it
  (an extension, a constraint, key order). The generated package embeds the overlaid spec
  (`chaser_core/_spec.py`, the mock's source), so it changes too; treated like a feature.

The implied bump follows semver, with the 0.x convention that the minor number carries
breaking changes (CONTRIBUTING.md, "Versions"): 0.y.z -> 0.(y+1).0 when anything breaks, else
0.y.(z+1); from 1.0, breaking -> major, feature -> minor, documentation -> patch. Whenever the
documents differ at all, the bump is at least a patch: a changed package never ships under a
version that is already published.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass
from typing import Any

from .. import directives
from ..errors import json_pointer
from ..layout import HTTP_METHODS
from ..pipeline.model import iter_operations, operation_key
from ..refs import resolve

MAX_SCHEMA_DEPTH = 12
# Keywords whose string value is prose that the generated docstrings and api.md print.
DOCUMENTATION_KEYWORDS = ("description", "summary", "title")
DOCUMENTATION = "documentation-changed"
UNCLASSIFIED = "unclassified-change"
# The unclassified differences a report lists before it says how many more there are.
MAX_UNCLASSIFIED = 10


@dataclass(frozen=True)
class Change:
    kind: str
    breaking: bool
    location: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def apply_overlay_leniently(
    document: dict[str, Any], overlay: dict[str, Any] | None
) -> tuple[dict[str, Any], list[Change]]:
    """Apply the overlay; actions whose target selects nothing are reported, not fatal."""
    if overlay is None:
        return document, []
    import jsonpath_rfc9535

    from ..pipeline.overlay import _merge, check_overlay

    result = copy.deepcopy(document)
    changes = []
    for index, action in enumerate(check_overlay(overlay, "overlay")):
        nodes = jsonpath_rfc9535.find(action["target"], result)
        if not nodes:
            changes.append(
                Change(
                    "overlay-drift",
                    True,
                    f"overlay actions[{index}]",
                    f"target {action['target']} selects nothing ({action.get('description', '')}); the SDK name or behaviour it set is gone",
                )
            )
            continue
        if action.get("remove"):
            for node in sorted(nodes, key=lambda n: [(str(type(k)), k) for k in n.location], reverse=True):
                parent: Any = result
                for key in node.location[:-1]:
                    parent = parent[key]
                del parent[node.location[-1]]
        else:
            for node in nodes:
                if isinstance(node.value, dict) and isinstance(action["update"], dict):
                    _merge(node.value, action["update"])
                elif isinstance(node.value, list):
                    node.value.append(copy.deepcopy(action["update"]))
    return result, changes


class _Differ:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []

    def add(self, kind: str, breaking: bool, location: str, message: str) -> None:
        self.changes.append(Change(kind, breaking, location, message))

    # -- operations ---------------------------------------------------------------------------

    def run(self) -> list[Change]:
        old_ops = {operation_key(m, p): (p, m, op) for p, m, op in iter_operations(self.old)}
        new_ops = {operation_key(m, p): (p, m, op) for p, m, op in iter_operations(self.new)}
        moved: set[str] = set()
        new_by_name = {_sdk_name(op): key for key, (_, _, op) in new_ops.items() if _sdk_name(op)}
        for key in sorted(old_ops.keys() - new_ops.keys()):
            name = _sdk_name(old_ops[key][2])
            if name and name in new_by_name and new_by_name[name] not in old_ops:
                target = new_by_name[name]
                moved.add(target)
                self.add("operation-moved", True, name, f"{name} moved from {key} to {target}")
                self.operation(name, old_ops[key][2], new_ops[target][2])
            else:
                self.add("operation-removed", True, key, f"operation {key} ({name or 'unnamed'}) was removed")
        for key in sorted(new_ops.keys() - old_ops.keys()):
            if key not in moved:
                self.add(
                    "operation-added",
                    False,
                    key,
                    f"operation {key} ({_sdk_name(new_ops[key][2]) or 'unnamed'}) was added",
                )
        for key in sorted(old_ops.keys() & new_ops.keys()):
            self.operation(key, old_ops[key][2], new_ops[key][2])
        return self.changes

    def operation(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if _sdk_name(old) != _sdk_name(new) and _sdk_name(old):
            self.add(
                "operation-renamed",
                True,
                where,
                f"{where}: SDK name changed from {_sdk_name(old)} to {_sdk_name(new)}",
            )
        self.parameters(where, old, new)
        self.request_body(where, old, new)
        self.responses(where, old, new)

    def _params(self, document: dict[str, Any], op: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        params = {}
        for raw in op.get("parameters") or []:
            param = resolve(document, raw)
            if isinstance(param, dict) and "name" in param:
                params[(str(param.get("in")), str(param["name"]))] = param
        return params

    def parameters(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before, after = self._params(self.old, old), self._params(self.new, new)
        for key in sorted(before.keys() - after.keys()):
            self.add("parameter-removed", True, where, f"{where}: {key[0]} parameter {key[1]!r} was removed")
        for key in sorted(after.keys() - before.keys()):
            required = bool(after[key].get("required"))
            kind = "parameter-added-required" if required else "parameter-added"
            self.add(
                kind,
                required,
                where,
                f"{where}: {'required' if required else 'optional'} {key[0]} parameter {key[1]!r} was added",
            )
        for key in sorted(before.keys() & after.keys()):
            label = f"{where} {key[0]} parameter {key[1]!r}"
            self.required_change(
                label, bool(before[key].get("required")), bool(after[key].get("required")), request=True
            )
            self.schema(
                label, before[key].get("schema") or {}, after[key].get("schema") or {}, request=True, depth=0
            )

    def request_body(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before = resolve(self.old, old.get("requestBody")) or {}
        after = resolve(self.new, new.get("requestBody")) or {}
        if not before and not after:
            return
        if before and not after:
            self.add("body-removed", True, where, f"{where}: the request body was removed")
            return
        if after and not before:
            required = bool(after.get("required"))
            self.add(
                "body-added",
                required,
                where,
                f"{where}: a {'required' if required else 'optional'} request body was added",
            )
            return
        self.required_change(
            f"{where} request body", bool(before.get("required")), bool(after.get("required")), request=True
        )
        old_content, new_content = before.get("content") or {}, after.get("content") or {}
        for media in sorted(old_content.keys() - new_content.keys()):
            self.add(
                "body-media-removed", True, where, f"{where}: the request body no longer accepts {media}"
            )
        for media in sorted(old_content.keys() & new_content.keys()):
            self.schema(
                f"{where} request body",
                old_content[media].get("schema") or {},
                new_content[media].get("schema") or {},
                request=True,
                depth=0,
            )

    def responses(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        before, after = old.get("responses") or {}, new.get("responses") or {}
        old_success = {code for code in before if str(code).startswith("2")}
        new_success = {code for code in after if str(code).startswith("2")}
        for code in sorted(old_success - new_success):
            self.add(
                "success-status-removed",
                True,
                where,
                f"{where}: success response {code} is no longer documented",
            )
        for code in sorted(old_success & new_success):
            old_content = (resolve(self.old, before[code]) or {}).get("content") or {}
            new_content = (resolve(self.new, after[code]) or {}).get("content") or {}
            for media in sorted(old_content.keys() - new_content.keys()):
                self.add(
                    "response-media-removed", True, where, f"{where}: response {code} is no longer {media}"
                )
            for media in sorted(old_content.keys() & new_content.keys()):
                self.schema(
                    f"{where} response {code}",
                    old_content[media].get("schema") or {},
                    new_content[media].get("schema") or {},
                    request=False,
                    depth=0,
                )

    def required_change(self, label: str, was: bool, now: bool, *, request: bool) -> None:
        if was == now:
            return
        if request:
            if now:
                self.add("input-now-required", True, label, f"{label} is now required")
            else:
                self.add("input-now-optional", False, label, f"{label} is now optional")
        elif not now:
            self.add("output-now-optional", True, label, f"{label} may now be absent")
        else:
            self.add("output-now-required", False, label, f"{label} is now always present")

    # -- schemas ------------------------------------------------------------------------------

    def schema(self, label: str, old: Any, new: Any, *, request: bool, depth: int) -> None:
        if depth > MAX_SCHEMA_DEPTH:
            return
        old = resolve(self.old, old) or {}
        new = resolve(self.new, new) or {}
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        old_types, new_types = _types(old), _types(new)
        if old_types and new_types and old_types != new_types:
            widened = old_types < new_types
            breaking = not (request and widened)
            verb = "widened" if widened else "changed"
            self.add(
                "type-widened" if widened else "type-changed",
                breaking,
                label,
                f"{label}: type {verb} from {'|'.join(sorted(old_types))} to {'|'.join(sorted(new_types))}",
            )
            return
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if isinstance(old_enum, list) and isinstance(new_enum, list):
            removed = [v for v in old_enum if v not in new_enum]
            added = [v for v in new_enum if v not in old_enum]
            if removed:
                self.add(
                    "enum-narrowed",
                    True,
                    label,
                    f"{label}: enum values removed: {', '.join(map(repr, removed))}",
                )
            if added:
                self.add(
                    "enum-widened", False, label, f"{label}: enum values added: {', '.join(map(repr, added))}"
                )
        elif isinstance(old_enum, list) and new_enum is None:
            self.add("enum-widened", False, label, f"{label}: no longer restricted to an enum")
        elif old_enum is None and isinstance(new_enum, list):
            self.add(
                "enum-narrowed",
                request,
                label,
                f"{label}: now restricted to {', '.join(map(repr, new_enum))}",
            )
        old_props, new_props = old.get("properties") or {}, new.get("properties") or {}
        old_required, new_required = set(old.get("required") or []), set(new.get("required") or [])
        for name in sorted(old_props.keys() - new_props.keys()):
            self.add("field-removed", True, label, f"{label}: field {name!r} was removed")
        for name in sorted(new_props.keys() - old_props.keys()):
            required = name in new_required
            breaking = request and required
            self.add(
                "field-added-required" if breaking else "field-added",
                breaking,
                label,
                f"{label}: {'required' if required else 'optional'} field {name!r} was added",
            )
        for name in sorted(old_props.keys() & new_props.keys()):
            field_label = f"{label}.{name}"
            self.required_change(field_label, name in old_required, name in new_required, request=request)
            self.schema(field_label, old_props[name], new_props[name], request=request, depth=depth + 1)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.schema(f"{label}[]", old["items"], new["items"], request=request, depth=depth + 1)
        for combinator in ("oneOf", "anyOf", "allOf"):
            old_list, new_list = old.get(combinator) or [], new.get(combinator) or []
            for index in range(min(len(old_list), len(new_list))):
                self.schema(
                    f"{label}<{combinator}[{index}]>",
                    old_list[index],
                    new_list[index],
                    request=request,
                    depth=depth + 1,
                )
            if len(new_list) < len(old_list):
                self.add(
                    "variant-removed",
                    True,
                    label,
                    f"{label}: {combinator} lost {len(old_list) - len(new_list)} variant(s)",
                )
            elif len(new_list) > len(old_list):
                self.add(
                    "variant-added",
                    not request,
                    label,
                    f"{label}: {combinator} gained {len(new_list) - len(old_list)} variant(s)",
                )


def _types(schema: dict[str, Any]) -> frozenset[str]:
    declared = schema.get("type")
    types = (
        set(declared) if isinstance(declared, list) else ({declared} if isinstance(declared, str) else set())
    )
    if schema.get("nullable") is True and types:
        types.add("null")
    if types == {"integer", "number"}:
        types = {"number"}
    return frozenset(types)


def _sdk_name(op: dict[str, Any]) -> str | None:
    tags = op.get("tags") or []
    name = op.get(directives.SDK_NAME)
    if name and tags:
        return f"{tags[0]}.{name}"
    return op.get("operationId") if isinstance(op.get("operationId"), str) else None


def diff_documents(
    old: dict[str, Any], new: dict[str, Any], overlay: dict[str, Any] | None = None
) -> list[Change]:
    """The changes from `old` to `new`, as the SDK sees them: both are repaired first, as the
    pipeline repairs them (a defect upstream adds is a new repair, listed apart, not a change)."""
    from ..pipeline.repair import repair_document

    old_doc, _ = apply_overlay_leniently(repair_document(old, source="old").document, overlay)
    new_doc, drift = apply_overlay_leniently(repair_document(new, source="new").document, overlay)
    changes = drift + _Differ(old_doc, new_doc).run() + documentation_changes(old_doc, new_doc)
    if not changes:
        changes = unclassified_changes(old_doc, new_doc)
    return changes


# -- documentation ----------------------------------------------------------------------------


def documentation_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Descriptions, summaries and titles that changed on something present in both documents.

    What was added or removed as a whole (an operation, a field) is the structural diff's to
    report; its prose comes with it. A keyword counts only with a string value, so a property
    that happens to be named `description` is walked as the schema it is.
    """
    changes: list[Change] = []

    def walk(before: Any, after: Any, pointer: tuple[str, ...]) -> None:
        if isinstance(before, dict) and isinstance(after, dict):
            for key in before.keys() | after.keys():
                if key in DOCUMENTATION_KEYWORDS and (_is_text(before.get(key)) or _is_text(after.get(key))):
                    if before.get(key) != after.get(key):
                        changes.append(
                            _documentation_change(new, pointer, key, before.get(key), after.get(key))
                        )
                elif key in before and key in after:
                    walk(before[key], after[key], (*pointer, key))
        elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
            for index, (item_before, item_after) in enumerate(zip(before, after, strict=True)):
                walk(item_before, item_after, (*pointer, str(index)))

    walk(old, new, ())
    return sorted(changes, key=lambda change: change.location)


def _is_text(value: Any) -> bool:
    return isinstance(value, str)


def _documentation_change(
    document: dict[str, Any], pointer: tuple[str, ...], keyword: str, before: Any, after: Any
) -> Change:
    where = describe_pointer(document, pointer)
    verb = "added" if not _is_text(before) else "removed" if not _is_text(after) else "changed"
    return Change(DOCUMENTATION, False, where, f"{where}: {keyword} {verb}")


def describe_pointer(document: dict[str, Any], pointer: tuple[str, ...]) -> str:
    """A reader's name for a place in the document: `sessions.create (POST /v1/sessions)
    parameter 'limit'`, `schema SessionInfo.status`, else the JSON pointer."""
    parts = list(pointer)
    if len(parts) >= 3 and parts[0] == "paths" and parts[2] in HTTP_METHODS:
        path, method = parts[1], parts[2]
        operation = ((document.get("paths") or {}).get(path) or {}).get(method) or {}
        name = _sdk_name(operation) if isinstance(operation, dict) else None
        base = f"{name} ({method.upper()} {path})" if name else f"{method.upper()} {path}"
        return base + _describe_rest(document, operation, parts[3:])
    if len(parts) >= 3 and parts[:2] == ["components", "schemas"]:
        return f"schema {parts[2]}" + _describe_rest(document, {}, parts[3:])
    return json_pointer(*parts)


def _describe_rest(document: dict[str, Any], operation: Any, parts: list[str]) -> str:
    text, index = "", 0
    while index < len(parts):
        part = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else None
        if part == "parameters" and following is not None and following.isdigit():
            params = operation.get("parameters") if isinstance(operation, dict) else None
            param = (
                params[int(following)] if isinstance(params, list) and int(following) < len(params) else {}
            )
            param = resolve(document, param)
            name = param.get("name") if isinstance(param, dict) else None
            text += f" parameter {name!r}" if name else f" parameter {following}"
            index += 2
        elif part == "properties" and following is not None:
            text += f".{following}"
            index += 2
        elif part == "responses" and following is not None:
            text += f" response {following}"
            index += 2
        elif part == "content" and following is not None:
            index += 2  # one media type per body in practice: naming it adds noise
        elif part == "requestBody":
            text += " request body"
            index += 1
        elif part == "items":
            text += "[]"
            index += 1
        elif part == "schema":
            index += 1
        else:
            text += f" {part}"
            index += 1
    return text


# -- everything else --------------------------------------------------------------------------


def unclassified_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The places where the documents differ, when no rule above classified anything.

    Equal documents can still serialise differently (key order), and the package embeds the
    serialised document, so that is a change too.
    """
    if json.dumps(old) == json.dumps(new):
        return []
    places: list[tuple[str, ...]] = []

    def walk(before: Any, after: Any, pointer: tuple[str, ...]) -> None:
        if isinstance(before, dict) and isinstance(after, dict):
            if list(before) != list(after) and set(before) == set(after):
                places.append((*pointer, "(key order)"))
            for key in sorted(before.keys() | after.keys()):
                if key not in before or key not in after:
                    places.append((*pointer, key))
                else:
                    walk(before[key], after[key], (*pointer, key))
        elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
            for index, (item_before, item_after) in enumerate(zip(before, after, strict=True)):
                walk(item_before, item_after, (*pointer, str(index)))
        elif before != after or type(before) is not type(after):
            places.append(pointer)

    walk(old, new, ())
    shown = []
    for place in places[:MAX_UNCLASSIFIED]:
        reordered = place[-1:] == ("(key order)",)
        where = describe_pointer(new, place[:-1] if reordered else place)
        what = "key order changed" if reordered else "changed"
        shown.append(
            Change(UNCLASSIFIED, False, where, f"{where}: {what} (spec-diff has no rule for it: review it)")
        )
    if len(places) > MAX_UNCLASSIFIED:
        more = len(places) - MAX_UNCLASSIFIED
        shown.append(Change(UNCLASSIFIED, False, "", f"and {more} more unclassified difference(s)"))
    return shown


# -- the bump ---------------------------------------------------------------------------------


def implied_bump(changes: list[Change]) -> str:
    """`breaking`, `feature`, `docs` (only documentation changed) or `none`."""
    if any(change.breaking for change in changes):
        return "breaking"
    if any(change.kind != DOCUMENTATION for change in changes):
        return "feature"
    if changes:
        return "docs"
    return "none"


def next_version(current: str, changes: list[Change]) -> str:
    major, minor, patch = (int(part) for part in current.split(".")[:3])
    bump = implied_bump(changes)
    if bump == "none":
        return current
    if major == 0:
        return f"0.{minor + 1}.0" if bump == "breaking" else f"0.{minor}.{patch + 1}"
    if bump == "breaking":
        return f"{major + 1}.0.0"
    if bump == "feature":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def bump_reason(bump: str, changes: list[Change], current: str, suggested: str) -> str:
    """One sentence a reviewer reads: why `current` becomes `suggested`."""
    breaking = sum(change.breaking for change in changes)
    zero = current.startswith("0.")
    if bump == "breaking":
        rule = "while the version is 0.x a breaking change bumps the minor number" if zero else "major bump"
        return f"{breaking} breaking change(s): {rule} ({current} -> {suggested})."
    if bump == "feature":
        rule = "a patch bump while the version is 0.x" if zero else "a minor bump"
        return f"additions and compatible changes only, nothing breaks: {rule} ({current} -> {suggested})."
    if bump == "docs":
        return (
            "only documentation changed, but it reaches the generated docstrings and api.md, so the "
            f"package differs: a patch bump ({current} -> {suggested})."
        )
    return f"no change reaches the SDK: the version stays {current}."


def render_text(changes: list[Change]) -> list[str]:
    if not changes:
        return ["no changes"]
    lines = []
    groups = (
        ("Breaking changes:", [c for c in changes if c.breaking]),
        ("Non-breaking changes:", [c for c in changes if not c.breaking and c.kind != DOCUMENTATION]),
        ("Documentation changes:", [c for c in changes if c.kind == DOCUMENTATION]),
    )
    for title, group in groups:
        if group:
            lines.append(title)
            lines.extend(f"  - [{c.kind}] {c.message}" for c in group)
    return lines
