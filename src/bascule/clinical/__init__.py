"""The clinical data kept for downtime: frozen, FHIR-free records and the views read from them."""

from bascule.clinical.allergy_conflicts import AllergyConflict, conflicts
from bascule.clinical.dosage import DoseLine
from bascule.clinical.records import (
    ACTIVITY_KINDS,
    BLOOD_GROUP_LOINC,
    BLOOD_GROUPS,
    Activity,
    Administration,
    Alert,
    Allergy,
    CareLocation,
    ClinicalRecord,
    LabResult,
    MedicationOrder,
    Patient,
    PersonName,
    Practitioner,
    Problem,
    Record,
    Stay,
    version_stamp,
)
from bascule.clinical.settings import HospitalSettings, settings_of
from bascule.clinical.views import CensusEntry, Chart, DoseDue, ScheduledActivity, UnitCensus

__all__ = [
    "ACTIVITY_KINDS",
    "BLOOD_GROUPS",
    "BLOOD_GROUP_LOINC",
    "Activity",
    "Administration",
    "Alert",
    "Allergy",
    "AllergyConflict",
    "CareLocation",
    "CensusEntry",
    "Chart",
    "ClinicalRecord",
    "DoseDue",
    "DoseLine",
    "HospitalSettings",
    "LabResult",
    "MedicationOrder",
    "Patient",
    "PersonName",
    "Practitioner",
    "Problem",
    "Record",
    "ScheduledActivity",
    "Stay",
    "UnitCensus",
    "conflicts",
    "settings_of",
    "version_stamp",
]
