"""chaser_core._wire: parameters and form fields written by the spec's serialization rules, and
read back by the same rules (the mock's side).

The expected texts are the Parameter Object's "Style Examples" table of OpenAPI 3.1.1 (which
follows RFC 6570 for simple, label and matrix), for a parameter `color` whose value is a string
"blue", a list ["blue", "black", "brown"] or an object {"R": 100, "G": 200, "B": 150}; query
texts are shown percent-encoded, as they go on the wire.
"""

from __future__ import annotations

import enum
import json
import urllib.parse
from typing import Any

import pytest
from chaser_core import _wire
from chaser_core._wire import MISSING, Rule

STRING = "blue"
ARRAY = ["blue", "black", "brown"]
OBJECT = {"R": 100, "G": 200, "B": 150}
TEXT_OBJECT = {"R": "100", "G": "200", "B": "150"}  # what the wire gives back: text


def written(rule: Rule, value: Any) -> str:
    """A parameter as it appears in the request: a path segment or header as it is, query pairs
    percent-encoded and joined."""
    result = _wire.serialize(rule, value)
    return result if isinstance(result, str) else _wire.query_string(result)


# (style, explode, value, expected) per location, from the spec's table.
PATH_EXAMPLES = [
    ("simple", False, STRING, "blue"),
    ("simple", False, ARRAY, "blue,black,brown"),
    ("simple", False, OBJECT, "R,100,G,200,B,150"),
    ("simple", True, STRING, "blue"),
    ("simple", True, ARRAY, "blue,black,brown"),
    ("simple", True, OBJECT, "R=100,G=200,B=150"),
    ("label", False, "", "."),
    ("label", False, STRING, ".blue"),
    ("label", False, ARRAY, ".blue,black,brown"),
    ("label", False, OBJECT, ".R,100,G,200,B,150"),
    ("label", True, STRING, ".blue"),
    ("label", True, ARRAY, ".blue.black.brown"),
    ("label", True, OBJECT, ".R=100.G=200.B=150"),
    ("matrix", False, "", ";color"),
    ("matrix", False, STRING, ";color=blue"),
    ("matrix", False, ARRAY, ";color=blue,black,brown"),
    ("matrix", False, OBJECT, ";color=R,100,G,200,B,150"),
    ("matrix", True, STRING, ";color=blue"),
    ("matrix", True, ARRAY, ";color=blue;color=black;color=brown"),
    ("matrix", True, OBJECT, ";R=100;G=200;B=150"),
]

QUERY_EXAMPLES = [
    ("form", False, "", "color="),
    ("form", False, STRING, "color=blue"),
    ("form", False, ARRAY, "color=blue%2Cblack%2Cbrown"),
    ("form", False, OBJECT, "color=R%2C100%2CG%2C200%2CB%2C150"),
    ("form", True, STRING, "color=blue"),
    ("form", True, ARRAY, "color=blue&color=black&color=brown"),
    ("form", True, OBJECT, "R=100&G=200&B=150"),
    ("spaceDelimited", False, ARRAY, "color=blue%20black%20brown"),
    ("spaceDelimited", False, OBJECT, "color=R%20100%20G%20200%20B%20150"),
    ("pipeDelimited", False, ARRAY, "color=blue%7Cblack%7Cbrown"),
    ("pipeDelimited", False, OBJECT, "color=R%7C100%7CG%7C200%7CB%7C150"),
    ("deepObject", True, OBJECT, "color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150"),
]


def kind_of(value: Any) -> str:
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "string"


def as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: str(item) for key, item in value.items()}
    return value


@pytest.mark.parametrize(("style", "explode", "value", "expected"), PATH_EXAMPLES)
def test_path_parameters_follow_the_spec_style_examples_and_read_back(style, explode, value, expected):
    rule = Rule("path", "color", style, explode)
    assert written(rule, value) == expected
    assert _wire.decode_parameter(rule, expected, kind_of(value)) == as_text(value)


@pytest.mark.parametrize(
    ("style", "explode", "value", "expected"), [e for e in PATH_EXAMPLES if e[0] == "simple"]
)
def test_header_parameters_are_simple_and_never_percent_encoded(style, explode, value, expected):
    rule = Rule("header", "X-Color", style, explode)
    assert written(rule, value) == expected
    assert _wire.decode_parameter(rule, expected, kind_of(value)) == as_text(value)


