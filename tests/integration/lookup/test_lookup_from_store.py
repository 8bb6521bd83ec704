"""The station's search over a real continuity store: the synthetic hospital (seed 42), plus a
discharged patient, a patient the source placed in no unit and a reconciled downtime number."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bascule.clinical.placement import NOT_PLACED, NOT_PLACED_NAME
from bascule.clinical.records import Patient, Stay, StayPlace
from bascule.downtime.registry import allocate, record_mapping
from bascule.lookup import PatientCard, PatientIndex
from bascule.lookup.from_store import cards_from_store
from bascule.snapshot.store import ContinuityStore
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

UNITS = ("urgences", "reanimation", "bloc-operatoire")
DATA_TIME = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
VERSION = "2026-03-10T07:00:00.000000Z"
LEFT_AGAIN = DATA_TIME - timedelta(days=3)


def _stay(
    sid: str, patient: str, unit: str, admitted: datetime, left: datetime | None, **more: object
) -> Stay:
    status = "finished" if left is not None else "in-progress"
    place = StayPlace(location_id=unit, kind="unit", status="completed" if left else None, end=left)
    return Stay(
        id=sid,
        version=VERSION,
        patient_id=patient,
        status=str(more.get("status", status)),
        admitted_at=admitted,
        discharged_at=left,
        places=(place,),
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    units = [unit for unit in map_units("demo") if unit.id in UNITS]
    path = tmp_path_factory.mktemp("lookup") / "store.sqlite"
    store_hospital(generate(42, "fr", units, DATA_TIME), path, "chvo")
    people = [
        Patient(
            id="gone",
            version=VERSION,
            family="Ødegård",
            given="Søren",
            birth_date=date(1941, 5, 2),
            mrn="990001",
        ),
        Patient(id="lost", version=VERSION, family="Vauquelin", given="Anaïs", mrn="990002"),
        Patient(id="back", version=VERSION, family="Nørgaard", given="Ida", mrn="990003"),
    ]
    stays = [
        # Two ended stays: the later one, in intensive care, is the last stay.
        _stay("gone-1", "gone", "urgences", DATA_TIME - timedelta(days=40), DATA_TIME - timedelta(days=38)),
        _stay("gone-2", "gone", "reanimation", DATA_TIME - timedelta(days=9), LEFT_AGAIN),
        # Planned, never took place: no last stay.
        _stay("gone-3", "gone", "urgences", DATA_TIME + timedelta(days=5), None, status="planned"),
        # A current stay in a ward no unit knows: in the census, among the patients not placed.
        Stay(
            id="lost-1",
            version=VERSION,
            patient_id="lost",
            admitted_at=DATA_TIME - timedelta(hours=5),
            places=(StayPlace(location_id="aile-b-inconnue"),),
        ),
        # Back in hospital: the current stay counts, not the ended one.
        _stay("back-1", "back", "urgences", DATA_TIME - timedelta(days=30), DATA_TIME - timedelta(days=28)),
        _stay("back-2", "back", "reanimation", DATA_TIME - timedelta(hours=2), None),
    ]
    with ContinuityStore.open(path) as opened:
        opened.write([*people, *stays])
    number = allocate(path, site="TIL", station="URG1", unit="urgences", count=2, allocated_by="n").numbers()[
        0
    ]
    record_mapping(path, number, "990001")
    return path


@pytest.fixture(scope="module")
def cards(store: Path) -> dict[str, PatientCard]:
    with ContinuityStore.open(store, readonly=True) as opened:
        return {card.id: card for card in cards_from_store(opened)}


def test_every_census_patient_is_a_card_with_their_bed(store: Path, cards: dict[str, PatientCard]) -> None:
    with ContinuityStore.open(store, readonly=True) as opened:
        census = opened.census(DATA_TIME)
        patients = {entry.patient_id: (unit, entry) for unit in census for entry in unit.patients}
        stored = opened.ids(Patient)
    assert len(patients) > 20
    assert set(cards) == stored
    for patient_id, (unit, entry) in patients.items():
        card = cards[patient_id]
        assert card.in_census
        assert (card.unit_id, card.unit_name, card.room, card.bed) == (
            unit.unit_id,
            unit.name,
            entry.room,
            entry.bed,
        )
    assert {card.id for card in cards.values() if card.in_census} == {*patients, "lost"}


def test_a_unit_lists_the_census_in_bed_order(store: Path, cards: dict[str, PatientCard]) -> None:
    index = PatientIndex(cards.values())
    with ContinuityStore.open(store, readonly=True) as opened:
        (unit,) = opened.census(DATA_TIME, "reanimation")
    assert {card.id for card in index.by_unit("reanimation")} == {entry.patient_id for entry in unit.patients}
    assert "back" in {card.id for card in index.by_unit("reanimation")}


def test_a_discharged_patient_is_found_with_their_last_stay(
    store: Path, cards: dict[str, PatientCard]
) -> None:
    index = PatientIndex(cards.values())
    with ContinuityStore.open(store, readonly=True) as opened:
        unit_names = {unit.id: unit.name for unit in opened.units()}
    (hit,) = index.search("odegard soren")
    card = hit.card
    assert card.id == "gone"
    assert not card.in_census
    assert (card.unit_id, card.room, card.bed) == (None, None, None)
    assert card.last_stay_end == LEFT_AGAIN
    assert card.last_unit_name == unit_names["reanimation"]  # the later of two ended stays
    assert "gone" not in {c.id for unit in ("urgences", "reanimation") for c in index.by_unit(unit)}
    assert [hit.card.id for hit in index.search("02/05/1941")] == ["gone"]


def test_a_patient_back_in_hospital_is_in_the_census(cards: dict[str, PatientCard]) -> None:
    card = cards["back"]
    assert card.in_census
    assert card.unit_id == "reanimation"
    assert card.last_stay_end is None


def test_a_patient_placed_in_no_unit_is_in_the_not_placed_census(cards: dict[str, PatientCard]) -> None:
    card = cards["lost"]
    assert card.in_census
    assert (card.unit_id, card.unit_name, card.bed) == (NOT_PLACED, NOT_PLACED_NAME, "aile-b-inconnue")
    assert PatientIndex(cards.values()).by_unit(NOT_PLACED) == [card]


def test_a_reconciled_downtime_number_finds_its_patient(cards: dict[str, PatientCard]) -> None:
    index = PatientIndex(cards.values())
    number = cards["gone"].downtime_numbers[0]
    assert number.startswith("TIL-URG1-00001-")
    assert [hit.card.id for hit in index.search(number.lower())] == ["gone"]
    assert [hit.how for hit in index.search(number)] == ["identifier"]
    assert sum(bool(card.downtime_numbers) for card in cards.values()) == 1  # the other one is unmapped


def test_a_census_patient_is_found_by_mrn_and_by_bed(cards: dict[str, PatientCard]) -> None:
    index = PatientIndex(cards.values())
    card = next(
        card for card in cards.values() if card.in_census and card.unit_id == "reanimation" and card.mrn
    )
    assert [hit.card for hit in index.search(card.mrn or "")] == [card]
    assert card in [hit.card for hit in index.search(card.bed or "", limit=100)]
