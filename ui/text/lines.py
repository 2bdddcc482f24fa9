"""Text on its way into a view, line by line: newlines normalised and over-long lines broken
for display. Pure Python, no Qt: the document view, the page renderer, the decode comparison
and the HTML renderer's writer share it."""

from __future__ import annotations

#: Longer lines are broken for display: QPlainTextEdit lays a block out as one unit.
MAX_LINE_CHARS = 4096


class NewlineNormaliser:
    """CRLF and lone CR become LF, even when the CR and LF arrive in different chunks."""

    def __init__(self) -> None:
        self._cr = False

    def feed(self, text: str, final: bool = False) -> str:
        if self._cr:
            text = "\r" + text
            self._cr = False
        if not final and text.endswith("\r"):
            self._cr = True
            text = text[:-1]
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text


class LineBreaker:
    """Breaks lines longer than MAX_LINE_CHARS into several (display only).

    QPlainTextEdit lays a block out as one unit, and appending to a very long block redoes
    it: one 64K-character line costs ~0.24 s, 384K ~19 s (measured here). Minified JSON or
    HTML is one such line, so the view breaks it; the bytes themselves are untouched.
    """

    def __init__(self, limit: int = 0) -> None:
        self._limit = limit or MAX_LINE_CHARS
        self._run = 0  # characters since the last line break

    def feed(self, text: str) -> str:
        # str.split + max(map(len)) runs at C speed (~2 ms per MB); a regex for a long run of
        # non-newlines would retry at every position.
        lines = text.split("\n")
        if self._run + len(lines[0]) <= self._limit and max(map(len, lines)) <= self._limit:
            self._run = self._run + len(lines[0]) if len(lines) == 1 else len(lines[-1])
            return text  # the common case: no long line
        out: list[str] = []
        for i, line in enumerate(lines):
            if i:
                out.append("\n")
                self._run = 0
            while self._run + len(line) > self._limit:
                take = self._limit - self._run
                out += [line[:take], "\n"]
                line = line[take:]
                self._run = 0
            out.append(line)
            self._run += len(line)
        return "".join(out)
