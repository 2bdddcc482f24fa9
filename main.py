"""Yonder's entry point: `--dump` runs the HTTP client alone (no Qt); otherwise the window.

Run as `python main.py` from the checkout, as the `yonder` command or `python -m
yonder_browser` once installed (where this file is yonder_browser/main.py beside net/, ui/
and resources/), or frozen by PyInstaller.
"""

from __future__ import annotations

import os
import sys

# Yonder's modules import each other as top-level `net` and `ui`. Installed, they live inside
# the private yonder_browser/ package: its directory goes first on sys.path, so they are found
# there and never replaced by another distribution's top-level `ui`, `net` or `main`.
_APP_DIR = os.path.dirname(os.path.abspath(__file__))
if not sys.path or os.path.abspath(sys.path[0] or os.curdir) != _APP_DIR:
    sys.path.insert(0, _APP_DIR)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--render-worker"]:
        # The window's renderer process (ui/page/render_process.py): no Qt, no window.
        import ui.text.render
        from ui.text.render.remote import main as render_main

        return render_main()
    if "--version" in args and "--dump" not in args:
        # Answered here, before Qt is imported: it needs no display and must be instant.
        import ui.text.render  # noqa: F401 - chooses the compiled or the pure renderer
        from net.version import version
        from ui.text.render.native import describe

        print(f"Yonder {version()}\nrenderer: {describe()}")
        return 0
    if "--dump" in args:
        from net.dump import main as dump_main

        return dump_main([a for a in args if a != "--dump"])
    from ui.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
