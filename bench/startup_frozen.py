"""The standalone build in figures: build time, bundle and download size, and start-up of the
built app against `python main.py`, side by side, in the same run.

    .venv/bin/python bench/startup_frozen.py [--runs N] [--no-build] [--untrimmed]

Start-up is the wall time of `--screenshot FILE URL` of a small loopback page (offscreen):
process start, imports, window, one fetch, paint, exit. `--dump URL` (no Qt at all) is timed
too. Runs alternate between the two programs so machine noise hits both; medians are shown.
"""

from __future__ import annotations

import argparse
import http.server
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist" / "yonder"
BODY = b"Yonder start-up benchmark page.\n" * 64


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


def build_seconds(rebuild: bool) -> float:
    if rebuild:
        start = time.perf_counter()
        subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT, check=True)
        return time.perf_counter() - start
    return float((ROOT / "build" / "build-seconds.txt").read_text())


def untrimmed_build() -> tuple[float, int]:
    """(seconds, bytes on disk) of the same spec built with PyInstaller's own Qt hooks."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", f"{tmp}/dist",
             "--workpath", f"{tmp}/work", "packaging/yonder.spec"],
            cwd=ROOT, env={**os.environ, "YONDER_NO_TRIM": "1"}, check=True, capture_output=True,
        )  # fmt: skip
        return time.perf_counter() - start, disk_usage(Path(tmp) / "dist" / "yonder")


def disk_usage(path: Path) -> int:
    """Bytes on disk, like `du -s` (symlinks count as themselves)."""
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        total += os.lstat(dirpath).st_blocks * 512
        total += sum(os.lstat(os.path.join(dirpath, f)).st_blocks * 512 for f in files)
    return total


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:2])} exited {result.returncode}: {result.stderr!r}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per program (median shown)")
    parser.add_argument("--no-build", action="store_true", help="reuse dist/ and its timing")
    parser.add_argument(
        "--untrimmed", action="store_true", help="also build with PyInstaller's own Qt hooks"
    )
    args = parser.parse_args()

    build = build_seconds(not args.no_build)
    tarballs = sorted((ROOT / "dist").glob("yonder-*-linux-*.tar.gz"))
    if not (DIST / "yonder").is_file() or not tarballs:
        raise SystemExit("startup_frozen: no build in dist/; run `make dist` first")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/page.txt"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    programs = {"built app": [str(DIST / "yonder")], "python main.py": [sys.executable, "main.py"]}
    times: dict[tuple[str, str], list[float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            shot = str(Path(tmp) / "shot.png")
            modes = {"--screenshot": ["--screenshot", shot, url], "--dump": ["--dump", url]}
            skipped: dict[str, str] = {}
            for mode, extra in modes.items():  # warm the page cache once, untimed
                try:
                    for prog in programs.values():
                        timed(prog + extra, env)
                except RuntimeError as exc:
                    skipped[mode] = str(exc)[:300]
            if "--screenshot" in skipped:
                raise SystemExit(f"startup_frozen: {skipped['--screenshot']}")
            for _ in range(args.runs):
                for mode, extra in modes.items():
                    if mode in skipped:
                        continue
                    for name, prog in programs.items():
                        times.setdefault((mode, name), []).append(timed(prog + extra, env))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

    mib = 1024 * 1024
    print(f"build (packaging/build.sh): {build:.1f} s")
    print(f"bundle (du dist/yonder):    {disk_usage(DIST) / mib:.1f} MiB")
    print(f"download ({tarballs[-1].name}): {tarballs[-1].stat().st_size / mib:.1f} MiB")
    if args.untrimmed:
        seconds, size = untrimmed_build()
        print(f"untrimmed (PyInstaller's Qt hooks): {size / mib:.1f} MiB, built in {seconds:.1f} s")
    print(f"\nstart-up, median of {args.runs} (offscreen, loopback page):")
    print(f"{'run':<16}{'built app':>12}{'python main.py':>17}{'ratio':>9}")
    for mode, why in skipped.items():
        print(f"{mode:<16}not measured: {why}")
    for mode in modes:
        if mode in skipped:
            continue
        frozen = statistics.median(times[(mode, "built app")])
        python = statistics.median(times[(mode, "python main.py")])
        print(f"{mode:<16}{frozen:>10.3f} s{python:>15.3f} s{frozen / python:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
