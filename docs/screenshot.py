"""Take docs/rendered.png: serve docs/article.html from 127.0.0.1 and capture the window.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshot.py [OUT.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.integration.servers import LoopbackServer, http_response, respond  # noqa: E402
from ui.app import main  # noqa: E402

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else str(HERE / "rendered.png")
    page = (HERE / "article.html").read_bytes()
    raw = http_response(200, page, [("Content-Type", "text/html; charset=utf-8")])
    with LoopbackServer(respond(raw)) as server:
        code = main(["--screenshot", out, server.url("/2026/how-a-page-travels.html")])
    sys.exit(code)
