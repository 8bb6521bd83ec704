"""FHIR code systems and codes Bascule reads and writes."""

from __future__ import annotations

from collections.abc import Mapping

from bascule.clinical.records import LocationKind, NationalSystem

NATIONAL_SYSTEMS: Mapping[str, NationalSystem] = {
    "urn:oid:1.2.250.1.213.1.4.8": "INS",  # INS-NIR, France
    "urn:oid:1.2.250.1.213.1.4.10": "INS",  # INS-NIR test range
    "https://fhir.nhs.uk/Id/nhs-number": "NHS",
}
ACTIVITY_KIND_SYSTEM = "https://bascule.example.org/fhir/CodeSystem/activity-kind"
# Appointment extension: units of cross-matched red cells to reserve (the hospital's maximum
# surgical blood ordering schedule), valueUnsignedInt; absent means none.
CROSS_MATCHED_UNITS_EXTENSION = "https://bascule.example.org/fhir/StructureDefinition/cross-matched-units"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
# SNOMED CT situations "no known allergy" (any, drug, food, environmental, insect).
NO_KNOWN_ALLERGY_CODES = frozenset({"716186003", "409137002", "429625007", "428607008", "428197003"})
BLOOD_GROUP_SNOMED: Mapping[str, str] = {
    "278147001": "O+",
    "278148006": "O-",
    "278149003": "A+",
    "278152006": "A-",
    "278150003": "B+",
    "278153001": "B-",
    "278151004": "AB+",
    "278154007": "AB-",
}
LOCATION_KINDS: Mapping[str, LocationKind] = {
    "si": "site",
    "bu": "site",
    "wa": "unit",
    "wi": "unit",
    "lvl": "unit",
    "ro": "room",
    "bd": "bed",
}
# Encounter.status as sources spell it -> the FHIR R4 code: R4 itself, R5 (on-hold, discharged,
# completed, discontinued) and the spellings of vendor exports (InProgress, in_progress, active).
ENCOUNTER_STATUSES: Mapping[str, str] = {
    "planned": "planned",
    "arrived": "arrived",
    "triaged": "triaged",
    "in-progress": "in-progress",
    "inprogress": "in-progress",
    "active": "in-progress",
    "onleave": "onleave",
    "on-leave": "onleave",
    "on-hold": "onleave",
    "finished": "finished",
    "discharged": "finished",
    "completed": "finished",
    "discontinued": "finished",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "entered-in-error": "entered-in-error",
    "unknown": "unknown",
}
