"""`bascule blood` as the blood bank runs it: receive, issue, emergency, return, expire, alert,
stock; every refusal exits 2 with one sentence and leaves the store as it was."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.blood_bank import blood_rows, empty_store

from bascule.cli import main

SOON = (datetime.now(UTC) + timedelta(days=10)).isoformat(timespec="minutes")


def run(args: list[str | Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in args], environ={"USER": "amina"})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = empty_store(tmp_path)
    delivery = tmp_path / "delivery.csv"
    delivery.write_text(
        "donation,component,group,expires\n"
        + "".join(f"FR123 26 00000{n},red_cells,{g},{SOON}\n" for n, g in ((1, "O-"), (2, "O-"), (3, "O+")))
    )
    assert run(["blood", "receive", "--store", path, "--delivery", delivery], capsys)[0] == 0
    return path


def stock(store: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    code, out, err = run(["blood", "stock", "--store", store, "--json"], capsys)
    assert code == 0, err
    return {f"{line['component']} {line['group']}": line for line in json.loads(out)["lines"]}


def test_units_go_in_and_out_of_stock(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stock(store, capsys)["red_cells O-"]["units"] == 2
    code, out, _ = run(
        ["blood", "emergency", "--store", store, "--downtime-number", "TIL-URG1-00042-T"], capsys
    )
    assert code == 2  # a miscopied downtime number is refused
    code, out, err = run(
        ["blood", "emergency", "--store", store, "--mrn", "880001", "--sex", "M", "--age", "40"], capsys
    )
    assert code == 0, err
    assert "FR123 26 000003 (O+)" in out
    code, out, _ = run(
        ["blood", "issue", "--store", store, "--unit", "FR12326000001", "--mrn", "880002"], capsys
    )
    assert code == 0 and "FR123 26 000001" in out
    assert run(["blood", "return", "--store", store, "--unit", "FR123 26 000001"], capsys)[0] == 0
    assert run(["blood", "alert", "--store", store, "--level", "red", "--note", "EFS"], capsys)[0] == 0
    code, out, _ = run(["blood", "stock", "--store", store, "--lang", "fr"], capsys)
    assert code == 0 and "Globules rouges O- : 2 unité(s)" in out and "rouge" in out
    assert stock(store, capsys)["red_cells O+"]["units"] == 0
    assert run(["blood", "expire", "--store", store], capsys)[0] == 0


REFUSED = {
    "unknown unit": (["issue", "--unit", "FR123 26 000009", "--mrn", "1"], "never received"),
    "issued twice": (["issue", "--unit", "FR123 26 000003", "--mrn", "1"], "not in stock"),
    "no recipient": (["issue", "--unit", "FR123 26 000001"], "exactly one"),
    # A unit traced to a miscopied MRN breaks the legal chain: refused, the MRN not repeated.
    "unknown MRN": (["issue", "--unit", "FR123 26 000001", "--mrn", "880009"], "not a patient"),
    "unknown MRN in an emergency": (
        ["emergency", "--mrn", "880009", "--sex", "M", "--age", "70"],
        "not a patient",
    ),
    "bad number": (
        ["receive", "--unit", "FR12", "--component", "plasma", "--group", "O-", "--expires", SOON],
        "donation",
    ),
    "partial group": (
        [
            "receive",
            "--unit",
            "FR123 26 000009",
            "--component",
            "red_cells",
            "--group",
            "O",
            "--expires",
            SOON,
        ],
        "ABO/RhD",
    ),
    "missing field": (["receive", "--unit", "FR123 26 000009"], "needs"),
    "bad sex": (["emergency", "--mrn", "1", "--sex", "X"], "F or M"),
    "no O+": (["emergency", "--mrn", "1", "--sex", "M", "--age", "40"], "No O+"),
    "nothing to return": (["return", "--unit", "FR123 26 000001"], "nothing to return"),
    "bad level": (["alert", "--level", "orange"], "alert level"),
    "destroy without reason": (["destroy", "--unit", "FR123 26 000001", "--reason", " "], "Say why"),
    "expired on receipt": (
        [
            "receive",
            "--unit",
            "FR123 26 000009",
            "--component",
            "plasma",
            "--group",
            "O-",
            "--expires",
            "2020-01-01T00:00+00:00",
        ],
        "already expired",
    ),
    "expiry without offset": (
        [
            "receive",
            "--unit",
            "FR123 26 000009",
            "--component",
            "plasma",
            "--group",
            "O-",
            "--expires",
            "2030-01-01",
        ],
        "not an expiry",
    ),
    "missing delivery": (["receive", "--delivery", "nowhere.csv"], "Cannot read"),
    "miscopied downtime number": (
        ["issue", "--unit", "FR123 26 000001", "--downtime-number", "TIL-URG1-00042-T"],
        "read it again from the wristband",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refusal_exits_2_and_changes_nothing(
    store: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    assert (
        run(["blood", "issue", "--store", store, "--unit", "FR123 26 000003", "--mrn", "7"], capsys)[0] == 0
    )
    args, words = REFUSED[case]
    before = blood_rows(store)
    code, out, err = run(["blood", args[0], "--store", store, *args[1:]], capsys)
    assert code == 2, out + err
    assert words in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "00042" not in err and "880009" not in err  # a patient reference is never repeated in an error
    assert blood_rows(store) == before


def test_a_french_hospital_reads_french_without_lang(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The store does not record its hospital's language: the map's (the demo's, French) decides."""
    code, out, _ = run(
        ["blood", "issue", "--store", store, "--unit", "FR123 26 000001", "--mrn", "880002"], capsys
    )
    assert code == 0 and out.strip() == "Unité FR123 26 000001 (O-) délivrée."
    code, out, _ = run(
        ["blood", "return", "--store", store, "--unit", "FR123 26 000001", "--lang", "en"], capsys
    )
    assert code == 0 and out.strip() == "Unit FR123 26 000001 back in stock."
    code, out, _ = run(["blood", "alert", "--store", store, "--level", "amber"], capsys)
    assert code == 0 and "Niveau d'alerte national" in out
    code, out, _ = run(["blood", "stock", "--store", store], capsys)
    assert code == 0 and "Globules rouges O- : 2 unité(s)" in out


def test_the_sheet_is_written_and_a_missing_folder_refused(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        ["blood", "sheet", "--store", store, "--out", tmp_path / "sheet.pdf", "--lang", "en"], capsys
    )
    assert code == 0, err
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    code, _, err = run(["blood", "sheet", "--store", store, "--out", tmp_path / "nowhere" / "s.pdf"], capsys)
    assert code == 2 and "does not exist" in err
    assert not (tmp_path / "nowhere").exists()
