"""ui/text/json_pretty.py: JSON type detection and bounded pretty-printing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.text import json_pretty
from ui.text.json_pretty import is_json_type, pretty_json


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("text/json", True),
        ("application/ld+json", True),
        ("application/problem+json; charset=utf-8", True),
        ("application/vnd.api+json", True),
        ("text/html", False),
        ("application/jsonp", False),
        ("application/javascript", False),
        ("", False),
        ("+json", False),
    ],
)
def test_is_json_type(content_type: str, expected: bool) -> None:
    assert is_json_type(content_type) is expected


def test_pretty_json_indents_and_keeps_unicode() -> None:
    assert pretty_json('{"a":[1,2,{"b":null}],"é":"😀"}') == (
        '{\n  "a": [\n    1,\n    2,\n    {\n      "b": null\n    }\n  ],\n  "é": "😀"\n}'
    )
    assert pretty_json("\ufeff [1]") == "[\n  1\n]"
    assert pretty_json("42") == "42"


@pytest.mark.parametrize(
    "text", ["", "{", "{'a': 1}", "[1,]", "NaN x", '{"a": 1} trailing', "<html>"]
)
def test_invalid_json_is_none(text: str) -> None:
    assert pretty_json(text) is None


def test_too_deep_or_too_large_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    assert pretty_json("[" * 100_000 + "]" * 100_000) is None
    monkeypatch.setattr(json_pretty, "MAX_PRETTY_CHARS", 10)
    assert pretty_json("[1, 2, 3, 4, 5]") is None


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=20,
    )
)
def test_round_trip(value: object) -> None:
    pretty = pretty_json(json.dumps(value))
    assert pretty is not None
    assert json.loads(pretty) == value
