"""net.warm_up: the client loaded ahead of the first fetch, in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import json, sys, threading
sys.path.insert(0, sys.argv[1])
import net.warm_up
thread = net.warm_up.start()
thread.join(60)
import net.tls
from net.tls import TrustStoreError, cached_trusted_context
cached = net.tls._cached.cache_info().currsize  # before this child asks for it itself
try:
    cached_trusted_context()
    context = "built"
except TrustStoreError as exc:
    context = "raised: " + str(exc)
print(json.dumps({
    "alive": thread.is_alive(),
    "name": thread.name,
    "daemon": thread.daemon,
    "loaded": [m for m in ("h11", "net.client", "net.tls", "encodings.idna") if m in sys.modules],
    "cached": cached,
    "context": context,
}))
"""


def run_child(**env: str) -> dict[str, object]:
    trust = ("SSL_CERT_FILE", "SSL_CERT_DIR")
    environment = {k: v for k, v in os.environ.items() if k not in trust}
    environment.update(env)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_the_warm_up_thread_loads_the_client_and_the_tls_context_then_ends() -> None:
    result = run_child()
    assert result["alive"] is False
    assert (result["name"], result["daemon"]) == ("yonder-warm-up", True)
    assert result["loaded"] == ["h11", "net.client", "net.tls", "encodings.idna"]
    assert result["cached"] == 1  # the first https fetch takes this context
    assert result["context"] == "built"


def test_a_trust_store_that_cannot_load_is_left_to_the_first_https_fetch_to_report(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no-such-bundle.pem"
    result = run_child(SSL_CERT_FILE=str(missing))
    assert result["alive"] is False
    assert result["loaded"] == ["h11", "net.client", "net.tls", "encodings.idna"]
    assert result["cached"] == 0  # nothing cached: the fetch raises it again, with its message
    context = str(result["context"])
    assert context.startswith("raised: ") and str(missing) in context


def test_two_threads_asking_for_the_tls_context_at_once_build_it_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The warm-up and a first https fetch (or two tabs' first fetches) at the same time:
    # lru_cache alone let each build its own store (two "TLS trust store" lines, twice the
    # work); the second now waits for the first one's.
    import net.tls

    builds: list[str] = []
    release = threading.Event()

    def held_build(cafile: str | None = None) -> tuple[object, object]:
        builds.append(threading.current_thread().name)
        assert release.wait(30)  # (built once the test has seen the second one ask)
        return object(), object()

    def where(thread: threading.Thread) -> list[str]:
        """The functions ``thread`` is in now, innermost first."""
        frame = sys._current_frames().get(thread.ident or 0)
        names = []
        while frame is not None:
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        return names

    monkeypatch.setattr(net.tls, "create_trusted_context", held_build)
    net.tls._cached.cache_clear()
    try:
        got: dict[str, object] = {}

        def ask() -> None:
            got[threading.current_thread().name] = net.tls.cached_trusted_context()

        first = threading.Thread(target=ask, name="first")
        first.start()
        deadline = time.monotonic() + 30
        while "held_build" not in where(first):  # the first one builds...
            assert time.monotonic() < deadline and first.is_alive()
            time.sleep(0.001)
        second = threading.Thread(target=ask, name="second")
        second.start()
        # ...and the second one asks meanwhile: it waits at the lock (or, with none, builds
        # a context of its own); either way it is there before the first one is let go.
        while not (
            where(second)[:1] == ["cached_trusted_context"] or "held_build" in where(second)
        ):
            assert time.monotonic() < deadline and second.is_alive()
            time.sleep(0.001)
        release.set()
        first.join(30)
        second.join(30)
        assert builds == ["first"]
        assert got["second"] is got["first"]
    finally:
        net.tls._cached.cache_clear()
