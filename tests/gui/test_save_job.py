"""SaveJob (Save Page in the background) on its own: a real spilled body, real files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ui.downloads.save_file import SaveCancelled, SaveError
from ui.downloads.save_job import SaveJob
from ui.text.body_store import BodyStore, SpillLimits

BODY = os.urandom(300_000)


def spilled_store() -> BodyStore:
    store = BodyStore(view_cap=1000, limits=SpillLimits(reserve=0, reserve_fraction=0))
    store.begin("http://127.0.0.1/x")
    for i in range(0, len(BODY), 4096):
        store.append(BODY[i : i + 4096])
    store.finish(True)
    assert store.body.spilled > 0
    return store


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_save_that_cannot_open_its_file_releases_the_body_it_was_given(
    tmp_path: Path,
) -> None:
    store = spilled_store()
    before = open_descriptors()
    with pytest.raises(SaveError) as caught:
        SaveJob(str(tmp_path / "missing" / "page.bin"), store.iter_body(), store.kept_size)
    assert "The folder does not exist" in str(caught.value)
    # The spill file's duplicate descriptor went with it: leaving the page frees the disk.
    assert open_descriptors() == before
    store.close()


def test_a_save_writes_the_whole_spilled_body(tmp_path: Path) -> None:
    store = spilled_store()
    target = tmp_path / "page.bin"
    job = SaveJob(str(target), store.iter_body(), store.kept_size)
    store.close()  # the page is left while the save runs
    job.start()
    assert job.wait(60)
    assert job.error is None and job.written == len(BODY)
    assert target.read_bytes() == BODY


def test_a_cancelled_save_writes_nothing(tmp_path: Path) -> None:
    store = spilled_store()
    target = tmp_path / "page.bin"
    before = open_descriptors()
    job = SaveJob(str(target), store.iter_body(), store.kept_size)
    job.cancel()
    job.start()
    assert job.wait(60)
    assert isinstance(job.error, SaveCancelled)
    assert not target.exists() and os.listdir(tmp_path) == []
    assert open_descriptors() == before
    store.close()
