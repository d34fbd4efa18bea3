"""Model: `build_api` walks the normalized spec once, operation by operation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...escaping import SpecText, spec_text
from ..opc_compat import GeneratorData
from .context import SpecContext
from .helpers import EXTENSION as HELPERS_EXTENSION
from .helpers import attach_helpers, read_helpers
from .operations import build_operation, iter_operations
from .resources import (
    avoid_model_names,
    check_mcp_bridges,
    check_member_collisions,
    group,
)
from .security import requirement_of, security_schemes_of
from .types import Api, Exclusion


def build_api(
    document: dict[str, Any],
    data: GeneratorData,
    *,
    package: str,
    source: str,
    exclusions: list[Exclusion],
    helpers_module: Path | None,
) -> Api:
    ctx = SpecContext(document, data, package, source)
    schemes = security_schemes_of(ctx)
    operations = [
        build_operation(ctx, path, method, op, schemes) for path, method, op in iter_operations(document)
    ]
    resources = group(operations, source)
    avoid_model_names(resources, data)
    helpers = read_helpers(helpers_module) if helpers_module else {}
    attach_helpers(document.get(HELPERS_EXTENSION), resources, helpers, source)
    check_member_collisions(resources, source)
    check_mcp_bridges(operations, resources, source)
    info = document.get("info") or {}
    servers = document.get("servers") or []
    base_url = servers[0].get("url") if servers and isinstance(servers[0], dict) else None
    if not isinstance(base_url, str) or not base_url.startswith(("https://", "http://")):
        base_url = "http://localhost"
    return Api(
        title=SpecText(str(info.get("title") or "API")),
        version=SpecText(str(info.get("version") or "0")),
        description=spec_text(info.get("description")),
        base_url=base_url,
        base_url_text=SpecText(base_url),
        package=package,
        operations=operations,
        resources=resources,
        exclusions=exclusions,
        spec_document=document,
        low_level_data=data,
        security_schemes=schemes,
        default_security=requirement_of(ctx, document.get("security"), schemes, ()),
    )
