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


# -- the job on a thread of its own (the window's path) -----------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    max_leaves=30,
)


@given(JSON_VALUES)
def test_the_yielding_form_is_the_same_text(value: object) -> None:
    text = json.dumps(value)
    assert json_pretty.pretty_json_yielding(text) == pretty_json(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[1,]",
        '{"a": 1} trailing',
        '{"a": 1, "a": 2, "b": [1.0e5, -0, 1E-3, "\\u00e9\\/"]}',  # duplicates, spellings
        "\ufeff [1]",
        "[" * 600 + "]" * 600,  # deeper than the Python scanner goes: the C parser's answer
        "[" * 100_000 + "]" * 100_000,  # deeper than either: None
        "1" * 5000,  # past int's digit limit: not JSON Yonder can show
    ],
)
def test_the_yielding_form_agrees_on_edge_cases(text: str) -> None:
    assert json_pretty.pretty_json_yielding(text) == pretty_json(text)


def test_a_job_gives_the_same_text_and_leaves_the_collector_as_it_was() -> None:
    import gc

    text = json.dumps([{"k": i, "v": [i, str(i)]} for i in range(2000)])
    assert gc.isenabled()
    jobs = [json_pretty.PrettyJob(text), json_pretty.PrettyJob("[1,")]
    for job in jobs:
        assert job.wait(60)
    assert jobs[0].done and jobs[0].result == pretty_json(text)
    assert jobs[1].result is None
    assert gc.isenabled()
