"""The session file: round trip, bounds, and refusals of anything else (whole and damaged)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ui.shell.session import (
    MAX_TABS,
    MAX_URL,
    Session,
    SessionError,
    TabState,
    from_json,
    make_tab,
)
from ui.text.history import MAX_ENTRIES, History


def test_a_session_round_trips() -> None:
    session = Session(
        (TabState(("about:start", "https://example.org/é"), 1), TabState(("http://h/",), 0)),
        current=1,
    )
    assert from_json(session.to_json()) == session
    assert session.tabs[0].current == "https://example.org/é"


def test_tabs_are_bounded_and_positions_clamped() -> None:
    entries = [f"http://h/{n}" for n in range(MAX_ENTRIES + 50)]
    tab = make_tab(entries, len(entries) - 1)
    assert tab is not None and len(tab.entries) == MAX_ENTRIES
    assert tab.current == entries[-1]
    assert make_tab(["http://h/a"], 99) == TabState(("http://h/a",), 0)
    assert make_tab(["http://h/a"], -5) == TabState(("http://h/a",), 0)
    assert make_tab([], 0) is None
    assert make_tab(["x" * (MAX_URL + 1)], 0) is None  # an absurd address is dropped


def test_history_restored_from_a_session_keeps_its_place() -> None:
    history = History.restored(["a", "b", "c"], 1)
    assert history.current == "b" and history.can_go_back and history.can_go_forward
    assert history.back() == "a"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe",
        b"[]",
        b'{"version": 2, "tabs": []}',
        b'{"version": 1, "tabs": {}}',
        b'{"version": 1, "tabs": [{"entries": "http://h/", "index": 0}]}',
        b'{"version": 1, "tabs": [{"entries": [1], "index": 0}]}',
        b'{"version": 1, "tabs": [{"entries": ["http://h/"], "index": true}]}',
        b'{"version": 1, "tabs": [1]}',
        b"[" * 100_000,
        json.dumps(
            {"version": 1, "tabs": [{"entries": ["a"], "index": 0}] * (MAX_TABS + 1)}
        ).encode(),
    ],
)
def test_anything_but_a_session_is_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(SessionError):
        from_json(data)


def test_a_damaged_current_tab_falls_back_to_the_first() -> None:
    data = b'{"version": 1, "current": "x", "tabs": [{"entries": ["http://h/"], "index": 0}]}'
    assert from_json(data).current == 0
    data = b'{"version": 1, "current": 7, "tabs": [{"entries": ["http://h/"], "index": 0}]}'
    assert from_json(data).current == 0


def read_or_refuse(data: bytes) -> Session | str:
    """The session read from ``data``, or the reason it was refused (no other outcome)."""
    try:
        session = from_json(data)
    except SessionError as exc:
        return str(exc)
    assert all(0 <= tab.index < len(tab.entries) for tab in session.tabs)
    assert 0 <= session.current <= max(0, len(session.tabs) - 1)
    return session


@given(st.binary(max_size=300))
def test_garbage_is_read_or_refused_never_a_traceback(data: bytes) -> None:
    outcome = read_or_refuse(data)
    assert isinstance(outcome, Session) or outcome


@given(st.text(max_size=300))
def test_every_cut_of_a_session_file_is_read_or_refused(text: str) -> None:
    whole = Session((TabState(("http://h/a", "http://h/b"), 1),), 0).to_json()
    for cut in range(0, len(whole), 7):
        outcome = read_or_refuse(whole[:cut] + text.encode())
        assert isinstance(outcome, Session) or outcome
    assert read_or_refuse(whole) == from_json(whole)
