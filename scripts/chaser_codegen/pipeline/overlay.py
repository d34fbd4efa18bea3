"""Overlay: apply an OpenAPI Overlay 1.0 document to the spec.

Targets are RFC 9535 JSONPath queries (evaluated by the jsonpath-rfc9535 library). An `update`
is merged recursively into each selected object (arrays inside it are appended to, as the
reference implementations do) or appended to a selected array; `remove: true` deletes each
selected node from its parent. Actions apply in order, each to the result of the previous one.

An action whose target selects nothing is drift between the overlay and the spec. We never skip
it: the run fails and names the action, so that a renamed path cannot silently drop an SDK name.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import jsonpath_rfc9535

from ..errors import PipelineError

SUPPORTED_OVERLAY_VERSIONS = ("1.0.",)


@dataclass(frozen=True)
class AppliedAction:
    index: int
    target: str
    description: str
    matched: int


def describe(index: int, action: dict[str, Any], source: str) -> str:
    reason = action.get("description") or "no description"
    return f"{source} actions[{index}] ({reason})"


def check_overlay(overlay: dict[str, Any], source: str) -> list[dict[str, Any]]:
    """Validate the overlay document's own structure, returning its actions."""
    version = overlay.get("overlay")
    if not isinstance(version, str) or not version.startswith(SUPPORTED_OVERLAY_VERSIONS):
        raise PipelineError(
            "overlay", f"unsupported overlay version {version!r} (expected 1.0.x)", location=source
        )
    info = overlay.get("info")
    if not isinstance(info, dict) or not isinstance(info.get("title"), str) or "version" not in info:
        raise PipelineError("overlay", "info.title and info.version are required", location=source)
    actions = overlay.get("actions")
    if not isinstance(actions, list) or not actions:
        raise PipelineError("overlay", "actions must be a non-empty list", location=source)
    for index, action in enumerate(actions):
        where = f"{source} actions[{index}]"
        if not isinstance(action, dict):
            raise PipelineError("overlay", "an action must be an object", location=where)
        if not isinstance(action.get("target"), str):
            raise PipelineError("overlay", "target must be a JSONPath string", location=where)
        if not isinstance(action.get("description"), str) or not action["description"].strip():
            raise PipelineError(
                "overlay",
                "every action needs a description: the one-line reason for the change",
                location=where,
            )
        has_update = "update" in action
        removes = action.get("remove", False)
        if not isinstance(removes, bool):
            raise PipelineError("overlay", "remove must be a boolean", location=where)
        if has_update == removes:
            raise PipelineError(
                "overlay", "an action has exactly one of update or remove: true", location=where
            )
        try:
            jsonpath_rfc9535.compile(action["target"])
        except jsonpath_rfc9535.JSONPathError as exc:
            raise PipelineError("overlay", f"invalid JSONPath target: {exc}", location=where) from exc
    return actions


def apply_overlay(
    spec: dict[str, Any], overlay: dict[str, Any], *, source: str = "overlay"
) -> tuple[dict[str, Any], list[AppliedAction]]:
    """Return a new document with every action applied, and what each action matched."""
    actions = check_overlay(overlay, source)
    document = copy.deepcopy(spec)
    applied: list[AppliedAction] = []
    for index, action in enumerate(actions):
        nodes = jsonpath_rfc9535.find(action["target"], document)
        if not nodes:
            raise PipelineError(
                "overlay",
                f"target {action['target']} selects nothing in the spec",
                location=describe(index, action, source),
                hint="upstream changed under this action: update its target, or remove the action if the change is intended",
            )
        if action.get("remove"):
            _remove_all(document, [node.location for node in nodes], index, action, source)
        else:
            for node in nodes:
                _update(node.value, action["update"], index, action, source)
        applied.append(AppliedAction(index, action["target"], action["description"], len(nodes)))
    return document, applied


def _update(target: Any, update: Any, index: int, action: dict[str, Any], source: str) -> None:
    if isinstance(target, dict):
        if not isinstance(update, dict):
            raise PipelineError(
                "overlay",
                "the target is an object, so update must be an object",
                location=describe(index, action, source),
            )
        _merge(target, update)
    elif isinstance(target, list):
        target.append(copy.deepcopy(update))
    else:
        raise PipelineError(
            "overlay",
            "update targets must select objects or arrays, not primitive values",
            location=describe(index, action, source),
            hint="select the containing object and update the property inside it",
        )


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            _merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(copy.deepcopy(value))
        else:
            target[key] = copy.deepcopy(value)


def _remove_all(
    document: dict[str, Any],
    locations: list[tuple[str | int, ...]],
    index: int,
    action: dict[str, Any],
    source: str,
) -> None:
    if any(not location for location in locations):
        raise PipelineError(
            "overlay", "cannot remove the root of the document", location=describe(index, action, source)
        )
    # Delete array items from the highest index down, so that earlier indexes stay valid.
    for location in sorted(locations, key=lambda loc: [(str(type(k)), k) for k in loc], reverse=True):
        parent: Any = document
        for key in location[:-1]:
            parent = parent[key]
        del parent[location[-1]]
