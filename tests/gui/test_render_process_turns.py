"""Reading the renderer process's answers is one of the GUI thread's big pieces of work
(ui/page/turns.py): it waits for a turn of its own, is bounded in time, and loses nothing.
A real `main.py --render-worker` process; its answers are read by the real event loop."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from pytestqt.qtbot import QtBot

from ui.page import render_process, turns
from ui.page.render_process import RemoteStream, RenderProcess
from ui.page.turns import TURN_GAP_S, TurnGuard
from ui.text.render.remote import Output

BASE = "http://127.0.0.1/doc/"
PAGE = "".join(
    f"<h2 id='s{n}'>Section {n}</h2><p>Text of <a href='#s{n}'>{n}</a>.</p>" for n in range(400)
)


@pytest.fixture
def process() -> Iterator[RenderProcess]:
    proc = RenderProcess(render_process.worker_command())
    yield proc
    proc.stop()


def answers_of(qtbot: QtBot, stream: RemoteStream) -> list[tuple[bool, Output]]:
    """Every answer of ``stream``, taken as they come, until its last."""
    taken: list[tuple[bool, Output]] = []

    def closed() -> bool:
        while (answer := stream.take()) is not None:
            taken.append(answer)
        return bool(taken) and taken[-1][0]

    qtbot.waitUntil(closed, timeout=60000)
    return taken


def text_of(answers: list[tuple[bool, Output]]) -> str:
    return "".join(output[0][0] for _, output in answers)


def test_answers_that_come_just_after_another_piece_wait_for_a_turn_of_their_own(
    qtbot: QtBot, process: RenderProcess
) -> None:
    ready_after: list[float] = []  # how long after the other piece each answer was read
    stream = process.open_stream(BASE, 80, lambda: ready_after.append(time.perf_counter() - ended))
    for n in range(5):
        stream.feed(f"<p>hello {n}</p>")
        # The answer is in the pipe (the event loop has not run): another piece ends now.
        assert select.select([process._read_fd], [], [], 30)[0]
        TurnGuard.done()
        ended = TurnGuard.last_end
        # (turns of the event loop by hand: qtbot's wait would add a turn of its own first)
        give_up = time.monotonic() + 30
        while len(ready_after) <= n:
            assert time.monotonic() < give_up, "no answer in 30 s"
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    assert min(ready_after) >= TURN_GAP_S
    stream.close()
    assert "hello 4" in text_of(answers_of(qtbot, stream))


def test_answers_still_come_while_other_pieces_end_every_turn(
    qtbot: QtBot, process: RenderProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A neighbour that works in every turn (another tab streaming) must not starve the read:
    # it waits a few turns for one of its own at most, then reads anyway. (Every turn counts
    # as just after the neighbour's piece, however slowly a busy machine turns.)
    monkeypatch.setattr(turns, "TURN_GAP_S", 3600.0)
    waits = deferrals(process)
    hog = QTimer()
    hog.timeout.connect(TurnGuard.done)
    hog.start(0)
    try:
        stream = process.open_stream(BASE, 80, lambda: None)
        stream.feed("<p>still here</p>")
        stream.close()
        assert "still here" in text_of(answers_of(qtbot, stream))
    finally:
        hog.stop()
    assert 0 < waits[0] <= 2 * render_process.READ_DEFERRALS  # two answers, each waited


def deferrals(process: RenderProcess) -> list[int]:
    """A counter of the reads ``process`` put off, from now on."""
    count = [0]
    process._resume.timeout.connect(lambda: count.__setitem__(0, count[0] + 1))
    return count


@pytest.mark.parametrize("chunk", [7, 4096])
def test_answers_read_in_pieces_over_many_turns_are_whole_and_in_order(
    qtbot: QtBot, process: RenderProcess, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # One read() a turn (no time left after it), of `chunk` bytes: a frame arrives in many
    # pieces over many turns, and every answer is the same as one read of everything. Nothing
    # else works meanwhile, so no read waits.
    pieces = [PAGE[i : i + 5000] for i in range(0, len(PAGE), 5000)]

    def rendered() -> list[tuple[bool, Output]]:
        stream = process.open_stream(BASE, 80, lambda: None)
        for piece in pieces:
            stream.feed(piece)
        stream.close()
        return answers_of(qtbot, stream)

    whole = rendered()
    monkeypatch.setattr(render_process, "READ_CHUNK", chunk)
    monkeypatch.setattr(render_process, "READ_BUDGET_S", 0.0)
    monkeypatch.setattr(render_process, "READ_PIECE_S", 0.0)  # each read counts as a piece
    turns = count_reads(monkeypatch)
    waits = deferrals(process)
    assert rendered() == whole
    assert waits[0] == 0  # a read cut short is not put off by its own end
    assert len(whole) == len(pieces) + 1 and whole[-1][0]
    assert "Section 399" in text_of(whole)
    assert turns[0] > len(whole)  # more reads than answers: frames came in pieces


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A counter of RenderProcess._read calls (one a turn), from now on."""
    calls = [0]
    read = RenderProcess._read

    def counted(self: RenderProcess, deadline: float) -> None:
        calls[0] += 1
        read(self, deadline)

    monkeypatch.setattr(RenderProcess, "_read", counted)
    return calls
