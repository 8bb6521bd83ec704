"""A kit printed onto a disk that fills up: one sentence (exit 2), the previous kit untouched, no
half-written temp file left; the kit itself is owner-only (it holds patients' allergies and drugs)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from tests.integration.small_disk import PAGE, free_disk, leave_free, small_disk

from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.kits.assemble import render_kit
from bascule.kits.content import gather, procedures_for_unit
from bascule.snapshot.store import ContinuityStore

pytestmark = pytest.mark.integration

UNIT = "urgences"


def test_a_full_disk_keeps_the_previous_kit(tmp_path: Path, small_store: Path, demo_map: HospitalMap) -> None:
    with ContinuityStore.open(small_store, readonly=True) as store:
        content = gather(store, UNIT, procedures_for_unit(demo_map, UNIT))
    with small_disk(tmp_path / "disk", 8 << 20) as disk:
        kit = render_kit(content, disk, "fr", "a4")
        assert stat.S_IMODE(kit.path.stat().st_mode) == 0o600
        previous = kit.path.read_bytes()
        for pages in (0, 1, kit.size // PAGE // 2):  # from no room to half of what the kit needs
            leave_free(disk, pages * PAGE)
            with pytest.raises(UserError) as raised:
                render_kit(content, disk, "en", "a4")
            free_disk(disk)
            assert "the disk is full" in str(raised.value) and raised.value.exit_code == 2
            assert kit.path.read_bytes() == previous
            assert sorted(p.name for p in disk.iterdir()) == [kit.path.name]


def test_printing_kits_first_removes_what_a_killed_run_left(
    tmp_path: Path, small_store: Path, demo_map: HospitalMap
) -> None:
    from bascule.kits.batch import print_kits

    out = tmp_path / "kits"
    out.mkdir()
    (out / ".tmp-0a1b2c3d4e5f-kit-urgences.pdf").write_bytes(b"%PDF half of a kit with patient names")
    print_kits(small_store, demo_map, [UNIT], out, "fr", workers=1)
    assert sorted(p.name for p in out.iterdir()) == ["kit-urgences.pdf"]
