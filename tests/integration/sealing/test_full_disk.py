"""A disk that fills up at every possible moment of a seal, an export or a call list: each write
either lands whole or fails in one sentence (exit 2), and the previous bundle stays current and
valid (checked with the real `minisign`), the previous export or list untouched, no temp file left."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.integration.small_disk import PAGE, free_disk, leave_free, small_disk
from tests.unit.sealing.sealing_stores import make_store, set_data_time

from bascule.errors import UserError
from bascule.notify.call_list import CallEntry, write_csv
from bascule.snapshot.folder import SealingFolder
from bascule.snapshot.keys import KeySet, load_signing_key, parse_recipients
from bascule.snapshot.sealing import SealRequest, seal
from bascule.sources.bulk import write_ndjson

pytestmark = pytest.mark.integration

needs_minisign = pytest.mark.peer("minisign", shutil.which("minisign") is not None, "apt install minisign")


def minisign_accepts(archive: Path, keys: KeySet) -> bool:
    checked = subprocess.run(
        ["minisign", "-Vm", str(archive), "-p", str(keys.public_key)], capture_output=True, check=False
    )
    return checked.returncode == 0


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.rglob(".tmp-*")]


@needs_minisign
def test_a_disk_filling_up_at_any_write_of_a_seal_never_harms_the_current_bundle(
    tmp_path: Path, station_keys: KeySet
) -> None:
    store = make_store(tmp_path / "store.sqlite", patients=40, observations=120)
    request = SealRequest(
        store,
        tuple(parse_recipients([str(station_keys.recipient)])),
        load_signing_key(station_keys.signing_key),
        tmp_path / "disk" / "bundles",
    )
    with small_disk(tmp_path / "disk", 4 << 20) as disk:
        first = seal(request)
        folder = SealingFolder(request.out)
        failures = 0
        for pages in range(0, 200):  # from no room at all to enough for a whole new bundle
            set_data_time(store, f"2026-11-24T{1 + pages // 60:02d}:{pages % 60:02d}:00Z")
            before = folder.current()
            leave_free(disk, pages * PAGE)
            try:
                outcome = seal(request)
            except UserError as error:
                failures += 1
                assert error.exit_code == 2 and "\n" not in str(error), str(error)
                assert folder.current() == before, f"{pages} pages free: the current bundle changed"
            else:
                assert folder.current() == outcome.name
                break
            finally:
                free_disk(disk)
            current = folder.current()
            assert current is not None and minisign_accepts(folder.path / current.archive, station_keys)
            assert no_temp_files(disk), f"{pages} pages free: a temp file was left"
        else:
            pytest.fail("no seal succeeded even with 200 free pages")
        current = folder.current()
        assert current is not None and minisign_accepts(folder.path / current.archive, station_keys)
    assert failures > 3, "the disk never filled: the test did not test anything"
    assert first.name.sequence == 1


def test_a_full_disk_leaves_the_previous_export_and_call_list_untouched(tmp_path: Path) -> None:
    patients = [
        {"resourceType": "Patient", "id": f"p{n}", "name": [{"family": "X" * 200}]} for n in range(400)
    ]
    entries = [
        CallEntry(
            f"p{n}", f"a{n}", "Name", "+33600000000", "2026-11-24T08:00", "u", "postpone", "pending", ""
        )
        for n in range(400)
    ]
    with small_disk(tmp_path / "disk", 1 << 20) as disk:
        write_ndjson({"Patient": patients[:10]}, disk / "export")
        write_csv(disk / "calls.csv", entries[:10], "en")
        previous = {p: p.read_bytes() for p in (disk / "export" / "Patient.ndjson", disk / "calls.csv")}
        leave_free(disk, 2 * PAGE)  # the new files need ~90 KB and ~28 KB
        with pytest.raises(UserError) as raised:
            write_ndjson({"Patient": patients}, disk / "export")
        assert "the disk is full" in str(raised.value) and raised.value.exit_code == 2
        with pytest.raises(UserError, match="the disk is full"):
            write_csv(disk / "calls.csv", entries, "en")
        free_disk(disk)
        assert {p: p.read_bytes() for p in previous} == previous
        assert no_temp_files(disk)
