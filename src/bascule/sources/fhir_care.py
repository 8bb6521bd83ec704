"""FHIR AllergyIntolerance, Flag, Condition and Appointment to records."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bascule.clinical.records import (
    ACTIVITY_KINDS,
    NO_KNOWN_ALLERGY,
    Activity,
    ActivityKind,
    Alert,
    Allergy,
    Problem,
    Urgency,
)
from bascule.sources.fhir_codes import (
    ACTIVITY_KIND_SYSTEM,
    CROSS_MATCHED_UNITS_EXTENSION,
    NO_KNOWN_ALLERGY_CODES,
    SNOMED,
)
from bascule.sources.fhir_fields import (
    MalformedResource,
    Reading,
    as_concept,
    as_day,
    as_list,
    as_moment,
    as_object,
    as_status,
    as_text,
    reference_id,
    reference_parts,
    required_reference,
)

WITHDRAWN = ("entered-in-error", "refuted")
ALLERGY_CATEGORIES = ("food", "medication", "environment", "biologic")


def allergy_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Allergy:
    code, _system, substance = _coded(resource.get("code"), "code", prefer=SNOMED)
    reactions = [as_object(item, "reaction") for item in as_list(resource.get("reaction"), "reaction")]
    if substance is None:  # older exports name the substance in the reaction only
        for reaction in reactions:
            code, _system, substance = _coded(reaction.get("substance"), "reaction.substance", prefer=SNOMED)
            if substance is not None:
                break
    if substance is None:
        raise MalformedResource("code is missing")
    status = _clinical_status(resource)
    if status not in WITHDRAWN and _no_known_allergy(code, substance):
        status = NO_KNOWN_ALLERGY
    categories = [as_text(item, "category") for item in as_list(resource.get("category"), "category")]
    if any(category not in ALLERGY_CATEGORIES for category in categories):
        reading.warn("category is not an R4 allergy category")
    return Allergy(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("patient"), "patient", "Patient"),
        substance=substance,
        code=code,
        category=",".join(category for category in categories if category) or None,
        criticality=as_text(resource.get("criticality"), "criticality"),
        reaction=_manifestations(reactions),
        status=status,
        severity=_worst_severity(reactions, reading),
        kind=as_text(resource.get("type"), "type"),
        verification=None
        if status in WITHDRAWN
        else as_status(resource.get("verificationStatus"), "verificationStatus"),
    )


def _coded(value: Any, field: str, prefer: str | None = None) -> tuple[str | None, str | None, str | None]:
    """(code, system, label) of a CodeableConcept sent with several codings: the code of the
    `prefer`red system (else the first), the label from the text, else any display, else the code."""
    concept = as_object(value, field)
    codings = [
        as_object(item, f"{field}.coding") for item in as_list(concept.get("coding"), f"{field}.coding")
    ]
    coded = [coding for coding in codings if as_text(coding.get("code"), f"{field}.coding.code")]
    chosen = next((coding for coding in coded if coding.get("system") == prefer), coded[0] if coded else {})
    code = as_text(chosen.get("code"), f"{field}.coding.code")
    system = as_text(chosen.get("system"), f"{field}.coding.system")
    displays = [as_text(coding.get("display"), f"{field}.coding.display") for coding in [chosen, *codings]]
    written = as_text(concept.get("text"), f"{field}.text")
    label = next((text.strip() for text in (written, *displays) if text and text.strip()), None)
    return code, system, label or code


def _no_known_allergy(code: str | None, substance: str) -> bool:
    """The record that the patient has no known allergy (SNOMED CT, or the words EHRs write)."""
    return code in NO_KNOWN_ALLERGY_CODES or " ".join(substance.lower().split()) in _NO_KNOWN_WORDS


_NO_KNOWN_WORDS = frozenset(
    {
        "nka",
        "nkda",
        "nkfa",
        "no known allergies",
        "no known allergy",
        "no known drug allergies",
        "no known drug allergy",
        "no known food allergy",
        "no known food allergies",
        "aucune allergie connue",
        "pas d'allergie connue",
    }
)


def _manifestations(reactions: list[Mapping[str, Any]]) -> str | None:
    """Every manifestation of every reaction, each once, in the source's order."""
    seen: dict[str, None] = {}
    for reaction in reactions:
        for item in as_list(reaction.get("manifestation"), "reaction.manifestation"):
            label = _coded(item, "reaction.manifestation")[2]
            if label:
                seen.setdefault(label, None)
        described = as_text(reaction.get("description"), "reaction.description")
        if described and not seen:
            seen.setdefault(described.strip(), None)
    return ", ".join(seen) or None