@pytest.mark.parametrize(("style", "explode", "value", "expected"), QUERY_EXAMPLES)
def test_query_parameters_follow_the_spec_style_examples_and_read_back(style, explode, value, expected):
    rule = Rule("query", "color", style, explode)
    assert written(rule, value) == expected
    pairs = urllib.parse.parse_qsl(expected, keep_blank_values=True)
    decoded = _wire.decode_parameter(rule, pairs, kind_of(value))
    if style == "form" and explode and isinstance(value, dict):
        # An exploded form object's properties are pairs of their own: the reader takes them
        # by the schema's property names.
        assert decoded is MISSING and dict(pairs) == TEXT_OBJECT
    else:
        assert decoded == as_text(value)


def test_path_values_are_percent_encoded_but_the_style_separators_are_not():
    assert written(Rule("path", "id", "simple", False), "a/b c?#%") == "a%2Fb%20c%3F%23%25"
    assert written(Rule("path", "ids", "label", True), ["a.b", "c,d"]) == ".a.b.c%2Cd"
    assert written(Rule("path", "m", "matrix", True), {"k;": "v="}) == ";k%3B=v%3D"


def test_allow_reserved_keeps_reserved_characters_but_never_those_that_end_a_value():
    rule = Rule("query", "q", "form", True, allow_reserved=True)
    pairs = _wire.serialize(rule, "a/b:c,[d]@e&f=g#h+i")
    assert isinstance(pairs, list)
    assert _wire.query_string(pairs, frozenset({"q"})) == "q=a/b:c,[d]@e%26f%3Dg%23h%2Bi"
    assert _wire.query_string(pairs) == "q=a%2Fb%3Ac%2C%5Bd%5D%40e%26f%3Dg%23h%2Bi"


def test_scalars_are_written_as_json_writes_them():
    rule = Rule("query", "v", "form", True)
    assert [_wire.serialize(rule, value) for value in (True, False, 3, 2.5, None)] == [
        [("v", "true")],
        [("v", "false")],
        [("v", "3")],
        [("v", "2.5")],
        [("v", "")],
    ]


def test_empty_lists_and_objects_are_not_sent_in_the_rfc_6570_styles():
    for style, explode in (("form", True), ("form", False), ("pipeDelimited", False)):
        assert _wire.serialize(Rule("query", "v", style, explode), []) == []
        assert _wire.serialize(Rule("query", "v", style, explode), {}) == []


# -- deepObject at any depth, as Stripe reads it ---------------------------------------------------


def test_deep_objects_nest_brackets_and_index_lists_of_objects():
    body = {
        "billing": {"address": {"city": "abc", "line1": "1 Main St"}, "name": "Jo"},
        "line_items": [{"price": "price_1", "quantity": 2}, {"price": "price_2", "quantity": 1}],
        "expand": ["customer", "invoice"],
        "features": {},
        "metadata": {"order": "6735"},
    }
    rules = [Rule("form", name, "deepObject", True) for name in body]
    content = _wire.form_body(body, rules)
    pairs = urllib.parse.parse_qsl(content.decode(), keep_blank_values=True)
    assert pairs == [
        ("billing[address][city]", "abc"),
        ("billing[address][line1]", "1 Main St"),
        ("billing[name]", "Jo"),
        ("line_items[0][price]", "price_1"),
        ("line_items[0][quantity]", "2"),
        ("line_items[1][price]", "price_2"),
        ("line_items[1][quantity]", "1"),
        ("expand[0]", "customer"),
        ("expand[1]", "invoice"),
        ("features", ""),
        ("metadata[order]", "6735"),
    ]
    assert b"%7B" not in content and b"%5B0%5D" in content  # no text of a dict; brackets encoded
    kinds = {
        "billing": "object",
        "line_items": "array",
        "expand": "array",
        "features": "object",
        "metadata": "object",
    }
    assert _wire.decode_form(content, rules, kinds) == {
        "billing": {"address": {"city": "abc", "line1": "1 Main St"}, "name": "Jo"},
        "line_items": [{"price": "price_1", "quantity": "2"}, {"price": "price_2", "quantity": "1"}],
        "expand": ["customer", "invoice"],
        "features": "",  # the reader turns an empty value into {} or [] by the schema
        "metadata": {"order": "6735"},
    }


def test_deep_object_query_parameters_read_back_only_their_own_keys():
    rule = Rule("query", "created", "deepObject", True)
    pairs = [("created[gte]", "5"), ("created[lt]", "9"), ("created_by", "x"), ("limit", "3")]
    assert _wire.decode_parameter(rule, pairs, "object") == {"gte": "5", "lt": "9"}
    assert _wire.decode_parameter(rule, [("limit", "3")], "object") is MISSING
    assert _wire.decode_parameter(rule, [("created", "5")], None) == "5"  # a union's scalar side


