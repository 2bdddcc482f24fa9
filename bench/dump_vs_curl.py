"""Download one big body from a loopback server with `main.py --dump` and with curl, side by side.

    .venv/bin/python bench/dump_vs_curl.py [--size MiB] [--runs N] [--chunked]

A server process (this script with --serve) listens on 127.0.0.1 and answers GET /bytes/N with
N bytes sent from a pre-built 4 MiB buffer (socket.sendall of a memoryview: no per-request
allocation, so the server is not the bottleneck), with Content-Length or, with --chunked,
Transfer-Encoding: chunked. Each client then downloads the body into a file and into
/dev/null, in --runs interleaved rounds, at --size and at 256 MiB, so the peak memory columns
show whether memory depends on the body size. Per child: wall time, CPU time (rusage) and peak
RSS (VmHWM, see poll_peak_rss). The table gives medians, the min-max spread, and dump's time
over curl's paired round by round. The server stops itself at the end; files are removed.

Target (issue 2): --dump into a file at least as fast as `curl -o` into a file, with peak
memory under 2x curl's and independent of the body size.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
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
    client: str  # "curl" or "dump"
    dest: str  # "file" or "/dev/null"
    size: int
    run: int  # the round it belongs to: curl and dump of one round ran back to back
    seconds: float  # wall time, process start to exit
    cpu: float  # user + system CPU seconds of the child
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


def _children_cpu() -> float:
    """CPU seconds of every reaped child so far (ru_utime/ru_stime are exact, unlike maxrss)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(argv: list[str], stdout_path: str | None) -> tuple[float, float, int]:
    """Run argv (stdout to stdout_path if given); return wall seconds, CPU seconds, peak RSS.

    Only this child is reaped in between (the server is reaped at the very end), so the
    RUSAGE_CHILDREN difference is this child's CPU time.
    """
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        cpu_before = _children_cpu()
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
        peak = poll_peak_rss(proc)
        seconds = time.perf_counter() - start
        cpu = _children_cpu() - cpu_before
        assert proc.stderr is not None
        err = proc.stderr.read().decode(errors="replace").strip()
        proc.stderr.close()
    finally:
        if stdout_path and not isinstance(out, int):
            out.close()
    if proc.returncode != 0:
        raise SystemExit(f"{argv[0]} failed with exit {proc.returncode}: {err}")
    return seconds, cpu, peak


def measure(client: str, dest: str, url: str, size: int, run: int, workdir: Path) -> Sample:
    """One download. Both clients write the same path on the same file system; no fsync (curl
    -o does none), and the file is deleted right after, before its pages are written back, so
    no run pays for the disk writes of an earlier one (see prepare_page_cache)."""
    target = workdir / "body.out"
    if client == "dump":
        argv = [sys.executable, str(MAIN), "--dump", url]
        stdout_path = str(target) if dest == "file" else None
    else:
        curl_out = str(target) if dest == "file" else os.devnull
        argv = ["curl", "-s", "-S", "-f", "-o", curl_out, url]
        stdout_path = None
    seconds, cpu, peak = run_measured(argv, stdout_path)
    if dest == "file":
        got = target.stat().st_size
        target.unlink()
        if got != size:
            raise SystemExit(f"{client} wrote {got} bytes instead of {size}")
    return Sample(client, dest, size, run, seconds, cpu, peak)


def prepare_page_cache() -> None:
    """Start every run from the same state: nothing dirty waiting to be written back.

    Untimed. Without it, a run could be slowed by writeback that another process (or a
    file of ours not yet deleted) started; with 24 GB of RAM a 1 GiB file stays far below
    the dirty thresholds, so inside a run the writes only fill the page cache, for both
    clients alike.
    """
    os.sync()


def _spread(values: list[float]) -> str:
    return f"{min(values):,.0f}-{max(values):,.0f}"


def table(samples: list[Sample]) -> str:
    """Medians per (size, dest, client), the min-max spread, and the ratio of paired runs.

    "time vs curl" is the median over rounds of dump's time / curl's time in the same round
    (the two ran back to back), which cancels slow drifts of the machine's load better than
    a ratio of two medians; its min-max is shown too.
    """
    rows = [
        "| body | dest | client | MB/s median | MB/s min-max | time vs curl (min-max) "
        "| CPU s median | peak RSS MiB | runs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    keys = sorted({(s.size, s.dest) for s in samples}, key=lambda k: (-k[0], k[1] != "file"))
    for size, dest in keys:
        group = [s for s in samples if (s.size, s.dest) == (size, dest)]
        by_run = {(s.client, s.run): s for s in group}
        ratios = [
            by_run[("dump", r)].seconds / by_run[("curl", r)].seconds
            for r in sorted({s.run for s in group})
            if ("dump", r) in by_run and ("curl", r) in by_run
        ]
        for client in ("curl", "dump"):
            mine = [s for s in group if s.client == client]
            rates = [size / s.seconds / 1e6 for s in mine]
            if client == "curl":
                ratio = "1.00"
            else:
                ratio = f"**{statistics.median(ratios):.2f}** ({min(ratios):.2f}-{max(ratios):.2f})"
            cpu = statistics.median(s.cpu for s in mine)
            peak = max(s.peak_rss for s in mine) / MIB
            label = "curl -o" if client == "curl" else "main.py --dump >"
            rows.append(
                f"| {size // MIB} MiB | {dest} | {label} | {statistics.median(rates):,.0f} | "
                f"{_spread(rates)} | {ratio} | {cpu:.2f} | {peak:.1f} | {len(mine)} |"
            )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1024, help="body size in MiB (default 1024)")
    parser.add_argument("--runs", type=int, default=7, help="rounds per size (default 7)")
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
    load_before = os.getloadavg()
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        sizes = [args.size * MIB]
        if not args.no_small and args.size * MIB != SMALL_SIZE:
            sizes.append(SMALL_SIZE)
        with tempfile.TemporaryDirectory(prefix="yonder-bench-") as tmp:
            for size in sizes:
                url = f"http://127.0.0.1:{port}/bytes/{size}"
                # Rounds outermost, so a noisy minute of the shared machine hits every cell
                # alike; within a round, who goes first alternates.
                for run in range(args.runs):
                    order = ("dump", "curl") if run % 2 == 0 else ("curl", "dump")
                    for dest in ("file", "/dev/null"):
                        for client in order:
                            prepare_page_cache()
                            sample = measure(client, dest, url, size, run, Path(tmp))
                            samples.append(sample)
                            print(
                                f"  {client:4} {dest:9} {size // MIB:5} MiB "
                                f"{sample.seconds:6.2f} s  cpu {sample.cpu:5.2f} s  "
                                f"{sample.peak_rss / MIB:5.1f} MiB",
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
    load_after = os.getloadavg()
    framing = "chunked" if args.chunked else "Content-Length"
    print(
        f"\nloopback HTTP/1.1, {framing}, {args.runs} rounds, python {sys.version.split()[0]}, "
        f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print(table(samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
