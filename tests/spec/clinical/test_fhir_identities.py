"""Which identifier is the MRN, which is the national number, and which name is printed: Patient
resources as Synthea, Epic, Cerner, FR Core (INS) and NHS systems write them."""

from __future__ import annotations

from typing import Any

import pytest

from bascule.clinical import Patient
from bascule.clinical.settings import HospitalSettings
from bascule.sources.fhir_fields import Reading
from bascule.sources.fhir_records import to_record

DEFAULT = "2026-01-01T00:00:00.000000Z"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"


def typed(code: str, text: str) -> dict[str, Any]:
    return {"coding": [{"system": V2_0203, "code": code, "display": text}], "text": text}


SYNTHEA = [
    {"system": "https://github.com/synthetichealth/synthea", "value": "2ed9a9f8-93f0-4a39-8e2b-4b9b2e5e4f10"},
    {
        "type": typed("MR", "Medical Record Number"),
        "system": "http://hospital.smarthealthit.org",
        "value": "2ed9a9f8-mr",
    },
    {
        "type": typed("SS", "Social Security Number"),
        "system": "http://hl7.org/fhir/sid/us-ssn",
        "value": "999-45-1234",
    },
    {
        "type": typed("DL", "Driver's license number"),
        "system": "urn:oid:2.16.840.1.113883.4.3.25",
        "value": "S99912345",
    },
    {
        "type": typed("PPN", "Passport Number"),
        "system": "http://standardhealthrecord.org/fhir/StructureDefinition/passportNumber",
        "value": "X12345678X",
    },
]
EPIC = [
    {
        "use": "usual",
        "type": {"text": "EPI"},
        "system": "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.0",
        "value": "E4007",
    },
    {
        "use": "usual",
        "type": {"text": "FHIR"},
        "system": "http://open.epic.com/FHIR/StructureDefinition/patient-dstu2-fhir-id",
        "value": "TnOZ.elPXC6zcBNFMcFA7A5KZbYxo2",
    },
    {
        "use": "usual",
        "type": {"text": "INTERNAL"},
        "system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.698084",
        "value": "  Z6129",
    },
    {
        "use": "usual",
        "type": {"text": "MRN"},
        "system": "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14",
        "value": "203713",
    },
    {"use": "usual", "system": "urn:oid:2.16.840.1.113883.4.1", "value": "xxx-xx-0004"},
]
CERNER = [
    {
        "id": "CI-490017-0",
        "use": "usual",
        "type": {
            "coding": [
                {
                    "system": "https://fhir.cerner.com/ec2458f2/codeSet/4",
                    "code": "10",
                    "display": "MRN",
                    "userSelected": True,
                },
                {"system": V2_0203, "code": "MR", "display": "Medical record number", "userSelected": False},
            ],
            "text": "MRN",
        },
        "system": "urn:oid:2.16.840.1.113883.6.1000",
        "value": "7691",
        "period": {"start": "2020-03-24T16:00:00.000Z"},
    },
    {
        "use": "usual",
        "type": {
            "coding": [
                {
                    "system": "https://fhir.cerner.com/ec2458f2/codeSet/4",
                    "code": "2553236785",
                    "display": "Messaging",
                }
            ],
            "text": "Messaging",
        },
        "system": "urn:oid:2.16.840.1.113883.3.13.6",
        "value": "URN:CERNER:IDENTITY-FEDERATION:REALM:687F29DD",
    },
]
FR_CORE = [
    {
        "use": "usual",
        "type": typed("PI", "Patient internal identifier"),
        "system": "urn:oid:1.2.250.1.71.4.2.7.750100042",
        "value": "IPP000123",
    },
    {
        "use": "official",
        "type": {
            "coding": [
                {"system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203", "code": "INS-NIR"}
            ]
        },
        "system": "urn:oid:1.2.250.1.213.1.4.8",
        "value": "255069999999934",
    },
]
NHS = [
    {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9000000009", "use": "official"},
    {"system": "https://fhir.leeds-trust.nhs.uk/Id/local-patient-number", "value": "RR8-00321"},
]

# (case, identifiers, the map's MRN systems, MRN, national number and its system)
IDENTIFIERS = [
    ("Synthea: MR beside SSN, licence and passport", SYNTHEA, (), "2ed9a9f8-mr", None, None),
    ("Epic: type.text MRN, never the EPI or the SSN", EPIC, (), "203713", None, None),
    (
        "Epic with the EPI configured as the MRN system",
        EPIC,
        ("urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.0",),
        "E4007",
        None,
        None,
    ),
    ("Cerner: MR among Cerner's own types", CERNER, (), "7691", None, None),
    ("FR Core: the IPP, the INS kept apart", FR_CORE, (), "IPP000123", "255069999999934", "INS"),
    ("NHS: the NHS number is never the MRN", NHS, (), None, "9000000009", "NHS"),
    (
        "NHS trust with its local number configured",
        NHS,
        ("https://fhir.leeds-trust.nhs.uk/Id/local-patient-number",),
        "RR8-00321",
        "9000000009",
        "NHS",
    ),
    (
        "official use, untyped",
        [{"use": "official", "system": "urn:oid:1.2.3", "value": "A1"}],
        (),
        "A1",
        None,
        None,
    ),
    (
        "an SSN marked official is not an MRN",
        [{"use": "official", "system": "http://hl7.org/fhir/sid/us-ssn", "value": "999-45-1234"}],
        (),
        None,
        None,
        None,
    ),
    (
        "an old MRN gives way to the usual one",
        [
            {"use": "old", "type": typed("MR", "MRN"), "value": "OLD-1"},
            {"use": "usual", "type": typed("MR", "MRN"), "value": "NEW-2"},
        ],
        (),
        "NEW-2",
        None,
        None,
    ),
    ("no identifier at all", [], (), None, None, None),
]


@pytest.mark.parametrize(
    ("case", "identifiers", "systems", "mrn", "national", "national_system"),
    IDENTIFIERS,
    ids=[row[0] for row in IDENTIFIERS],
)
def test_the_mrn_and_the_national_number(
    case: str,
    identifiers: list[Any],
    systems: tuple[str, ...],
    mrn: str | None,
    national: str | None,
    national_system: str | None,
) -> None:
    resource = {"resourceType": "Patient", "id": "p1", "name": [{"family": "Doe"}], "identifier": identifiers}
    patient = to_record(resource, DEFAULT, Reading(HospitalSettings(mrn_systems=systems)))
    assert isinstance(patient, Patient)
    assert (patient.mrn, patient.national_number, patient.national_system) == (mrn, national, national_system)


def test_two_different_mrns_of_the_same_kind_are_reported_without_their_values() -> None:
    reading = Reading()
    resource = {
        "resourceType": "Patient",
        "id": "p1",
        "name": [{"family": "Doe"}],
        "identifier": [
            {"type": typed("MR", "MRN"), "system": "urn:oid:1.1", "value": "111"},
            {"type": typed("MR", "MRN"), "system": "urn:oid:2.2", "value": "222"},
        ],
    }
    patient = to_record(resource, DEFAULT, reading)
    assert isinstance(patient, Patient) and patient.mrn == "111"
    assert (
        len(reading.warnings) == 1 and "111" not in reading.warnings[0] and "222" not in reading.warnings[0]
    )


# (case, names, family, given, prefix, suffix)
NAMES = [
    (
        "Synthea: official with prefix, maiden after",
        [
            {"use": "official", "family": "Abbott774", "given": ["Aaron697", "Brian"], "prefix": ["Mr."]},
            {"use": "maiden", "family": "Smith"},
        ],
        "Abbott774",
        "Aaron697 Brian",
        "Mr.",
        "",
    ),
    (
        "a maiden name first, the official one second",
        [{"use": "maiden", "family": "Martin"}, {"use": "official", "family": "Durand", "given": ["Claire"]}],
        "Durand",
        "Claire",
        "",
        "",
    ),
    (
        "a suffix tells father from son",
        [{"family": "Smith", "given": ["John"], "suffix": ["Jr."]}],
        "Smith",
        "John",
        "",
        "Jr.",
    ),
    (
        "Epic's usual name with text",
        [{"use": "usual", "text": "Derrick Lin", "family": "Lin", "given": ["Derrick"]}],
        "Lin",
        "Derrick",
        "",
        "",
    ),
    ("text only", [{"text": "Jean DUPONT"}], "Jean DUPONT", "", "", ""),
]


@pytest.mark.parametrize(
    ("case", "names", "family", "given", "prefix", "suffix"), NAMES, ids=[row[0] for row in NAMES]
)
def test_the_name_printed(
    case: str, names: list[Any], family: str, given: str, prefix: str, suffix: str
) -> None:
    patient = to_record({"resourceType": "Patient", "id": "p1", "name": names}, DEFAULT)
    assert isinstance(patient, Patient)
    assert (patient.family, patient.given, patient.prefix, patient.suffix) == (family, given, prefix, suffix)


def test_a_newborn_with_a_given_name_only_is_kept_and_reported() -> None:
    reading = Reading()
    patient = to_record(
        {"resourceType": "Patient", "id": "p1", "name": [{"given": ["Baby", "Girl"]}]}, DEFAULT, reading
    )
    assert isinstance(patient, Patient) and patient.family == "Baby Girl"
    assert reading.warnings == ["name.family is missing, the given names are printed as the name"]


def test_every_name_every_phone_and_the_home_postcode_are_kept_for_matching() -> None:
    resource = {
        "resourceType": "Patient",
        "id": "p1",
        "name": [
            {"use": "official", "family": "Martin", "given": ["Claire", "Anne"]},
            {"use": "maiden", "family": "Dupont", "given": ["Claire"]},
            {"use": "official", "family": "Martin", "given": ["Claire", "Anne"]},
        ],
        "telecom": [
            {"system": "phone", "use": "home", "value": "01 60 00 00 01"},
            {"system": "email", "value": "c@example.org"},
            {"system": "phone", "use": "mobile", "value": "06 12 34 56 78"},
        ],
        "address": [
            {"use": "old", "postalCode": "75011"},
            {"use": "home", "postalCode": "91100"},
        ],
    }
    patient = to_record(resource, DEFAULT)
    assert isinstance(patient, Patient)
    assert [(n.use, n.family, n.given) for n in patient.names] == [
        ("official", "Martin", "Claire Anne"),
        ("maiden", "Dupont", "Claire"),
    ]
    assert patient.phones == ("01 60 00 00 01", "06 12 34 56 78")
    assert patient.phone == "01 60 00 00 01"
    assert patient.postcode == "91100"


def test_a_patient_without_address_or_phone_has_none() -> None:
    patient = to_record({"resourceType": "Patient", "id": "p1", "name": [{"family": "Doe"}]}, DEFAULT)
    assert isinstance(patient, Patient)
    assert (patient.phones, patient.postcode) == ((), None)
    assert [(n.use, n.family) for n in patient.names] == [(None, "Doe")]
