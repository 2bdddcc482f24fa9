"""A page's load state: one explicit state machine instead of a set of flags.

Pure Python, no Qt: the Page fires the named transitions; anything else is a bug, and says
which transition was refused from which state. Under the tests (:data:`STRICT`, which
tests/conftest.py sets) the bug raises TransitionError; in the running app it is logged
(``yonder.page.load_state``: with --debug, on stderr and in the log file) and ignored, so
an unexpected event never throws into Qt's event loop.

    IDLE ──start──> CONNECTING ──head──> RECEIVING ──finish──> DONE
                         │                   │ └──received──> RENDERING ──rendered──> DONE
                         ├──────fail─────────┴──> FAILED
                         └──────stop─────────┴──> STOPPED
    any state ──show──> DONE (a page of Yonder's own, no network)
    any state ──refuse──> FAILED (an address that is never requested: invalid, unknown page)
    DONE, FAILED, STOPPED, IDLE ──start──> CONNECTING
"""

from __future__ import annotations

import logging
from enum import Enum

log = logging.getLogger("yonder.page.load_state")

#: Raise TransitionError on a transition that does not apply (True: the test suite sets it
#: in tests/conftest.py); False, as in the app: log it and leave the state as it is.
STRICT = False


class LoadState(Enum):
    IDLE = "idle"  # nothing loaded yet
    CONNECTING = "connecting"  # requested; no response head yet
    RECEIVING = "receiving"  # the body is arriving
    RENDERING = "rendering"  # the body is in; the view is still catching up
    DONE = "done"  # the page is whole on screen (any HTTP status)
    FAILED = "failed"  # an error page, or an error after a partial body
    STOPPED = "stopped"  # the user stopped it (or the page was left)

    @property
    def loading(self) -> bool:
        """A transfer is running (Stop applies)."""
        return self in (LoadState.CONNECTING, LoadState.RECEIVING)


_S = LoadState
_ANY = frozenset(LoadState)
_LOADING = frozenset({_S.CONNECTING, _S.RECEIVING})

#: transition name -> (the states it may fire from, the state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[LoadState], LoadState]] = {
    # A new load may replace a running one too (the Page stops that one first).
    "start": (_ANY, _S.CONNECTING),
    "head": (frozenset({_S.CONNECTING, _S.RECEIVING}), _S.RECEIVING),  # each hop's head
    "received": (frozenset({_S.RECEIVING, _S.CONNECTING}), _S.RENDERING),
    "finish": (frozenset({_S.RECEIVING, _S.CONNECTING}), _S.DONE),
    "rendered": (frozenset({_S.RENDERING}), _S.DONE),
    "fail": (_LOADING, _S.FAILED),
    "stop": (_LOADING, _S.STOPPED),
    "show": (_ANY, _S.DONE),
    "refuse": (_ANY, _S.FAILED),
}


class TransitionError(RuntimeError):
    """A transition fired from a state it does not leave (a bug in the caller)."""


class LoadMachine:
    """The current :class:`LoadState` and the transitions that move it."""

    def __init__(self) -> None:
        self.state = LoadState.IDLE

    def fire(self, transition: str) -> LoadState:
        """Take ``transition``; the new state. When it does not apply to the current state:
        TransitionError if :data:`STRICT`, else a logged warning and the state unchanged."""
        sources, target = TRANSITIONS[transition]
        if self.state not in sources:
            message = f"'{transition}' does not apply to a page that is {self.state.value}"
            if STRICT:
                raise TransitionError(message)
            log.warning("ignored a load-state transition: %s", message)
            return self.state
        self.state = target
        return target

    @property
    def ok(self) -> bool | None:
        """None until the transfer ends; then whether it ended with a page (RENDERING
        counts: the whole body is in, the view is catching up)."""
        if self.state in (LoadState.RENDERING, LoadState.DONE):
            return True
        if self.state in (LoadState.FAILED, LoadState.STOPPED):
            return False
        return None
