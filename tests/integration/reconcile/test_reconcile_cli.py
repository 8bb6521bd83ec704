"""`bascule reconcile match`: the JSON contract (contract 6), the text table, errors in one sentence."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bascule.cli import main
from bascule.clinical.records import Patient, PersonName
from bascule.reconcile.interchange import write_registrations
from bascule.reconcile.registration import Registration
from bascule.snapshot.store import ContinuityStore

V = "2026-01-01T00:00:00.000000Z"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv), {})
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "store.sqlite"
    crowd = [
        Patient(
            id=f"c{n}",
            version=V,
            family=f"Nom{n:03d}x",
            given="Zoé",
            birth_date=date(1930 + n % 80, 1 + n % 12, 1),
        )
        for n in range(300)
    ]
    claire = Patient(
        id="p-claire", version=V, family="Martin", given="Claire", birth_date=date(1980, 2, 3), sex="female",
        names=(PersonName("Martin", "Claire", "official"), PersonName("Lefèvre", "Claire", "maiden")),
        phone="+33639980001", phones=("+33639980001", "+33199000002"), postcode="91100",
    )  # fmt: skip
    with ContinuityStore.open(path) as opened:
        opened.write([claire, *crowd])
    return path


@pytest.fixture
def registrations(tmp_path: Path) -> Path:
    path = tmp_path / "downtime.jsonl"
    write_registrations(
        path,
        [
            Registration(
                downtime_id="DT-1",
                family="Lefevre",
                given="Claire",
                birth_date=date(1980, 2, 3),
                phone="01 99 00 00 02",
            ),
            Registration(downtime_id="DT-2", family="Martin", given="Claire", birth_date=date(1980, 3, 2)),
            Registration(downtime_id="DT-3", family="Okonkwo", given="Chidi", birth_date=date(1990, 8, 17)),
        ],
    )
    return path


def test_json_names_every_registration_once_with_decision_and_score(
    store: Path, registrations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "reconcile", "match", "--store", str(store), "--downtime", str(registrations), "--json"
    )
    assert code == 0
    matches = json.loads(out)["matches"]
    assert [{key: m[key] for key in ("downtime_id", "patient_id", "decision")} for m in matches] == [
        {"downtime_id": "DT-1", "patient_id": "p-claire", "decision": "auto"},
        {"downtime_id": "DT-2", "patient_id": "p-claire", "decision": "review"},
        {"downtime_id": "DT-3", "patient_id": None, "decision": "new"},
    ]
    assert all(0.0 <= m["score"] <= 1.0 for m in matches)
    assert matches[0]["score"] >= 0.999 and matches[2]["score"] < 0.05
    assert matches[1]["reasons"] == ["birth_date_swapped"]


def test_the_text_output_counts_each_decision(
    store: Path, registrations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "reconcile", "match", "--store", str(store), "--downtime", str(registrations), "--lang", "fr"
    )
    assert code == 0
    assert "3 enregistrements : 1 rapprochés automatiquement, 1 à revoir, 1 nouveaux." in out
    assert "jour et mois inversés" in out


def test_a_bad_registrations_file_is_one_sentence_and_exit_2(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"downtime_id": "D1", "family": "Martin", "birth_date": "3/2/1980"}\n', encoding="utf-8")
    code, _, err = run(capsys, "reconcile", "match", "--store", str(store), "--downtime", str(bad))
    assert code == 2
    assert "line 1: birth_date is not an ISO 8601 date" in err
    assert "Traceback" not in err and "Martin" not in err


def test_a_missing_store_is_one_sentence_and_exit_2(
    tmp_path: Path, registrations: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys,
        "reconcile",
        "match",
        "--store",
        str(tmp_path / "none.sqlite"),
        "--downtime",
        str(registrations),
    )
    assert code == 2
    assert "no continuity store" in err
