"""Which repairs are new between two repair reports (spec-diff's repair section)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from chaser_codegen.errors import PipelineError
from chaser_codegen.release.repairdiff import ABSENT, compare, load_report, render_text, report_beside

OLD = {
    "repairs": [
        {
            "rule": "required-names-a-property",
            "pointer": "#/components/schemas/A/required",
            "before": ["x"],
            "after": [],
        },
        {
            "rule": "dangling-ref",
            "pointer": "#/components/schemas/B/properties/c",
            "before": {"$ref": "#/nope"},
        },
    ],
    "summary": {"required-names-a-property": 1, "dangling-ref": 1},
}
NEW = {
    "repairs": [
        # the same rule at the same place, with a different value: not new
        {
            "rule": "required-names-a-property",
            "pointer": "#/components/schemas/A/required",
            "before": ["y"],
            "after": [],
        },
        # the same place, another rule: new
        {
            "rule": "nullable-to-type-null",
            "pointer": "#/components/schemas/B/properties/c",
            "before": True,
            "after": ["string", "null"],
        },
        # a value that did not exist before the repair: `before` is absent
        {
            "rule": "missing-response-description",
            "pointer": "#/paths/~1v1~1jobs/get/responses/200/description",
            "after": "",
        },
    ],
    "summary": {
        "required-names-a-property": 1,
        "nullable-to-type-null": 1,
        "missing-response-description": 1,
    },
}


def write(tmp_path: Path, name: str, report: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(report))
    return path


def test_a_repair_is_new_when_its_rule_and_pointer_were_not_in_the_old_report(tmp_path):
    changes = compare(
        load_report(write(tmp_path, "old.json", OLD)), load_report(write(tmp_path, "new.json", NEW))
    )
    assert [(r.rule, r.pointer) for r in changes.new] == [
        ("nullable-to-type-null", "#/components/schemas/B/properties/c"),
        ("missing-response-description", "#/paths/~1v1~1jobs/get/responses/200/description"),
    ]
    assert [(r.rule, r.pointer) for r in changes.gone] == [
        ("dangling-ref", "#/components/schemas/B/properties/c")
    ]
    assert changes.new[1].before is ABSENT and changes.gone[0].after is ABSENT
    assert changes.as_dict()["new"][1] == NEW["repairs"][2]  # absent stays absent, not null


def test_a_missing_report_means_no_repairs(tmp_path):
    assert load_report(tmp_path / "nowhere.json") == [] and load_report(None) == []
    changes = compare(load_report(None), load_report(write(tmp_path, "new.json", NEW)))
    assert len(changes.new) == 3 and changes.gone == []
    assert compare([], []).new == [] and render_text(compare([], [])) == []


def test_the_text_report_shows_each_new_repair_with_its_values_and_what_upstream_fixed(tmp_path):
    lines = render_text(
        compare(load_report(write(tmp_path, "o", OLD)), load_report(write(tmp_path, "n", NEW)))
    )
    assert lines == [
        "New repairs (2): upstream defects the pipeline now fixes",
        '  - nullable-to-type-null at #/components/schemas/B/properties/c: true -> ["string", "null"]',
        '  - missing-response-description at #/paths/~1v1~1jobs/get/responses/200/description: (absent) -> ""',
        "Repairs no longer needed (1): upstream fixed these",
        "  - dangling-ref at #/components/schemas/B/properties/c",
    ]


@pytest.mark.parametrize(
    "content",
    [
        "{",
        "[]",
        '{"repairs": {}}',
        '{"repairs": [{"rule": "r"}]}',
        '{"repairs": [{"rule": 1, "pointer": "#/a"}]}',
    ],
    ids=["truncated", "not-an-object", "repairs-not-a-list", "no-pointer", "rule-not-a-string"],
)
def test_a_malformed_report_is_an_error_naming_the_file(tmp_path, content):
    path = tmp_path / "repairs.json"
    path.write_text(content)
    with pytest.raises(PipelineError, match=r"repairs\.json"):
        load_report(path)


def test_reports_live_beside_their_specs():
    assert report_beside(Path("spec/openapi.json")) == Path("spec/repairs.json")
    assert report_beside(Path("spec/released/0.2.0.json")) == Path("spec/released/0.2.0.repairs.json")