# -- form bodies ------------------------------------------------------------------------------------


class Colour(enum.Enum):
    RED = "red"


def test_a_form_field_without_an_encoding_is_form_exploded_and_values_are_json_values():
    content = _wire.form_body({"tags": ["a", "b"], "colour": Colour.RED, "on": True, "n": 1}, [])
    assert content == b"tags=a&tags=b&colour=red&on=true&n=1"


def test_a_form_field_the_encoding_gives_a_content_type_is_sent_as_that_text():
    rule = Rule("form", "config", "form", True, False, "application/json")
    content = _wire.form_body({"config": {"a": [1, 2]}, "name": "x y"}, [rule])
    assert content == b"config=" + urllib.parse.quote('{"a":[1,2]}', safe="").encode() + b"&name=x%20y"
    decoded = _wire.decode_form(content, [rule], {"config": "object", "name": "string"})
    assert decoded == {"config": {"a": [1, 2]}, "name": "x y"}


def test_encoded_rebuilds_path_query_headers_cookies_and_defers_the_form_to_the_client():
    kwargs = {
        "method": "post",
        "url": "/v1/x/ignored",
        "params": {"flattened": "wrong"},
        "data": {"a": {"b": 1}},
    }
    result = _wire.encoded(
        kwargs,
        "/v1/{id}/items{coords}",
        (
            (Rule("path", "id", "simple", False), "a/b"),
            (Rule("path", "coords", "matrix", True), {"x": 1, "y": 2}),
            (Rule("query", "created", "deepObject", True), {"gte": 1}),
            (Rule("query", "ids", "pipeDelimited", False), ["a", "b"]),
            (Rule("query", "unset", "form", True), _wire_unset()),
            (Rule("header", "X-Ids", "simple", False), [1, 2]),
            (Rule("cookie", "session", "form", True), "s 1"),
        ),
        form=(Rule("form", "a", "deepObject", True),),
    )
    assert result["url"] == "/v1/a%2Fb/items;x=1;y=2"
    assert result["params"] == {"created[gte]": "1", "ids": "a|b"}
    assert result["headers"] == {"X-Ids": "1,2", "Cookie": "session=s%201"}
    assert result["data"] == {"a": {"b": 1}} and result[_wire.FORM_RULES] == (
        Rule("form", "a", "deepObject", True),
    )
    assert kwargs["url"] == "/v1/x/ignored"  # the low-level request is left as it was


def test_multipart_parts_take_the_content_type_their_encoding_names():
    kwargs = {
        "method": "post",
        "url": "/calls",
        "files": [("sdp", (None, b"v=0", "text/plain")), ("n", (None, b"1", "text/plain"))],
    }
    result = _wire.encoded(
        kwargs, "/calls", (), form=(Rule("multipart", "sdp", "form", True, False, "application/sdp"),)
    )
    assert result["files"] == [("sdp", (None, b"v=0", "application/sdp")), ("n", (None, b"1", "text/plain"))]
    assert _wire.FORM_RULES not in result


def _wire_unset() -> Any:
    from chaser_core._types import UNSET

    return UNSET


def test_models_and_dates_are_written_as_their_json():
    import datetime

    class Model:
        def to_dict(self) -> dict[str, Any]:
            return {"when": "2026-01-01"}

    pairs = _wire.serialize(Rule("query", "f", "deepObject", True), Model())
    assert pairs == [("f[when]", "2026-01-01")]
    assert _wire.serialize(Rule("query", "d", "form", True), datetime.date(2026, 1, 2)) == [
        ("d", "2026-01-02")
    ]
    assert (
        json.loads(
            _wire.form_body({"x": 1}, [Rule("form", "x", "form", True, False, "application/json")]).split(
                b"="
            )[1]
        )
        == 1
    )


def test_allow_reserved_query_values_reach_the_url_with_their_reserved_characters():
    from chaser_core import Chaser

    kwargs = _wire.encoded(
        {"method": "get", "url": "/search"},
        "/search",
        (
            (Rule("query", "path", "form", True, allow_reserved=True), "/a/b:c"),
            (Rule("query", "q", "form", True), "/a/b"),
        ),
    )
    client = Chaser(api_key="sk_test", base_url="https://api.example.test")
    request = client._prepare(kwargs, _wire_options())
    assert request.url == "https://api.example.test/search?path=/a/b:c&q=%2Fa%2Fb"


def _wire_options() -> Any:
    from chaser_core._types import RequestOptions

    return RequestOptions()