_SEVERITIES = ("mild", "moderate", "severe")


def _worst_severity(reactions: list[Mapping[str, Any]], reading: Reading) -> str | None:
    found = [as_text(reaction.get("severity"), "reaction.severity") for reaction in reactions]
    known = [severity for severity in found if severity in _SEVERITIES]
    if len(known) < len([severity for severity in found if severity]):
        reading.warn("reaction.severity is not mild, moderate or severe")
    return max(known, key=_SEVERITIES.index) if known else None


def _clinical_status(resource: Mapping[str, Any]) -> str:
    """clinicalStatus, unless verificationStatus withdrew the allergy or problem (then that)."""
    verification = as_status(resource.get("verificationStatus"), "verificationStatus")
    if verification in WITHDRAWN:
        return verification
    return as_status(resource.get("clinicalStatus"), "clinicalStatus") or "active"


def alert_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Alert:
    code, _system, label = _coded(resource.get("code"), "code")
    if label is None:
        raise MalformedResource("code is missing")
    categories = as_list(resource.get("category"), "category")
    return Alert(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        text=label,
        code=code,
        category=_coded(categories[0], "category")[0] if categories else None,
        status=as_text(resource.get("status"), "status") or "active",
    )


def problem_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Problem:
    code, system, label = _coded(resource.get("code"), "code")
    if label is None:
        raise MalformedResource("code is missing")
    status = _clinical_status(resource)
    if status in ("recurrence", "relapse"):  # back again: an active problem
        status = "active"
    if resource.get("clinicalStatus") is None and status == "active" and _has_abatement(resource):
        status = "resolved"
    categories = as_list(resource.get("category"), "category")
    return Problem(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        label=label,
        code=code,
        system=system,
        status=status,
        onset=_onset(resource, reading),
        category=_coded(categories[0], "category")[0] if categories else None,
    )


def _has_abatement(resource: Mapping[str, Any]) -> bool:
    return any(key.startswith("abatement") for key in resource)


def _onset(resource: Mapping[str, Any], reading: Reading) -> date | None:
    """onsetDateTime or onsetPeriod's start; an age, a range or a text is not a date (noted)."""
    if "onsetDateTime" in resource:
        return as_day(resource["onsetDateTime"], "onsetDateTime")
    if "onsetPeriod" in resource:
        return as_day(as_object(resource["onsetPeriod"], "onsetPeriod").get("start"), "onsetPeriod.start")
    for key in ("onsetAge", "onsetRange", "onsetString"):
        if key in resource:
            reading.warn(f"{key} is not kept: the onset is not a date")
    return None


_IMAGING_WORDS = ("imag", "radio", "scan", "irm", "mri", "echo", "x-ray", "scanner", "ultrasound")


_SURGERY_WORDS = ("surg", "chirur", "operat", "bloc", "theatre")
# Outpatient and GP phlebotomy: rationed to the urgent ones while the laboratory runs on its
# downtime menu (issue 19).
_BLOOD_TEST_WORDS = (
    "phlebotomy", "venepuncture", "venipuncture", "blood test", "blood draw", "prise de sang",
    "prélèvement sanguin", "prelevement sanguin", "bilan sanguin",
)  # fmt: skip


def _activity_kind(resource: Mapping[str, Any]) -> ActivityKind:
    for item in as_list(resource.get("serviceCategory"), "serviceCategory"):
        for coding in as_list(as_object(item, "serviceCategory").get("coding"), "serviceCategory.coding"):
            entry = as_object(coding, "serviceCategory.coding")
            if entry.get("system") == ACTIVITY_KIND_SYSTEM and entry.get("code") in ACTIVITY_KINDS:
                return entry["code"]  # type: ignore[no-any-return]
    words = (
        " ".join(
            (as_concept(item, "serviceType")[2] or "")
            for item in as_list(resource.get("serviceType"), "serviceType")
        ).lower()
        + " "
        + (as_text(resource.get("description"), "description") or "").lower()
    )
    if any(word in words for word in _BLOOD_TEST_WORDS):
        return "blood-test"
    if any(word in words for word in _IMAGING_WORDS):
        return "imaging"
    if any(word in words for word in _SURGERY_WORDS):
        return "surgery"
    return "consultation"


