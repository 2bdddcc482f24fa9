"""Download one big body from a loopback server with `main.py --dump` and with curl, side by side.

    .venv/bin/python bench/dump_vs_curl.py [--size MiB] [--runs N] [--chunked]

A server process (this script with --serve) listens on 127.0.0.1 and answers GET /bytes/N with
N bytes sent from a pre-built 4 MiB buffer (socket.sendall of a memoryview: no per-request
allocation, so the server is not the bottleneck), with Content-Length or, with --chunked,
Transfer-Encoding: chunked. Each client then downloads the body into a file and into
/dev/null, N times in alternating order, at --size and at 256 MiB, so the peak memory columns
show whether memory depends on the body size. Wall time and peak RSS (VmHWM, see poll_peak_rss) are
measured per child process. The server stops itself at the end; temporary files are removed.

Target (issue 2): --dump into a file at least as fast as `curl -o` into a file, with peak
memory under 2x curl's and independent of the body size.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAIN = REPO / "main.py"
MIB = 1024 * 1024
BLOCK = 4 * MIB
SMALL_SIZE = 256 * MIB


# --------------------------------------------------------------------------- the server


def _read_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = conn.recv(65536)
        if not piece:
            return b""
        data += piece
    return data


def _serve_one(conn: socket.socket, block: memoryview, chunked: bool) -> None:
    with conn:
        request = _read_head(conn)
        if not request:
            return
        target = request.split(b" ", 2)[1].decode("latin-1")
        try:
            size = int(target.rsplit("/", 1)[1])
        except (IndexError, ValueError):
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n{framing}\r\n"
            "Connection: close\r\n\r\n"
        )
        conn.sendall(head.encode())
        full_frame = memoryview(f"{len(block):x}\r\n".encode() + block.tobytes() + b"\r\n")
        left = size
        try:
            while left > 0:
                n = min(left, len(block))
                if not chunked:
                    conn.sendall(block[:n])
                elif n == len(block):
                    conn.sendall(full_frame)  # one pre-built frame: no copy per chunk
                else:
                    conn.sendall(f"{n:x}\r\n".encode() + block[:n].tobytes() + b"\r\n")
                left -= n
            if chunked:
                conn.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the client gave up; nothing to clean


def serve(chunked: bool) -> None:
    """Run the server until SIGTERM/stdin closes; print the port on stdout first."""
    pattern = bytes(range(256)) * (BLOCK // 256)
    block = memoryview(pattern)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    print(listener.getsockname()[1], flush=True)

    def stop_when_parent_leaves() -> None:
        # EOF on stdin when the parent exits, even if it is killed. Read and drop small
        # pieces: stdin might be anything, and must not pile up in memory.
        while os.read(0, 4096):
            pass
        os._exit(0)

    threading.Thread(target=stop_when_parent_leaves, daemon=True).start()
    while True:
        conn, _ = listener.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 * MIB)
        threading.Thread(target=_serve_one, args=(conn, block, chunked), daemon=True).start()


# --------------------------------------------------------------------------- measuring clients


@dataclass(frozen=True)
class Sample:
    client: str
    dest: str  # "file" or "/dev/null"
    size: int
    seconds: float
    peak_rss: int  # bytes


def poll_peak_rss(proc: subprocess.Popen[bytes]) -> int:
    """Poll the child's VmHWM (bytes) until it exits; the child is reaped on return.

    Not wait4's ru_maxrss: Linux keeps the pre-exec address space's high-water mark across
    exec, so a child forked by a 40 MiB Python reports at least 40 MiB even for /bin/true.
    VmHWM belongs to the exec'd image alone. Only growth in the last few ms could be missed,
    and a streaming download reaches its plateau long before it ends.
    """
    status = Path(f"/proc/{proc.pid}/status")
    peak = 0
    while proc.poll() is None:
        try:
            text = status.read_text()
        except (FileNotFoundError, ProcessLookupError):
            break
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) * 1024)
        time.sleep(0.005)
    proc.wait()
    return peak


def run_measured(argv: list[str], stdout_path: str | None) -> tuple[float, int]:
    """Run argv (stdout to stdout_path if given); return wall seconds and the peak RSS bytes."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
        peak = poll_peak_rss(proc)
        seconds = time.perf_counter() - start
        assert proc.stderr is not None
        err = proc.stderr.read().decode(errors="replace").strip()
        proc.stderr.close()
    finally:
        if stdout_path and not isinstance(out, int):
            out.close()
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed with exit {proc.returncode}: {err}")
    return seconds, peak


