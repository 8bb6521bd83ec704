"""Registrations typed from paper forms (the interchange JSON Lines) come in as entries of the PAPER
station, once each: a second import of the same file changes nothing; the same downtime number
saying something else, or a miscopied number, refuses the whole file."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from tests.stations import json_answer

from bascule.cli import main
from bascule.downtime.numbers import DowntimeNumber
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

FIRST = DowntimeNumber("CHVO", "URG1", 1).text
SECOND = DowntimeNumber("CHVO", "URG1", 2).text


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from datetime import UTC, datetime

    path = tmp_path_factory.mktemp("paper") / "store.sqlite"
    units = [unit for unit in map_units("demo") if unit.id == "urgences"]
    store_hospital(generate(7, "fr", units, datetime(2026, 12, 6, 3, 0, tzinfo=UTC)), path, "chvo")
    return path


@pytest.fixture()
def store(base_store: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "store.sqlite"
    shutil.copy(base_store, copy)
    return copy


def write(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def rows(store: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(store) as db:
        return db.execute(
            "SELECT id, downtime_number, data FROM downtime_entries ORDER BY sequence"
        ).fetchall()


def test_paper_registrations_come_in_once(store: Path, tmp_path: Path) -> None:
    forms = write(
        tmp_path / "forms.jsonl",
        {
            "downtime_id": FIRST,
            "family": "Martin",
            "given": "Léa",
            "birth_date": "1980-03-02",
            "sex": "female",
            "station": "urgences-1",
            "recorded_at": "2026-12-06T03:20:00+01:00",
        },
        {"downtime_id": SECOND, "given": "Bébé", "family": None, "phone": ""},
    )
    assert main(["reconcile", "import", str(forms), "--store", str(store)]) == 0
    first = rows(store)
    assert [(key, number) for key, number, _ in first] == [
        (f"PAPER:{FIRST}", FIRST),
        (f"PAPER:{SECOND}", SECOND),
    ]
    assert json.loads(first[0][2]) == {
        "family": "Martin",
        "given": "Léa",
        "birth_date": "1980-03-02",
        "sex": "female",
    }
    assert main(["reconcile", "import", str(forms), "--store", str(store)]) == 0
    assert rows(store) == first


def test_the_same_number_saying_something_else_refuses_the_file(store: Path, tmp_path: Path) -> None:
    assert (
        main(
            [
                "reconcile",
                "import",
                str(write(tmp_path / "a.jsonl", {"downtime_id": FIRST, "family": "Martin"})),
                "--store",
                str(store),
            ]
        )
        == 0
    )
    before = rows(store)
    other = write(
        tmp_path / "b.jsonl",
        {"downtime_id": SECOND, "family": "Durand"},
        {"downtime_id": FIRST, "family": "Martinez"},
    )
    assert main(["reconcile", "import", str(other), "--store", str(store)]) == 3
    assert rows(store) == before


def test_a_miscopied_number_or_a_bad_line_refuses_the_file(store: Path, tmp_path: Path) -> None:
    wrong = FIRST[:-1] + ("A" if FIRST[-1] != "A" else "B")
    assert (
        main(
            [
                "reconcile",
                "import",
                str(
                    write(
                        tmp_path / "c.jsonl",
                        {"downtime_id": SECOND, "family": "Ok"},
                        {"downtime_id": wrong, "family": "X"},
                    )
                ),
                "--store",
                str(store),
            ]
        )
        == 3
    )
    bad = tmp_path / "d.jsonl"
    bad.write_text(json.dumps({"downtime_id": SECOND, "family": "Ok"}) + "\n{not json\n", encoding="utf-8")
    assert main(["reconcile", "import", str(bad), "--store", str(store)]) == 2
    assert rows(store) == []


def test_match_the_registrations_imported_into_the_store(store: Path, tmp_path: Path) -> None:
    """Without --downtime, `reconcile match` matches what the stations and the paper brought in; a
    number registered twice with different details goes to review, whatever the scores say."""

    from bascule.clinical.records import Patient
    from bascule.snapshot.store import ContinuityStore

    with ContinuityStore.open(store, readonly=True) as opened:
        known = next(
            p for p in opened.records(Patient) if p.birth_date and p.given and p.sex in ("female", "male")
        )
    written = {
        "family": known.family,
        "given": known.given,
        "birth_date": known.birth_date.isoformat(),
        "sex": known.sex,
    }  # type: ignore[union-attr]
    assert (
        main(
            [
                "reconcile",
                "import",
                str(
                    write(
                        tmp_path / "a.jsonl",
                        {"downtime_id": FIRST, **written},
                        {"downtime_id": SECOND, **written},
                    )
                ),
                "--store",
                str(store),
            ]
        )
        == 0
    )
    with sqlite3.connect(store) as db:  # a station's registration of SECOND that says another birth date
        db.execute(
            "INSERT INTO downtime_entries VALUES ('URG1:1', 'h', 'URG1', 1, 'nadia', '2026-12-06T03:00:00+01:00', "
            "'registration', NULL, ?, ?, 'test', '2026-12-06T04:00:00+00:00')",
            (SECOND, json.dumps({**written, "birth_date": "1901-01-01"})),
        )
    code, answer = json_answer("reconcile", "match", "--store", store, "--json")
    assert code == 0
    matches = {m["downtime_id"]: m for m in answer["matches"]}
    assert matches[FIRST]["decision"] == "auto" and matches[FIRST]["patient_id"] == known.id
    assert matches[SECOND]["decision"] == "review" and "registrations_differ" in matches[SECOND]["reasons"]


def test_links_auto_saved_confirmed_never_changed_silently(store: Path, tmp_path: Path) -> None:

    from bascule.clinical.records import Patient
    from bascule.snapshot.store import ContinuityStore

    with ContinuityStore.open(store, readonly=True) as opened:
        patients = [
            p for p in opened.records(Patient) if p.birth_date and p.given and p.sex in ("female", "male")
        ]
    known, other = patients[0], patients[1]
    written = {
        "family": known.family,
        "given": known.given,
        "birth_date": known.birth_date.isoformat(),
        "sex": known.sex,
    }  # type: ignore[union-attr]
    forms = write(
        tmp_path / "a.jsonl",
        {"downtime_id": FIRST, **written},
        {"downtime_id": SECOND, "family": "Zzyzx", "given": "Qwerty"},
    )
    assert main(["reconcile", "import", str(forms), "--store", str(store)]) == 0
    assert main(["reconcile", "match", "--store", str(store), "--save"]) == 0

    def worklist() -> list[str]:
        code, answer = json_answer("reconcile", "worklist", "--store", store, "--json")
        assert code == 0
        return [m["downtime_id"] for m in answer["worklist"]]

    assert worklist() == [SECOND]  # FIRST was linked by matching alone
    base = ["reconcile", "confirm", "--store", str(store), "--by", "dr-lambert"]
    assert main([*base, "--downtime-id", SECOND, "--patient", "no-such-patient"]) == 2
    assert main([*base, "--downtime-id", SECOND]) == 2  # neither --patient nor --new
    assert main([*base, "--downtime-id", SECOND, "--new"]) == 0
    assert worklist() == []
    assert main([*base, "--downtime-id", FIRST, "--patient", other.id]) == 3  # linked: never changed silently
    assert (
        main(["reconcile", "unlink", "--store", str(store), "--downtime-id", FIRST, "--by", "dr-lambert"])
        == 0
    )
    assert main([*base, "--downtime-id", FIRST, "--patient", other.id]) == 0
    _, report = json_answer("reconcile", "status", "--store", store, "--json")
    assert report["entries"]["by_state"] == {"ready": 2}
