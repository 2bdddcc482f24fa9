"""The page's load state machine: every named transition from every state, and the verdict."""

from __future__ import annotations

import pytest

from ui.page.load_state import TRANSITIONS, LoadMachine, LoadState, TransitionError

S = LoadState


def machine_at(state: LoadState) -> LoadMachine:
    machine = LoadMachine()
    machine.state = state
    return machine


def test_a_web_page_connects_receives_and_is_done() -> None:
    machine = LoadMachine()
    assert machine.state is S.IDLE and machine.ok is None
    assert machine.fire("start") is S.CONNECTING and machine.state.loading
    assert machine.fire("head") is S.RECEIVING and machine.ok is None
    assert machine.fire("head") is S.RECEIVING  # a redirect's next hop
    assert machine.fire("finish") is S.DONE and machine.ok is True
    assert not machine.state.loading


def test_a_big_page_is_received_then_rendered() -> None:
    machine = machine_at(S.RECEIVING)
    assert machine.fire("received") is S.RENDERING
    assert machine.ok is True and not machine.state.loading  # Stop no longer applies
    assert machine.fire("rendered") is S.DONE


@pytest.mark.parametrize("transition,end", [("fail", S.FAILED), ("stop", S.STOPPED)])
@pytest.mark.parametrize("state", [S.CONNECTING, S.RECEIVING])
def test_a_running_load_fails_or_is_stopped(
    state: LoadState, transition: str, end: LoadState
) -> None:
    machine = machine_at(state)
    assert machine.fire(transition) is end and machine.ok is False


@pytest.mark.parametrize("state", list(LoadState))
def test_any_page_may_start_again_or_show_a_page_of_its_own(state: LoadState) -> None:
    assert machine_at(state).fire("start") is S.CONNECTING
    assert machine_at(state).fire("show") is S.DONE
    assert machine_at(state).fire("refuse") is S.FAILED


@pytest.mark.parametrize("transition", sorted(TRANSITIONS))
@pytest.mark.parametrize("state", list(LoadState))
def test_a_transition_from_a_state_it_does_not_leave_is_refused_and_changes_nothing(
    state: LoadState, transition: str
) -> None:
    sources, target = TRANSITIONS[transition]
    machine = machine_at(state)
    if state in sources:
        assert machine.fire(transition) is target
        return
    with pytest.raises(TransitionError, match=f"'{transition}'.*{state.value}"):
        machine.fire(transition)
    assert machine.state is state


def test_stop_and_fail_do_not_apply_once_the_body_is_in() -> None:
    for state in (S.RENDERING, S.DONE, S.IDLE):
        for transition in ("stop", "fail", "finish", "received"):
            with pytest.raises(TransitionError):
                machine_at(state).fire(transition)


def test_outside_the_tests_a_transition_that_does_not_apply_is_logged_and_ignored(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from ui.page import load_state

    assert load_state.STRICT  # tests/conftest.py: the suite raises
    monkeypatch.setattr(load_state, "STRICT", False)  # as in the app
    machine = machine_at(S.DONE)
    with caplog.at_level("WARNING", logger="yonder.page.load_state"):
        assert machine.fire("stop") is S.DONE
    assert machine.state is S.DONE
    assert "'stop' does not apply to a page that is done" in caplog.text
    assert caplog.records[0].name == "yonder.page.load_state"
