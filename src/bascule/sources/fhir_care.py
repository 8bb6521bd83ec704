"""FHIR AllergyIntolerance, Flag, Condition and Appointment to records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bascule.clinical.records import (
    Activity,
    ActivityKind,
    Alert,
    Allergy,
    Problem,
    Urgency,
)
from bascule.sources.fhir_codes import (
    ACTIVITY_KIND_SYSTEM,
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
    required_reference,
)


def allergy_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Allergy:
    code, _system, label = as_concept(resource.get("code"), "code")
    reactions = as_list(resource.get("reaction"), "reaction")
    reaction = None
    if reactions:
        manifestations = as_list(
            as_object(reactions[0], "reaction").get("manifestation"), "reaction.manifestation"
        )
        reaction = as_concept(manifestations[0], "reaction.manifestation")[2] if manifestations else None
    categories = as_list(resource.get("category"), "category")
    return Allergy(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("patient"), "patient", "Patient"),
        substance=label or code or "",
        code=code,
        category=as_text(categories[0], "category") if categories else None,
        criticality=as_text(resource.get("criticality"), "criticality"),
        reaction=reaction,
        status=_clinical_status(resource),
    )


def _clinical_status(resource: Mapping[str, Any]) -> str:
    """clinicalStatus, unless verificationStatus withdrew the allergy or problem (then that)."""
    verification = as_status(resource.get("verificationStatus"), "verificationStatus")
    if verification in ("entered-in-error", "refuted"):
        return verification
    return as_status(resource.get("clinicalStatus"), "clinicalStatus") or "active"


def alert_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Alert:
    code, _system, label = as_concept(resource.get("code"), "code")
    categories = as_list(resource.get("category"), "category")
    return Alert(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        text=label or code or "",
        code=code,
        category=as_concept(categories[0], "category")[0] if categories else None,
        status=as_text(resource.get("status"), "status") or "active",
    )


def problem_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Problem:
    code, system, label = as_concept(resource.get("code"), "code")
    return Problem(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        label=label or code or "",
        code=code,
        system=system,
        status=_clinical_status(resource),
        onset=as_day(resource.get("onsetDateTime"), "onsetDateTime"),
    )


_IMAGING_WORDS = ("imag", "radio", "scan", "irm", "mri", "echo", "x-ray", "scanner", "ultrasound")


_SURGERY_WORDS = ("surg", "chirur", "operat", "bloc", "theatre")


def _activity_kind(resource: Mapping[str, Any]) -> ActivityKind:
    for item in as_list(resource.get("serviceCategory"), "serviceCategory"):
        for coding in as_list(as_object(item, "serviceCategory").get("coding"), "serviceCategory.coding"):
            entry = as_object(coding, "serviceCategory.coding")
            if entry.get("system") == ACTIVITY_KIND_SYSTEM and entry.get("code") in (
                "consultation",
                "imaging",
                "surgery",
            ):
                return entry["code"]  # type: ignore[no-any-return]
    words = (
        " ".join(
            (as_concept(item, "serviceType")[2] or "")
            for item in as_list(resource.get("serviceType"), "serviceType")
        ).lower()
        + " "
        + (as_text(resource.get("description"), "description") or "").lower()
    )
    if any(word in words for word in _IMAGING_WORDS):
        return "imaging"
    if any(word in words for word in _SURGERY_WORDS):
        return "surgery"
    return "consultation"


def activity_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Activity:
    patient = practitioner = unit = None
    for item in as_list(resource.get("participant"), "participant"):
        actor = as_object(as_object(item, "participant").get("actor"), "participant.actor")
        reference = as_text(actor.get("reference"), "participant.actor.reference") or ""
        kind = reference.split("/")[-2] if reference.count("/") >= 1 else ""
        target = reference_id(actor, "participant.actor")
        if kind == "Patient":
            patient = target
        elif kind == "Practitioner" and practitioner is None:
            practitioner = target
        elif kind == "Location" and unit is None:
            unit = target
    if patient is None:
        raise MalformedResource("participant Patient is missing")
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
    )
