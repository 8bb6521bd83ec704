"""Which procedure sheets a unit's kit carries, the typefaces, and small formatting rules."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from tests.peers import require_peer

from bascule.clinical.results import unit_text
from bascule.hospital.model import CareProcess, FallbackProcedure, Hospital, HospitalMap
from bascule.kits.content import procedures_for_unit
from bascule.kits.fonts import typefaces
from bascule.kits.patient_sheet import bed_text, display_name


def _map() -> HospitalMap:
    return HospitalMap(
        hospital=Hospital(id="h", name="H"),
        processes=(
            CareProcess(id="triage", name="Triage", priority=2, fallback="paper", units=("er",)),
            CareProcess(
                id="transfusion", name="Transfusion", priority=1, fallback="o-neg", units=("er", "icu")
            ),
            CareProcess(id="stroke", name="Stroke care", priority=1, units=("er",)),
            CareProcess(id="intake", name="Intake", priority=3, fallback="paper", units=("er",)),
            CareProcess(id="dialysis", name="Dialysis", priority=2, fallback="paper", units=("renal",)),
        ),
        procedures=(
            FallbackProcedure(id="paper", title="Paper triage", steps=("Write it down",)),
            FallbackProcedure(id="o-neg", title="O negative blood", steps=("Call the lab",)),
        ),
    )


@pytest.mark.parametrize(
    ("unit", "titles", "uncovered"),
    [
        ("er", ["O negative blood", "Paper triage"], ["Stroke care"]),  # by priority, each procedure once
        ("icu", ["O negative blood"], []),
        ("renal", ["Paper triage"], []),
        ("nowhere", [], []),
    ],
)
def test_procedures_for_a_unit(unit: str, titles: list[str], uncovered: list[str]) -> None:
    found = procedures_for_unit(_map(), unit)
    assert [sheet.procedure.title for sheet in found.sheets] == titles
    assert list(found.uncovered) == uncovered


def test_the_first_process_by_priority_names_a_shared_procedure() -> None:
    sheets = procedures_for_unit(_map(), "er").sheets
    assert [(s.process_name, s.priority) for s in sheets] == [("Transfusion", 1), ("Triage", 2)]


def test_dejavu_is_used_when_installed() -> None:
    faces = typefaces()
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    require_peer("DejaVu fonts", dejavu.is_file(), "apt install fonts-dejavu-core")
    assert (faces.regular, faces.bold, faces.symbols) == ("DejaVuSans", "DejaVuSans-Bold", True)
    assert faces.mark("▲", "H") == "▲"


def test_helvetica_with_a_warning_when_dejavu_is_absent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bascule.kits.fonts"):
        faces = typefaces(tmp_path)
    assert (faces.regular, faces.symbols) == ("Helvetica", False)
    assert faces.mark("▲", "H") == "H"
    assert "fonts-dejavu-core" in caplog.text


@pytest.mark.parametrize(
    ("unit", "shown"),
    [("10*9/L", "×10⁹/L"), ("umol/L", "µmol/L"), ("{INR}", ""), ("mmol/L", "mmol/L"), (None, "")],
)
def test_units_as_people_write_them(unit: str | None, shown: str) -> None:
    assert unit_text(unit) == shown


@pytest.mark.parametrize(
    ("room", "bed", "shown"),
    [("01", "01A", "01A"), ("12", "B", "12 / B"), (None, None, "—"), ("3", None, "3")],
)
def test_bed_labels(room: str | None, bed: str | None, shown: str) -> None:
    assert bed_text(room, bed) == shown


def test_names_put_the_family_name_first_in_capitals() -> None:
    assert display_name("Lemaître", "Alfred") == "LEMAÎTRE Alfred"
