"""What the store says after each message of the HL7 v2 corpus (tests/corpus/hl7: one message a file,
as interface engines send them: v2.3 to v2.6, CR, CRLF or LF, ISO 8859-1, Z-segments, escapes).

Expected values are read from the messages and the HL7 v2.5 standard, not from the code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bascule.clinical import LabResult, Patient, Stay
from bascule.clinical.settings import HospitalSettings
from bascule.snapshot.store import ContinuityStore
from bascule.sources.hl7_adt import patient_id_of, visit_id_of
from bascule.sources.hl7_listener import Hl7Listener

CORPUS = Path(__file__).parents[2] / "corpus" / "hl7"
PARIS = HospitalSettings(timezone="Europe/Paris", mrn_systems=("urn:oid:1.2.250.1.71.4.2.7",))
LATER = datetime(2026, 3, 12, 12, tzinfo=UTC)


def message(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[Hl7Listener]:
    with ContinuityStore.open(tmp_path / "store.sqlite") as store:
        yield Hl7Listener(store, settings=PARIS)


def answer(listener: Hl7Listener, name: str) -> list[list[str]]:
    """The ACK's segments, split on the field separator the ACK's own MSH declares."""
    text = listener.process(message(name)).decode("latin-1")
    separator = text[3]
    return [segment.split(separator) for segment in text.strip("\r").split("\r")]


def accepted(listener: Hl7Listener, name: str) -> list[list[str]]:
    segments = answer(listener, name)
    assert segments[1][1] == "AA", segments
    return segments


def place(store: ContinuityStore) -> tuple[str | None, str | None, str | None, str, bool] | None:
    stay = store.get(Stay, visit_id_of(store, "V1001"))
    return None if stay is None else (stay.unit_id, stay.room, stay.bed, stay.status, stay.is_current)


def allergies(store: ContinuityStore, mrn: str = "480012") -> set[tuple[object, ...]]:
    return {
        (a.substance, a.code, a.category, a.criticality, a.reaction)
        for a in store.allergies_of(patient_id_of(store, mrn))
        if a.status == "active"
    }


ADMITTED = {
    ("Penicillin", "70618", "medication", "high", "Hives, Anaphylaxis"),
    ("Peanut", "256349002", "food", "low", "Rash"),
}
RESENT = {
    ("Penicillin", "70618", "medication", "high", "Hives, Anaphylaxis"),
    ("Latex", None, None, None, "Contact dermatitis"),
}
# One patient's stay, message after message: (file, unit, room, bed, status, current, allergies).
STAY_LIFE = [
    ("a01_v23_epic_admit_with_allergies.hl7", ("CARDIO", "12", "A", "in-progress", True), ADMITTED),
    ("a08_v23_epic_allergy_list_resent.hl7", ("CARDIO", "12", "A", "in-progress", True), RESENT),
    ("a02_v23_epic_transfer.hl7", ("USIC", "3", "B", "in-progress", True), RESENT),
    # A12: PV1-3 carries the location before the transfer (HL7 v2.5 section 3.3.12).
    ("a12_v23_epic_cancel_transfer.hl7", ("CARDIO", "12", "A", "in-progress", True), RESENT),
    ("a03_v23_epic_discharge.hl7", ("CARDIO", "12", "A", "finished", False), RESENT),
    # A13: PV1-3 is where the patient is once the discharge is cancelled (section 3.3.13).
    ("a13_v23_epic_cancel_discharge.hl7", ("CARDIO", "14", "B", "in-progress", True), RESENT),
    ("a08_v23_epic_no_known_allergies.hl7", ("CARDIO", "14", "B", "in-progress", True), set()),
    ("a11_v23_epic_cancel_admit.hl7", ("CARDIO", "14", "B", "cancelled", False), set()),
]


def test_a_stay_from_admission_to_its_cancellation(listener: Hl7Listener) -> None:
    store = listener.store
    for name, expected_place, expected_allergies in STAY_LIFE:
        accepted(listener, name)
        assert place(store) == expected_place, name
        assert allergies(store) == expected_allergies, name
        in_census = {entry.patient_id for unit in store.census(at=LATER) for entry in unit.patients}
        assert (patient_id_of(store, "480012") in in_census) == expected_place[4], name


def test_an_epic_v23_admission(listener: Hl7Listener) -> None:
    accepted(listener, "a01_v23_epic_admit_with_allergies.hl7")
    store = listener.store
    patient = store.patient_by_mrn("480012")
    assert patient is not None
    # PID-3 holds the MRN (MR) and an account number (AN); PID-2 an enterprise id (PE): only MR is the MRN.
    assert (patient.mrn, patient.family, patient.given, patient.birth_date, patient.sex, patient.phone) == (
        "480012",
        "LEFEBVRE",
        "ODILE",
        date(1947, 3, 12),
        "female",
        "+33639981234",
    )
    stay = store.get(Stay, visit_id_of(store, "V1001"))
    assert stay is not None
    # PV1-44 without offset is a Paris wall-clock time (CET in March: UTC+1).
    assert stay.admitted_at == datetime(2026, 3, 10, 6, 45, tzinfo=UTC)
    assert stay.attending_id == "hl7-dr-D42"
    (unit,) = [u for u in store.census(at=LATER) if u.patients]
    assert (unit.unit_id, unit.patients[0].has_allergy, unit.patients[0].attending) == (
        "CARDIO",
        True,
        "MARC ROUX",
    )
    assert store.data_time == datetime(2026, 3, 10, 7, 15, tzinfo=UTC)  # MSH-7


def test_a_french_ihe_pam_admission_in_iso_8859_1(listener: Hl7Listener) -> None:
    ack = accepted(listener, "a01_v25_ihe_pam_fr_latin1.hl7")
    assert ack[0][11] == "2.5^FRA^2.5"  # the ACK answers in the message's version
    store = listener.store
    # The hospital's IPP system (map: mrn_systems) wins over a laboratory's MR number.
    patient = store.patient_by_mrn("77001")
    assert patient is not None
    assert (patient.family, patient.given, patient.national_number, patient.national_system) == (
        "GRÉGOIRE",
        "Hélène",
        "2500399123456",
        "INS",
    )
    assert (patient.phone, patient.email) == ("0381000000", "helene@example.fr")
    stay = store.get(Stay, visit_id_of(store, "V2026-0042"))
    assert stay is not None and (stay.unit_id, stay.room, stay.bed) == ("NEURO", "205", "1")
    assert stay.admitted_at == datetime(2026, 3, 12, 13, 0, tzinfo=UTC)
    assert allergies(store, "77001") == {
        ("Amoxicilline", None, "medication", "high", "Urticaire géante, Dyspnée")
    }


def test_without_the_hospital_system_the_mr_type_names_the_mrn(tmp_path: Path) -> None:
    with ContinuityStore.open(tmp_path / "store.sqlite") as store:
        listener = Hl7Listener(store, settings=HospitalSettings(timezone="Europe/Paris"))
        accepted(listener, "a01_v25_ihe_pam_fr_latin1.hl7")
        patient = store.patient_by_mrn("555")
        assert patient is not None and patient.national_number == "2500399123456"


def test_a_cerner_v26_registration_then_a_deleted_phone(listener: Hl7Listener) -> None:
    store = listener.store
    accepted(listener, "a04_v26_cerner_register_lf.hl7")  # LF segment ends
    patient = store.patient_by_mrn("RBH0012345")
    assert patient is not None
    assert (
        patient.family,
        patient.given,
        patient.national_number,
        patient.national_system,
        patient.phone,
    ) == (
        "O'Brien",  # \X27\ is the apostrophe
        "Siobhán",
        "9434765919",
        "NHS",
        "07700900123",
    )
    assert store.counts()["stays"] == 0  # A04 of an outpatient registers, it admits no one
    accepted(listener, "a08_v26_cerner_delete_phone_crlf.hl7")  # CRLF segment ends
    updated = store.get(Patient, patient.id)
    assert updated is not None
    assert updated.phone is None  # "" deletes the value
    assert (updated.birth_date, updated.sex, updated.national_number) == (
        date(1981, 11, 24),
        "female",
        "9434765919",
    )


# (code, value, value_text, comparator, unit, low, high, flag, status)
LAB_VALUES = [
    ("2823-3", 5.9, None, None, "mmol/L", 3.5, 5.1, "H", "final"),
    ("10839-9", 0.01, None, "<", "ug/L", None, 0.04, "N", "final"),
    ("2160-0", 1000.0, None, ">", "umol/L", 45.0, 90.0, "HH", "final"),
    ("5370-2", None, "1:128", None, None, None, None, None, "final"),
    ("5803-2", None, "5-6", None, None, None, None, None, "final"),
    ("1751-7", 38.0, None, None, "g/L", 35.0, 50.0, "N", "final"),
    ("1925-7", -3.1, None, None, "mmol/L", -2.0, 2.0, "L", "final"),
    ("5778-6", None, "Jaune & trouble", None, None, None, None, None, "final"),
    ("882-1", None, "A-", None, None, None, None, None, "final"),
    ("11529-5", None, "Ligne 1\nMarge | saine\nScore ^ 2\\3", None, None, None, None, None, "final"),
    ("8251-1", None, "Premiere ligne\nSeconde ligne", None, None, None, None, None, "final"),
    ("600-7", None, "Staphylococcus aureus", None, None, None, None, "A", "preliminary"),
]


def test_lab_values_of_every_type(listener: Hl7Listener) -> None:
    accepted(listener, "oru_r01_v251_lab_values.hl7")
    store = listener.store
    results = {r.code: r for r in store.records(LabResult)}
    assert len(results) == len(LAB_VALUES)
    for code, *expected in LAB_VALUES:
        r = results[code]
        assert [r.value, r.value_text, r.comparator, r.unit, r.low, r.high, r.flag, r.status] == expected, (
            code
        )
    # OBX-14 (with hundredths of a second and an offset) wins over OBR-7; else OBR-7.
    # (the store keeps whole seconds; parse_time keeps the fraction)
    assert results["2823-3"].effective_at == datetime(2026, 3, 10, 5, 15, tzinfo=UTC)
    assert results["10839-9"].effective_at == datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
    assert store.chart(patient_id_of(store, "480012"), at=LATER).blood_group == "A-"


def test_corrections_deletions_and_a_late_message(listener: Hl7Listener) -> None:
    store = listener.store
    accepted(listener, "a01_v23_epic_admit_with_allergies.hl7")
    accepted(listener, "oru_r01_v251_lab_values.hl7")
    accepted(listener, "oru_r01_v251_correction.hl7")  # OBX-11 C: replaces the potassium
    accepted(listener, "oru_r01_v251_deletion.hl7")  # OBX-11 D, another set id: removes the culture
    data_time = store.data_time
    accepted(listener, "oru_r01_v251_late.hl7")  # sent before the first result
    chart = store.chart(patient_id_of(store, "480012"), at=datetime(2026, 3, 10, 12, tzinfo=UTC))
    shown = {r.code: r for r in chart.results}
    assert (shown["2823-3"].value, shown["2823-3"].status, shown["2823-3"].flag) == (4.9, "corrected", "N")
    assert "600-7" not in shown
    culture = next(r for r in store.records(LabResult) if r.code == "600-7")
    assert culture.status == "entered-in-error"
    assert store.counts()["lab_results"] == len(LAB_VALUES)
    assert store.data_time == data_time == datetime(2026, 3, 10, 8, 45, tzinfo=UTC)  # never moved back


def test_results_of_two_patients_in_one_message(listener: Hl7Listener) -> None:
    store = listener.store
    accepted(listener, "a01_v23_epic_admit_with_allergies.hl7")
    accepted(listener, "a01_v25_ihe_pam_fr_latin1.hl7")
    accepted(listener, "oru_r01_v24_two_patients.hl7")
    by_patient = {r.patient_id: r.value for r in store.records(LabResult) if r.code == "718-7"}
    assert by_patient == {patient_id_of(store, "480012"): 102.0, patient_id_of(store, "77001"): 131.0}


def test_an_ack_keeps_the_senders_separators(listener: Hl7Listener) -> None:
    msh, msa = accepted(listener, "oru_r01_v24_custom_separators.hl7")[:2]
    assert msh[:2] == ["MSH", "$~\\&"]
    assert msh[2:6] == ["BASCULE", "CHSV", "LIS", "CHSV"]
    assert msh[8] == "ACK$R01$ACK"
    assert msa == ["MSA", "AA", "LIS-9"]
    (cholesterol,) = listener.store.records(LabResult)
    assert (cholesterol.value, cholesterol.high, cholesterol.flag) == (6.1, 5.2, "H")


@pytest.mark.parametrize(
    ("name", "control_id", "condition"),
    [("a17_v25_swap_unsupported.hl7", "SWP1", "201"), ("siu_s12_v25_unsupported.hl7", "RDV1", "200")],
)
def test_unsupported_events_are_refused_with_the_reason(
    listener: Hl7Listener, name: str, control_id: str, condition: str
) -> None:
    _, msa, err = answer(listener, name)
    assert msa[1:3] == ["AR", control_id]
    assert "is not one Bascule takes" in err[8]
    assert err[3].split("^")[0] == condition  # HL7 table 0357: unsupported event / message type
    assert err[4] == "E"
    assert listener.store.counts()["patients"] == 0


def test_doubts_come_back_as_warnings_in_the_ack(listener: Hl7Listener) -> None:
    raw = (
        b"MSH|^~\\&|LIMS|CHSV|BASCULE|CHSV|20260310091500+0100||ORU^R01|W1|P|2.5\r"
        b"PID|1||480012^^^CHSV^MR||Lefebvre^Odile\r"
        b"OBR|1||LAB5|CHEM|||20260310060000+0100\r"
        b"OBX|1|NM|2823-3^Potassium^LN||4,9|mmol/L|see report||||F"
    )
    text = listener.process(raw).decode()
    segments = [s.split("|") for s in text.strip("\r").split("\r")]
    assert segments[1][:3] == ["MSA", "AA", "W1"]
    warnings = [s[8] for s in segments if s[0] == "ERR" and s[4] == "W"]
    assert warnings == [
        "OBX 1: OBX-5 is not a number; kept as text",
        "OBX 1: OBX-7 is not a numeric reference range; left out",
    ]
    (potassium,) = listener.store.records(LabResult)
    assert (potassium.value, potassium.value_text) == (None, "4,9")  # a decimal comma is not guessed