# v3 ParticipationType codes of the people who see the patient (attender, performers, consultant).
_PRACTITIONER_ROLES = frozenset({"ATND", "PPRF", "SPRF", "PRF", "PART", "CON", "ADM", "REF", "DIS"})


def _actor_kind(actor: Mapping[str, Any], participant: Mapping[str, Any]) -> str | None:
    """What a participant's actor is: from its reference, else Reference.type, else the
    participant's role (an actor given by identifier only has no reference)."""
    reference = as_text(actor.get("reference"), "participant.actor.reference") or ""
    parts = reference.split("/_history")[0].rstrip("/").split("/")
    if len(parts) >= 2:
        return parts[-2]
    written = as_text(actor.get("type"), "participant.actor.type")
    if written:
        return written
    roles = {
        as_text(as_object(coding, "participant.type.coding").get("code"), "participant.type.coding.code")
        for concept in as_list(participant.get("type"), "participant.type")
        for coding in as_list(as_object(concept, "participant.type").get("coding"), "participant.type.coding")
    }
    return "Practitioner" if roles & _PRACTITIONER_ROLES else None


def activity_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Activity:
    patient = practitioner = shown = unit = None
    for item in as_list(resource.get("participant"), "participant"):
        participant = as_object(item, "participant")
        actor = as_object(participant.get("actor"), "participant.actor")
        kind = _actor_kind(actor, participant)
        if kind == "Patient":
            patient = patient or reference_id(actor, "participant.actor")
        elif kind in ("Practitioner", "PractitionerRole") and practitioner is None and shown is None:
            target, shown = reference_parts(actor, "participant.actor")
            # A PractitionerRole's id is not a practitioner's: keep who it names as text.
            practitioner = target if kind == "Practitioner" else None
        elif kind == "Location" and unit is None:
            unit = reference_id(actor, "participant.actor")
    if patient is None:
        raise MalformedResource("participant Patient is missing or has no reference")
    start = as_moment(resource.get("start"), "start", reading.zone)
    if start is None:
        raise MalformedResource("start is missing")
    priority = resource.get("priority")
    if priority is not None and (isinstance(priority, bool) or not isinstance(priority, int)):
        raise MalformedResource("priority is not an integer")
    urgency: Urgency = "routine"
    if as_concept(resource.get("appointmentType"), "appointmentType")[0] == "EMERGENCY":
        urgency = "emergency"
    elif priority is not None and 1 <= priority <= 3:
        urgency = "urgent"
    return Activity(
        id=rid,
        version=version,
        patient_id=patient,
        kind=_activity_kind(resource),
        start=start,
        end=as_moment(resource.get("end"), "end", reading.zone),
        description=as_text(resource.get("description"), "description") or "",
        unit_id=unit,
        practitioner_id=practitioner,
        urgency=urgency,
        status=as_text(resource.get("status"), "status") or "unknown",
        practitioner_display=shown,
        cross_matched_units=_cross_matched_units(resource),
    )


def _cross_matched_units(resource: Mapping[str, Any]) -> int:
    """The cross-matched units extension (0 without it). A value that is not a whole number of 0 or
    more refuses the appointment: a guess could send a patient to theatre without blood reserved."""
    for item in as_list(resource.get("extension"), "extension"):
        extension = as_object(item, "extension")
        if extension.get("url") != CROSS_MATCHED_UNITS_EXTENSION:
            continue
        given = [key for key in extension if key.startswith("value")]
        value = extension.get("valueUnsignedInt", extension.get("valueInteger"))
        if given not in (["valueUnsignedInt"], ["valueInteger"]) or isinstance(value, bool):
            raise MalformedResource("extension cross-matched-units needs a valueUnsignedInt")
        if not isinstance(value, int) or value < 0:
            raise MalformedResource("extension cross-matched-units is not a whole number of 0 or more")
        return value
    return 0
