"""What the recovered EHR receives for each kind of downtime entry (FHIR R4 and HL7 v2.5), and the
keys that make a second sending change nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import hl7
import pytest

from bascule.downtime.entries import PatientRef, make_entry
from bascule.downtime.numbers import DowntimeNumber
from bascule.reconcile.writeback import (
    DOWNTIME_SYSTEM,
    ENTRY_SYSTEM,
    Outgoing,
    control_id,
    fhir_bundle,
    hl7_message,
)

PARIS = timezone(timedelta(hours=1))
AT = datetime(2026, 12, 6, 3, 10, tzinfo=PARIS)
NUMBER = DowntimeNumber("CHVO", "URG1", 1).text
REGISTRATION = {
    "family": "Martin",
    "given": "Léa",
    "birth_date": "1980-03-02",
    "sex": "female",
    "phone": "06 39 98 00 01",
    "postcode": "91100",
}


def outgoing(
    kind: str, data: dict[str, object], sequence: int = 1, patient: str | None = "pat-1"
) -> Outgoing:
    ref = (
        PatientRef(patient_id=patient)
        if patient and kind != "registration"
        else PatientRef(downtime_id=NUMBER)
    )
    entry = make_entry(
        station="3EST1", sequence=sequence, author="nadia", recorded_at=AT, kind=kind, patient=ref, data=data
    )
    return Outgoing(f"3EST1:{sequence}", entry, patient, None if patient else NUMBER)


KINDS: dict[str, dict[str, object]] = {
    "registration": REGISTRATION,
    "arrival": {"unit": "urgences", "room": "12", "bed": "A", "at": AT.isoformat()},
    "transfer": {"unit": "cardiologie", "at": AT.isoformat()},
    "discharge": {"destination": "other-hospital", "at": AT.isoformat()},
    "vitals": {
        "at": AT.isoformat(),
        "temperature_c": "38.2",
        "heart_rate": "88",
        "systolic": "130",
        "diastolic": "80",
        "respiratory_rate": "18",
        "spo2": "97",
        "pain": "3",
        "glucose_mmol": "6,1",
    },
    "administration": {
        "at": AT.isoformat(),
        "drug": "Paracétamol",
        "status": "given",
        "dose_value": "1",
        "dose_unit": "g",
        "route": "PO",
        "order_id": "ord-7",
    },
    "phone_result": {
        "at": AT.isoformat(),
        "test": "Potassium",
        "value": "5.9",
        "unit": "mmol/L",
        "flag": "H",
        "caller": "Dr Labo",
        "read_back": "yes",
    },
    "note": {"text": "Vu à 3 h | calme ^ & ~ stable"},
}


def resources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry["resource"] for entry in bundle["entry"]]


def test_a_new_patient_is_a_conditional_create_on_its_downtime_number_and_entries_point_at_it() -> None:
    items = [
        outgoing("registration", REGISTRATION, 1, patient=None),
        outgoing("vitals", {"at": AT.isoformat(), "heart_rate": "88"}, 2, patient=None),
    ]
    made = fhir_bundle(items, ("3EST1:1", REGISTRATION))
    bundle = made.bundle
    assert bundle["type"] == "transaction"
    first = bundle["entry"][0]
    assert first["request"] == {
        "method": "POST",
        "url": "Patient",
        "ifNoneExist": f"identifier={DOWNTIME_SYSTEM}|{NUMBER}",
    }
    patient = first["resource"]
    assert {"system": DOWNTIME_SYSTEM, "value": NUMBER} in patient["identifier"]
    assert {"system": ENTRY_SYSTEM, "value": "3EST1:1"} in patient["identifier"]
    assert patient["name"] == [{"family": "Martin", "given": ["Léa"]}]
    assert (patient["gender"], patient["birthDate"]) == ("female", "1980-03-02")
    assert patient["address"] == [{"postalCode": "91100"}]
    heart = bundle["entry"][1]
    assert heart["resource"]["subject"] == {"reference": first["fullUrl"]}
    assert first["fullUrl"].startswith("urn:uuid:")
    assert [(item.key, item.resource_type) for item in made.items] == [
        (None, "Patient"),
        ("3EST1:2", "Observation"),
    ]
    assert made.keys == ("3EST1:1", "3EST1:2")


def test_a_linked_patient_is_referenced_by_the_store_id_and_its_registration_creates_nothing() -> None:
    items = [outgoing("registration", REGISTRATION, 1), outgoing("note", {"text": "calme"}, 2)]
    made = fhir_bundle(items)
    assert [r["resourceType"] for r in resources(made.bundle)] == ["Communication"]
    assert resources(made.bundle)[0]["subject"] == {"reference": "Patient/pat-1"}
    assert made.keys == ("3EST1:1", "3EST1:2")


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "registration"])
def test_every_resource_carries_its_entry_key_and_is_a_conditional_create_on_it(kind: str) -> None:
    bundle = fhir_bundle([outgoing(kind, KINDS[kind], 4)]).bundle
    conditions = []
    for entry in bundle["entry"]:
        assert entry["resource"]["identifier"] == [{"system": ENTRY_SYSTEM, "value": "3EST1:4"}]
        assert entry["request"]["method"] == "POST"
        assert entry["request"]["ifNoneExist"].startswith(f"identifier={ENTRY_SYSTEM}|3EST1:4")
        conditions.append(entry["request"]["ifNoneExist"])
    assert len(set(conditions)) == len(conditions)  # no two resources share one condition
    assert fhir_bundle([outgoing(kind, KINDS[kind], 4)]).bundle == bundle  # the same every time


def test_vitals_are_loinc_observations_with_blood_pressure_as_a_panel() -> None:
    found = resources(fhir_bundle([outgoing("vitals", KINDS["vitals"])]).bundle)
    codes = {r["code"]["coding"][0]["code"]: r for r in found}
    assert set(codes) == {"8310-5", "8867-4", "9279-1", "59408-5", "72514-3", "15074-8", "85354-9"}
    assert codes["8310-5"]["valueQuantity"] == {
        "value": 38.2,
        "unit": "Cel",
        "system": "http://unitsofmeasure.org",
        "code": "Cel",
    }
    assert codes["15074-8"]["valueQuantity"]["value"] == 6.1
    panel = codes["85354-9"]
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]["value"]) for c in panel["component"]] == [
        ("8480-6", 130),
        ("8462-4", 80),
    ]
    assert all(r["status"] == "final" and r["effectiveDateTime"] == AT.isoformat() for r in found)


def test_an_administration_given_or_not() -> None:
    (given,) = resources(fhir_bundle([outgoing("administration", KINDS["administration"])]).bundle)
    assert given["status"] == "completed"
    assert given["dosage"] == {"route": {"text": "PO"}, "dose": {"value": 1, "unit": "g"}}
    assert given["medicationCodeableConcept"] == {"text": "Paracétamol"}
    assert given["request"] == {"identifier": {"value": "ord-7"}}
    refused = {
        "at": AT.isoformat(),
        "drug": "Paracétamol",
        "status": "not-given",
        "reason": "refus du patient",
    }
    (not_done,) = resources(fhir_bundle([outgoing("administration", refused)]).bundle)
    assert not_done["status"] == "not-done"
    assert not_done["statusReason"] == [{"text": "refus du patient"}]


def test_a_phone_result_is_final_and_says_it_was_read_back() -> None:
    (result,) = resources(fhir_bundle([outgoing("phone_result", KINDS["phone_result"])]).bundle)
    assert result["status"] == "final"
    assert result["valueQuantity"] == {"value": 5.9, "unit": "mmol/L"}
    assert result["interpretation"][0]["coding"][0]["code"] == "H"
    assert "received by phone, read back" in result["note"][0]["text"]
    text = dict(KINDS["phone_result"], value="positif")
    (words,) = resources(fhir_bundle([outgoing("phone_result", text)]).bundle)
    assert words["valueString"] == "positif"


def test_movements_are_encounters() -> None:
    (arrival,) = resources(fhir_bundle([outgoing("arrival", KINDS["arrival"])]).bundle)
    assert (arrival["status"], arrival["period"]) == ("in-progress", {"start": AT.isoformat()})
    assert arrival["location"] == [{"location": {"display": "urgences / 12 / A"}, "status": "active"}]
    (discharge,) = resources(fhir_bundle([outgoing("discharge", KINDS["discharge"])]).bundle)
    assert (discharge["status"], discharge["period"]) == ("finished", {"end": AT.isoformat()})
    assert discharge["hospitalization"]["dischargeDisposition"]["coding"][0]["code"] == "other-hcf"


def test_a_bundle_is_for_one_patient() -> None:
    with pytest.raises(ValueError, match="one patient"):
        fhir_bundle([outgoing("note", {"text": "a"}, 1), outgoing("note", {"text": "b"}, 2, patient="pat-2")])


# HL7 v2.5 ----------------------------------------------------------------------------------------

EVENTS = {
    "arrival": "ADT^A08^ADT_A01",
    "transfer": "ADT^A02^ADT_A02",
    "discharge": "ADT^A03^ADT_A03",
    "vitals": "ORU^R01^ORU_R01",
    "administration": "RAS^O17^RAS_O17",
    "phone_result": "ORU^R01^ORU_R01",
    "note": "ORU^R01^ORU_R01",
}


@pytest.mark.parametrize("kind", list(EVENTS))
def test_each_kind_is_its_hl7_message_with_a_stable_control_id(kind: str) -> None:
    item = outgoing(kind, KINDS[kind], 9)
    message = hl7_message(item, datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    again = hl7_message(item, datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
    parsed = hl7.parse(message.text)
    assert str(parsed.segment("MSH")(9)) == EVENTS[kind]
    assert str(parsed.segment("MSH")(10)) == message.control_id == again.control_id == control_id("3EST1:9")
    assert len(message.control_id) == 20
    assert str(parsed.segment("MSH")(12)) == "2.5"
    assert str(parsed.segment("PID")(3)) == "pat-1^^^^PI"


def test_a_new_patient_is_an_a04_with_its_details_and_a_linked_one_an_a08() -> None:
    new = hl7_message(outgoing("registration", REGISTRATION, 1, patient=None), AT, REGISTRATION)
    pid = hl7.parse(new.text).segment("PID")
    assert str(hl7.parse(new.text).segment("MSH")(9)) == "ADT^A04^ADT_A01"
    assert (str(pid(3)), str(pid(5)), str(pid(7)), str(pid(8))) == (
        f"{NUMBER}^^^BASCULE^PT",
        "Martin^Léa",
        "19800302",
        "F",
    )
    linked = hl7_message(outgoing("registration", REGISTRATION, 1), AT)
    assert str(hl7.parse(linked.text).segment("MSH")(9)) == "ADT^A08^ADT_A01"


def test_hl7_fields_land_where_the_standard_puts_them() -> None:
    vitals = hl7.parse(hl7_message(outgoing("vitals", KINDS["vitals"]), AT).text)
    codes = [str(obx(3)).split("^")[0] for obx in vitals.segments("OBX")]
    assert codes == ["8310-5", "8867-4", "9279-1", "59408-5", "72514-3", "15074-8", "8480-6", "8462-4"]
    assert all(
        str(obx(11)) == "F" and str(obx(14)) == "20261206031000+0100" for obx in vitals.segments("OBX")
    )
    assert str(vitals.segment("OBR")(7)) == "20261206031000+0100"
    refused = {"at": AT.isoformat(), "drug": "Paracétamol", "status": "not-given", "reason": "refus"}
    rxa = hl7.parse(hl7_message(outgoing("administration", refused), AT).text).segment("RXA")
    assert (str(rxa(5)), str(rxa(18)), str(rxa(20))) == ("^Paracétamol", "^refus", "NA")
    given = hl7.parse(hl7_message(outgoing("administration", KINDS["administration"]), AT).text)
    assert (str(given.segment("RXA")(6)), str(given.segment("RXA")(7)), str(given.segment("RXA")(20))) == (
        "1",
        "g",
        "CP",
    )
    discharge = hl7.parse(hl7_message(outgoing("discharge", KINDS["discharge"]), AT).text).segment("PV1")
    assert (str(discharge(36)), str(discharge(45))) == ("02", "20261206031000+0100")
    transfer = hl7.parse(hl7_message(outgoing("transfer", KINDS["transfer"]), AT).text)
    assert str(transfer.segment("PV1")(3)) == "cardiologie"
    phone = hl7.parse(hl7_message(outgoing("phone_result", KINDS["phone_result"]), AT).text)
    assert "read back" in str(phone.segment("NTE")(3))


def test_hl7_separators_in_a_value_are_escaped() -> None:
    message = hl7_message(outgoing("note", KINDS["note"]), AT)
    obx = hl7.parse(message.text).segment("OBX")
    assert len(hl7.parse(message.text).segments("OBX")) == 1
    assert hl7.parse(message.text).unescape(str(obx(5))) == "Vu à 3 h | calme ^ & ~ stable"
