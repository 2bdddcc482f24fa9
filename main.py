"""Yonder's entry point: `--dump` runs the HTTP client alone (no Qt); otherwise the window."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--dump" in args:
        from net.dump import main as dump_main

        return dump_main([a for a in args if a != "--dump"])
    from ui.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
