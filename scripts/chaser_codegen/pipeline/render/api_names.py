"""Identifiers the generated modules define for an operation: the alias under which a resource
module imports the operation's low-level module, and the prefix of its module-level constants."""

from __future__ import annotations

from ...names import LOW_LEVEL_PACKAGE
from ..model import Operation


def const(op: Operation) -> str:
    """Module-level constant prefix for this operation (`_SESSIONS_LIST`)."""
    return "_" + "_".join((*op.resource_path, op.name)).upper()


def ll_alias(op: Operation) -> str:
    """The name a resource module imports the operation's low-level module as."""
    return "_" + "_".join((*op.resource_path, op.name)) + "_api"


def low_level_import(op: Operation) -> tuple[str, str]:
    """(`<pkg>._api.api.<tag> import <module>`, alias) for the resource module's imports."""
    tag, module = op.low_level_module.rsplit(".", 1)
    return f"{LOW_LEVEL_PACKAGE}.api.{tag} import {module}", ll_alias(op)