def measure(client: str, dest: str, url: str, size: int, workdir: Path) -> Sample:
    target = workdir / f"{client}.out"
    if client == "dump":
        argv = [sys.executable, str(MAIN), "--dump", url]
        stdout_path = str(target) if dest == "file" else None
    else:
        curl_out = str(target) if dest == "file" else os.devnull
        argv = ["curl", "-s", "-S", "-f", "-o", curl_out, url]
        stdout_path = None
    seconds, peak = run_measured(argv, stdout_path)
    if dest == "file":
        got = target.stat().st_size
        target.unlink()
        if got != size:
            raise SystemExit(f"{client} wrote {got} bytes instead of {size}")
    return Sample(client, dest, size, seconds, peak)


def table(samples: list[Sample]) -> str:
    rows = [
        "| body | dest | client | MB/s (median) | time vs curl | peak RSS MiB | runs |",
        "|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(s.size, s.dest) for s in samples}, key=lambda k: (-k[0], k[1] != "file"))
    for size, dest in keys:
        group = [s for s in samples if (s.size, s.dest) == (size, dest)]
        median = {
            c: statistics.median(s.seconds for s in group if s.client == c)
            for c in ("curl", "dump")
        }
        for client in ("curl", "dump"):
            mine = [s for s in group if s.client == client]
            rate = size / median[client] / 1e6
            ratio = median[client] / median["curl"]
            peak = max(s.peak_rss for s in mine) / MIB
            label = "curl -o" if client == "curl" else "main.py --dump >"
            rows.append(
                f"| {size // MIB} MiB | {dest} | {label} | {rate:,.0f} | {ratio:.2f} | "
                f"{peak:.1f} | {len(mine)} |"
            )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1024, help="body size in MiB (default 1024)")
    parser.add_argument("--runs", type=int, default=3, help="downloads per client and case")
    parser.add_argument("--chunked", action="store_true", help="Transfer-Encoding: chunked")
    parser.add_argument("--no-small", action="store_true", help="skip the 256 MiB comparison")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.chunked)
        return 0
    if shutil.which("curl") is None:
        parser.error("curl is not installed (apt-get install curl)")

    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", *(["--chunked"] if args.chunked else [])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    samples: list[Sample] = []
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        sizes = [args.size * MIB]
        if not args.no_small and args.size * MIB != SMALL_SIZE:
            sizes.append(SMALL_SIZE)
        with tempfile.TemporaryDirectory(prefix="yonder-bench-") as tmp:
            for size in sizes:
                url = f"http://127.0.0.1:{port}/bytes/{size}"
                for dest in ("file", "/dev/null"):
                    for run in range(args.runs):
                        # Alternate who goes first: page cache and CPU boost favour neither.
                        order = ("dump", "curl") if run % 2 == 0 else ("curl", "dump")
                        for client in order:
                            sample = measure(client, dest, url, size, Path(tmp))
                            samples.append(sample)
                            print(
                                f"  {client:4} {dest:9} {size // MIB:5} MiB "
                                f"{sample.seconds:6.2f} s {sample.peak_rss / MIB:6.1f} MiB",
                                file=sys.stderr,
                            )
    finally:
        if server.stdin is not None:
            with contextlib.suppress(OSError):
                server.stdin.close()
        with contextlib.suppress(ProcessLookupError):
            server.send_signal(signal.SIGTERM)
        server.wait(10)
        if server.stdout is not None:
            server.stdout.close()
    framing = "chunked" if args.chunked else "Content-Length"
    print(f"\nloopback HTTP/1.1, {framing}, {args.runs} runs each, python {sys.version.split()[0]}")
    print(table(samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
