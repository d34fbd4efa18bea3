"""scripts/spec-diff: classification, semver, output; release notes drafted from it."""

from __future__ import annotations

import datetime
import json

import pytest
from chaser_codegen.cli import main as codegen_main
from chaser_codegen.release import BEGIN, END, draft_section, update_changelog
from chaser_codegen.specdiff import Change, diff_documents, next_version, render_text


def spec(**operation) -> dict:
    op = {
        "operationId": "things_get",
        "tags": ["things"],
        "x-sdk-name": "get",
        "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
        "responses": {
            "200": {
                "description": "ok",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["id"],
                            "properties": {
                                "id": {"type": "string"},
                                "state": {"type": "string", "enum": ["a", "b"]},
                            },
                        }
                    }
                },
            }
        },
    }
    op.update(operation)
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/things": {"get": op}}}


def kinds(old: dict, new: dict) -> dict[str, bool]:
    return {change.kind: change.breaking for change in diff_documents(old, new)}


def test_identical_specs_have_no_changes():
    assert diff_documents(spec(), spec()) == []


def test_a_removed_and_an_added_operation():
    empty = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    assert kinds(spec(), empty) == {"operation-removed": True}
    assert kinds(empty, spec()) == {"operation-added": False}


def test_an_operation_that_moved_keeps_its_sdk_name():
    moved = spec()
    moved["paths"] = {"/v2/things": moved["paths"]["/things"]}
    assert kinds(spec(), moved) == {"operation-moved": True}


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        ([], {"parameter-removed": True}),
        (
            [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}],
            {"input-now-required": True},
        ),
        (
            [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "r", "in": "query", "schema": {"type": "string"}},
            ],
            {"parameter-added": False},
        ),
        (
            [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "r", "in": "query", "required": True, "schema": {"type": "string"}},
            ],
            {"parameter-added-required": True},
        ),
        ([{"name": "q", "in": "query", "schema": {"type": "integer"}}], {"type-changed": True}),
        ([{"name": "q", "in": "query", "schema": {"type": ["string", "null"]}}], {"type-widened": False}),
    ],
    ids=["removed", "now-required", "added-optional", "added-required", "type-changed", "request-widened"],
)
def test_parameter_changes(parameters, expected):
    assert kinds(spec(), spec(parameters=parameters)) == expected


def test_response_changes():
    base = spec()

    def response(new: dict) -> dict:
        changed = spec()
        schema = changed["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
        schema.update(new)
        return changed

    assert kinds(base, response({"properties": {"state": {"type": "string", "enum": ["a", "b"]}}})) == {
        "field-removed": True
    }
    assert kinds(
        base,
        response(
            {"properties": {"id": {"type": "string"}, "state": {"type": "string", "enum": ["a", "b", "c"]}}}
        ),
    ) == {"enum-widened": False}
    assert kinds(
        base, response({"properties": {"id": {"type": "string"}, "state": {"type": "string", "enum": ["a"]}}})
    ) == {"enum-narrowed": True}
    assert kinds(base, response({"required": []})) == {"output-now-optional": True}
    assert kinds(
        base,
        response(
            {
                "properties": {
                    "id": {"type": ["string", "null"]},
                    "state": {"type": "string", "enum": ["a", "b"]},
                }
            }
        ),
    ) == {"type-widened": True}
    success_gone = spec(responses={"201": spec()["paths"]["/things"]["get"]["responses"]["200"]})
    assert kinds(base, success_gone)["success-status-removed"] is True


@pytest.mark.parametrize(
    ("version", "breaking", "expected"),
    [
        ("0.1.0", True, "0.2.0"),
        ("0.1.3", False, "0.1.4"),
        ("1.2.3", True, "2.0.0"),
        ("1.2.3", False, "1.3.0"),
    ],
)
def test_the_implied_version_follows_semver_with_the_0x_convention(version, breaking, expected):
    changes = [Change("x", breaking, "here", "something")]
    assert next_version(version, changes) == expected
    assert next_version(version, []) == version


def test_text_output_lists_breaking_changes_first():
    lines = render_text([Change("a", False, "l", "added"), Change("b", True, "l", "removed")])
    assert lines == ["Breaking changes:", "  - [b] removed", "Non-breaking changes:", "  - [a] added"]


def test_the_command_prints_json_with_the_bump(tmp_path, capsys):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(spec()))
    new.write_text(json.dumps(spec(parameters=[])))
    assert (
        codegen_main(["spec-diff", str(old), str(new), "--no-overlay", "--json", "--version", "0.4.2"]) == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["bump"] == "breaking" and report["next"] == "0.5.0"
    assert report["changes"][0]["kind"] == "parameter-removed"


def test_release_notes_draft_breaking_changes_first_with_migration_hints():
    section = draft_section(
        "0.2.0",
        [
            Change("field-added", False, "l", "field 'x' was added"),
            Change("operation-removed", True, "l", "op `y` was removed"),
        ],
        previous="0.1.0",
        date=datetime.date(2026, 11, 28),
    )
    assert section.startswith("## [0.2.0] - 2026-11-28\n")
    assert section.index("### Breaking") < section.index("### Added")
    assert "op \\`y\\` was removed. Migration: remove calls to it" in section


def test_redrafting_keeps_hand_written_notes_above_the_draft():
    first = update_changelog(
        None, "0.2.0", draft_section("0.2.0", [], previous="0.1.0", date=datetime.date(2026, 1, 1))
    )
    edited = first.replace(BEGIN, "A note by hand.\n\n" + BEGIN)
    redrafted = update_changelog(
        edited,
        "0.2.0",
        draft_section(
            "0.2.0",
            [Change("field-added", False, "l", "new field")],
            previous="0.1.0",
            date=datetime.date(2026, 1, 2),
        ),
    )
    assert "A note by hand." in redrafted and "- new field." in redrafted
    assert redrafted.count(BEGIN) == 1 and redrafted.count(END) == 1
    assert "## [0.2.0] - 2026-01-02" in redrafted
