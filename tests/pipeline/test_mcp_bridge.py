"""x-chaser-mcp-bridge: the MCP bridge's endpoint, methods and auth come from the spec and the overlay,
and generation fails when upstream drifts from what the overlay says about them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.pipeline import model, normalize, parse
from chaser_codegen.pipeline.overlay import apply_overlay
from chaser_codegen.pipeline.render import RUNTIME

from tests.pipeline.test_mutations import BASE, OVERLAY_DOC


def build(change: Callable[[dict[str, Any]], None] = lambda document: None) -> model.Api:
    """The model of the spec after the overlay, with `change` applied to the overlaid document."""
    overlaid, _ = apply_overlay(copy.deepcopy(BASE), OVERLAY_DOC, source="spec/overlay.yaml")
    change(overlaid)
    normalized, _ = normalize.normalize(overlaid, [], source="spec/openapi.json")
    data = parse.parse(normalized, source="spec/openapi.json")
    return model.build_api(
        normalized,
        data,
        package="chaser_core",
        source="spec/openapi.json",
        exclusions=[],
        helpers_module=RUNTIME / "_helpers.py",
    )


def mcp_post(document: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"]["/v1/mcp"]["post"]
    return operation


def documented_methods(document: dict[str, Any]) -> list[str]:
    schema = mcp_post(document)["requestBody"]["content"]["application/json"]["schema"]
    methods: list[str] = schema["properties"]["method"]["x-documented-values"]
    return methods


def test_the_bridge_takes_its_endpoint_methods_and_auth_from_the_spec() -> None:
    from chaser_core._cli.commands.mcp import MCP_BRIDGE

    (operation,) = [op for op in build().operations if op.mcp_bridge is not None]
    bridge = operation.mcp_bridge
    assert bridge is not None and operation.key == "POST /v1/mcp"
    assert [m.raw for m in bridge.methods] == documented_methods(BASE)
    assert [m.raw for m in bridge.retry_safe] == ["initialize", "ping", "tools/list"]
    assert bridge.auth_scheme.raw == "BearerAuth"
    # ... and the generated CLI hands exactly that, and the low-level request, to the bridge.
    assert MCP_BRIDGE.path == "/v1/mcp" and MCP_BRIDGE.cli_path == ("mcp",)
    assert list(MCP_BRIDGE.methods) == documented_methods(BASE)
    assert MCP_BRIDGE.retry_safe == ("initialize", "ping", "tools/list")
    assert MCP_BRIDGE.request() == {
        "method": "post",
        "url": "/v1/mcp",
        "headers": {"Content-Type": "application/json"},
    }
    assert MCP_BRIDGE.retryable(["tools/list", "ping"]) and not MCP_BRIDGE.retryable(
        ["tools/list", "tools/call"]
    )
    assert not MCP_BRIDGE.retryable([])  # notifications and responses


def test_a_retry_safe_method_upstream_stops_documenting_fails_generation() -> None:
    with pytest.raises(PipelineError) as caught:
        build(lambda document: documented_methods(document).remove("ping"))
    assert "x-chaser-mcp-bridge resends ping, which the operation no longer documents" in str(caught.value)
    assert "update retry-safe in spec/overlay.yaml" in str(caught.value)


def test_an_mcp_endpoint_without_bearer_auth_fails_generation() -> None:
    with pytest.raises(PipelineError, match="has no http bearer scheme"):
        build(lambda document: mcp_post(document).__setitem__("security", [{}]))


def test_an_mcp_endpoint_whose_body_has_no_method_fails_generation() -> None:
    def drop_method(document: dict[str, Any]) -> None:
        schema = mcp_post(document)["requestBody"]["content"]["application/json"]["schema"]
        del schema["properties"]["method"]
        schema["required"] = ["jsonrpc"]

    with pytest.raises(PipelineError, match="no `method`: not a JSON-RPC endpoint"):
        build(drop_method)


def test_the_bridge_commands_may_not_shadow_an_operation_of_their_group() -> None:
    with pytest.raises(PipelineError, match="`mcp serve` would shadow a command of the same name"):
        build(lambda document: mcp_post(document).__setitem__("x-chaser-sdk-name", "serve"))
