"""The one durable-write helper: every byte written despite short writes, mode, temp removed on
failure, one sentence on a full disk with the previous file untouched."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from bascule.durable import PRIVATE, SHARED, WriteFailed, durable_temp, sweep_leftovers, write_atomically


def test_short_writes_are_continued_until_every_byte_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls: list[int] = []

    def at_most_7_bytes(descriptor: int, data: bytes) -> int:
        calls.append(len(data))
        return real_write(descriptor, memoryview(data)[:7])

    monkeypatch.setattr(os, "write", at_most_7_bytes)
    target = tmp_path / "baseline.json"
    write_atomically(target, b"0123456789" * 10)
    assert target.read_bytes() == b"0123456789" * 10
    assert len(calls) == 15  # 100 bytes, 7 at a time


def test_patient_data_is_owner_only_by_default_and_shared_files_are_readable(tmp_path: Path) -> None:
    write_atomically(tmp_path / "calls.csv", b"patient,phone\n")
    write_atomically(tmp_path / "bundle.minisig", b"sig", SHARED)
    assert stat.S_IMODE((tmp_path / "calls.csv").stat().st_mode) == PRIVATE
    assert stat.S_IMODE((tmp_path / "bundle.minisig").stat().st_mode) == SHARED


def test_a_private_file_replacing_a_world_readable_one_becomes_private(tmp_path: Path) -> None:
    target = tmp_path / "kit.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_atomically(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == PRIVATE and target.read_bytes() == b"new"


def test_a_failing_block_leaves_no_temp_and_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "export.ndjson"
    target.write_bytes(b"previous\n")
    with pytest.raises(RuntimeError), durable_temp(target) as (stream, _temp):
        stream.write(b"half of a ")
        raise RuntimeError("the producer failed")
    assert target.read_bytes() == b"previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.ndjson"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "the disk is full"), (errno.EIO, "the disk reported an input/output error")],
)
def test_disk_full_is_one_sentence_and_the_previous_file_stays(
    tmp_path: Path, code: int, reason: str
) -> None:
    target = tmp_path / "calls.csv"
    target.write_bytes(b"previous\n")

    def full(_descriptor: int) -> None:
        raise OSError(code, os.strerror(code))

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fsync", full)  # a delayed-allocation file system reports ENOSPC at fsync
        with pytest.raises(WriteFailed) as raised:
            write_atomically(target, b"new content\n")
    assert str(raised.value) == f"Cannot write {target}: {reason}; the previous file is left as it was."
    assert raised.value.exit_code == 2 and "\n" not in str(raised.value)
    assert target.read_bytes() == b"previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calls.csv"]


def test_exclusive_refuses_an_existing_file_without_leaving_a_temp(tmp_path: Path) -> None:
    target = tmp_path / "station.age"
    target.write_bytes(b"key")
    with pytest.raises(WriteFailed, match="it already exists"):
        write_atomically(target, b"other", exclusive=True)
    assert target.read_bytes() == b"key" and [p.name for p in tmp_path.iterdir()] == ["station.age"]


def test_sweep_removes_only_temp_files(tmp_path: Path) -> None:
    (tmp_path / ".tmp-0a1b2c-store.sqlite").write_bytes(b"plaintext")
    (tmp_path / "store.sqlite").write_bytes(b"kept")
    sweep_leftovers(tmp_path)
    sweep_leftovers(tmp_path / "absent")
    assert [p.name for p in tmp_path.iterdir()] == ["store.sqlite"]


def test_new_stores_and_outboxes_are_owner_only_with_their_journals(tmp_path: Path) -> None:
    from bascule.notify.outbox import Outbox
    from bascule.snapshot.store import ContinuityStore

    with ContinuityStore.open(tmp_path / "store.sqlite"):
        created = [tmp_path / "store.sqlite", tmp_path / "store.sqlite-wal"]
        assert [stat.S_IMODE(p.stat().st_mode) for p in created] == [PRIVATE, PRIVATE]
    with Outbox.open(tmp_path / "outbox.sqlite") as box:
        assert box is not None
        assert stat.S_IMODE((tmp_path / "outbox.sqlite").stat().st_mode) == PRIVATE


def test_the_failure_crosses_a_process_pool_whole() -> None:
    import pickle

    from bascule.durable import write_failed

    failure = write_failed(Path("kit-urgences.pdf"), OSError(errno.ENOSPC, "No space left on device"))
    copy = pickle.loads(pickle.dumps(failure))
    assert isinstance(copy, WriteFailed) and str(copy) == str(failure) and copy.exit_code == 2
