"""scripts/spec-diff: classification, semver, output; release notes drafted from it."""

from __future__ import annotations

import datetime
import json

import pytest
from chaser_codegen.cli import main as codegen_main
from chaser_codegen.release.notes import BEGIN, END, draft_section, update_changelog
from chaser_codegen.release.specdiff import Change, diff_documents, implied_bump, next_version, render_text


def spec(**operation) -> dict:
    op = {
        "operationId": "things_get",
        "tags": ["things"],
        "x-chaser-sdk-name": "get",
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


def test_the_unreleased_section_becomes_the_new_versions_with_its_draft_below():
    text = (
        "# Changelog\n\n## [Unreleased]\n\n### Changed\n- `chaser_core._api` ships only what the SDK uses.\n\n"
        "## [0.1.0] - 2026-11-28\n\nFirst release.\n"
    )
    section = draft_section(
        "0.1.1",
        [Change("field-added", False, "l", "new field")],
        previous="0.1.0",
        date=datetime.date(2026, 12, 1),
    )
    updated = update_changelog(text, "0.1.1", section)
    assert "[Unreleased]" not in updated
    released = updated[updated.index("## [0.1.1] - 2026-12-01") : updated.index("## [0.1.0]")]
    assert (
        released.index("ships only what the SDK uses")
        < released.index(BEGIN)
        < released.index("- new field.")
    )
    assert updated.endswith("## [0.1.0] - 2026-11-28\n\nFirst release.\n")


# -- documentation and unclassified changes (any change to the package needs a release) ----------


def described(**descriptions: str) -> dict:
    document = spec()
    operation = document["paths"]["/things"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    if "summary" in descriptions:
        operation["summary"] = descriptions["summary"]
    if "param" in descriptions:
        operation["parameters"][0]["description"] = descriptions["param"]
    if "field" in descriptions:
        schema["properties"]["state"]["description"] = descriptions["field"]
    return document


def test_a_description_only_change_is_a_documentation_change_that_needs_a_patch_release():
    changes = diff_documents(described(field="The state."), described(field="The state, as of now."))
    assert [(c.kind, c.breaking, c.message) for c in changes] == [
        ("documentation-changed", False, "things.get (GET /things) response 200.state: description changed")
    ]
    assert implied_bump(changes) == "docs"
    assert next_version("0.1.0", changes) == "0.1.1"
    assert next_version("1.2.3", changes) == "1.2.4"


def test_documentation_added_removed_and_on_parameters_and_summaries_is_named_where_it_is():
    changes = diff_documents(described(param="Query."), described(summary="Things", field="State."))
    assert sorted(c.message for c in changes) == [
        "things.get (GET /things) parameter 'q': description removed",
        "things.get (GET /things) response 200.state: description added",
        "things.get (GET /things): summary added",
    ]


def test_a_property_named_like_a_documentation_keyword_is_a_field_not_prose():
    old = spec()
    schema = old["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema["properties"]["description"] = {"type": "string"}
    new = json.loads(json.dumps(old))
    new_schema = new["paths"]["/things"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    new_schema["properties"]["description"] = {"type": "integer"}
    assert kinds(old, new) == {"type-changed": True}


def test_operations_added_with_their_prose_are_not_also_documentation_changes():
    empty = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    assert kinds(empty, described(summary="Things", field="State.")) == {"operation-added": False}


def test_any_other_difference_is_unclassified_and_still_needs_a_release():
    extended = spec()
    extended["paths"]["/things"]["get"]["x-internal-tier"] = "gold"
    changes = diff_documents(spec(), extended)
    assert [(c.kind, c.message) for c in changes] == [
        (
            "unclassified-change",
            "things.get (GET /things) x-internal-tier: changed (spec-diff has no rule for it: review it)",
        )
    ]
    assert implied_bump(changes) == "feature" and next_version("0.1.0", changes) == "0.1.1"


def test_a_key_order_change_alone_changes_the_embedded_spec_so_it_counts():
    reordered = spec()
    reordered["info"] = {"version": "1", "title": "t"}
    changes = diff_documents(spec(), reordered)
    assert [c.message for c in changes] == [
        "#/info: key order changed (spec-diff has no rule for it: review it)"
    ]
    assert implied_bump(changes) != "none"


def test_many_unclassified_differences_are_capped_with_a_count():
    old, new = spec(), spec()
    for index in range(14):
        new["paths"]["/things"]["get"][f"x-{index:02}"] = index
    messages = [c.message for c in diff_documents(old, new)]
    assert len(messages) == 11 and messages[-1] == "and 4 more unclassified difference(s)"


def test_the_version_gate_refuses_a_documentation_change_under_the_released_version(tmp_path):
    from chaser_codegen.release.gate import check_version

    released = tmp_path / "released"
    released.mkdir()
    (released / "0.3.0.json").write_text(json.dumps(described(field="Old words.")))
    new = described(field="New words.")
    refused = check_version(current="0.3.0", spec=new, released_dir=released, overlay=None)
    assert not refused.ok and refused.required == "0.3.1" and refused.bump == "docs"
    assert "must be at least 0.3.1" in refused.message
    assert check_version(current="0.3.1", spec=new, released_dir=released, overlay=None).ok


def test_release_notes_put_documentation_changes_in_their_own_section():
    section = draft_section(
        "0.1.1",
        [
            Change("field-added", False, "l", "field 'x' was added"),
            Change("documentation-changed", False, "l", "schema X.y: description changed"),
        ],
        previous="0.1.0",
        date=datetime.date(2026, 11, 28),
    )
    assert section.index("### Added") < section.index("### Documentation")
    assert "### Documentation\n- schema X.y: description changed." in section
    assert "### Changed" not in section


def test_the_command_explains_the_bump_and_lists_new_repairs_found_beside_the_specs(tmp_path, capsys):
    for name, document, repairs in (
        ("old", described(field="Old."), [{"rule": "kept", "pointer": "#/a", "after": 1}]),
        (
            "new",
            described(field="New."),
            [
                {"rule": "kept", "pointer": "#/a", "after": 1},
                {"rule": "dangling-ref", "pointer": "#/components/schemas/Foo", "before": {"$ref": "#/x"}},
            ],
        ),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / "openapi.json").write_text(json.dumps(document))
        (tmp_path / name / "repairs.json").write_text(json.dumps({"repairs": repairs, "summary": {}}))
    arguments = ["spec-diff", str(tmp_path / "old" / "openapi.json"), str(tmp_path / "new" / "openapi.json")]
    assert codegen_main([*arguments, "--no-overlay", "--version", "0.1.0"]) == 0
    out = capsys.readouterr().out
    assert "New repairs (1): upstream defects the pipeline now fixes" in out
    assert '  - dangling-ref at #/components/schemas/Foo: {"$ref": "#/x"} -> (removed)' in out
    assert "Implied bump: docs (0.1.0 -> 0.1.1): only documentation changed" in out
    assert codegen_main([*arguments, "--no-overlay", "--version", "0.1.0", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["bump"] == "docs" and report["next"] == "0.1.1"
    assert report["repairs"] == {
        "new": [{"rule": "dangling-ref", "pointer": "#/components/schemas/Foo", "before": {"$ref": "#/x"}}],
        "gone": [],
    }
