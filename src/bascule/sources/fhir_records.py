"""FHIR R4 resources (JSON) to clinical records: the one place that knows FHIR's shapes.

`to_record(resource, default_version)` returns the record, or raises MalformedResource whose reason
names fields only, never values: a reason may be shown and logged, patient data may not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any

from bascule.clinical.records import (
    BLOOD_GROUP_LOINC,
    Activity,
    ActivityKind,
    Administration,
    Alert,
    Allergy,
    CareLocation,
    ClinicalRecord,
    LabResult,
    LocationKind,
    MedicationOrder,
    NationalSystem,
    Patient,
    Practitioner,
    Problem,
    Stay,
    Urgency,
    version_stamp,
)
from bascule.sources.fhir_fields import (
    MalformedResource,
    as_concept,
    as_day,
    as_list,
    as_moment,
    as_number,
    as_object,
    as_status,
    as_text,
    human_name,
    reference_id,
    required_reference,
    telecom,
)

RESOURCE_TYPES: tuple[str, ...] = (
    "Location",
    "Practitioner",
    "Patient",
    "Encounter",
    "AllergyIntolerance",
    "Flag",
    "Condition",
    "MedicationRequest",
    "MedicationAdministration",
    "Observation",
    "Appointment",
)

NATIONAL_SYSTEMS: Mapping[str, NationalSystem] = {
    "urn:oid:1.2.250.1.213.1.4.8": "INS",  # INS-NIR, France
    "urn:oid:1.2.250.1.213.1.4.10": "INS",  # INS-NIR test range
    "https://fhir.nhs.uk/Id/nhs-number": "NHS",
}
ACTIVITY_KIND_SYSTEM = "https://bascule.example.org/fhir/CodeSystem/activity-kind"
LOINC = "http://loinc.org"
# SNOMED CT codes of the ABO/Rh groups, as sent in Observation.valueCodeableConcept.
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
_LOCATION_KINDS: Mapping[str, LocationKind] = {
    "si": "site",
    "bu": "site",
    "wa": "unit",
    "wi": "unit",
    "lvl": "unit",
    "ro": "room",
    "bd": "bed",
}


def _patient(resource: Mapping[str, Any], rid: str, version: str) -> Patient:
    family, given = human_name(resource)
    mrn = national = None
    system: NationalSystem | None = None
    for item in as_list(resource.get("identifier"), "identifier"):
        identifier = as_object(item, "identifier")
        value = as_text(identifier.get("value"), "identifier.value")
        uri = as_text(identifier.get("system"), "identifier.system") or ""
        type_code = as_concept(identifier.get("type"), "identifier.type")[0]
        if uri in NATIONAL_SYSTEMS and value:
            national, system = value, NATIONAL_SYSTEMS[uri]
        elif (type_code == "MR" or uri.endswith("/mrn")) and value and mrn is None:
            mrn = value
    gender = as_text(resource.get("gender"), "gender") or "unknown"
    if gender not in ("female", "male", "other", "unknown"):
        raise MalformedResource("gender is not an R4 administrative gender")
    return Patient(
        id=rid,
        version=version,
        family=family,
        given=given,
        birth_date=as_day(resource.get("birthDate"), "birthDate"),
        sex=gender,  # type: ignore[arg-type]
        mrn=mrn,
        national_number=national,
        national_system=system,
        phone=telecom(resource, "phone"),
        email=telecom(resource, "email"),
    )


def _location(resource: Mapping[str, Any], rid: str, version: str) -> CareLocation:
    code = as_concept(resource.get("physicalType"), "physicalType")[0]
    kind = _LOCATION_KINDS.get(code or "", "other")
    part_of = reference_id(resource.get("partOf"), "partOf", "Location")
    name = as_text(resource.get("name"), "name") or rid
    return CareLocation(
        id=rid,
        version=version,
        name=name,
        kind=kind,
        part_of=part_of,
        site=part_of if kind == "unit" else None,
    )


def _stay(resource: Mapping[str, Any], rid: str, version: str) -> Stay:
    unit = bed = None
    for item in as_list(resource.get("location"), "location"):
        entry = as_object(item, "location")
        where = reference_id(entry.get("location"), "location.location", "Location")
        kind = _LOCATION_KINDS.get(as_concept(entry.get("physicalType"), "location.physicalType")[0] or "")
        if kind == "unit":
            unit = where
        elif where is not None:
            bed = where
    attending = None
    for item in as_list(resource.get("participant"), "participant"):
        entry = as_object(item, "participant")
        who = reference_id(entry.get("individual"), "participant.individual")
        roles = {as_concept(t, "participant.type")[0] for t in as_list(entry.get("type"), "participant.type")}
        if who and (attending is None or "ATND" in roles):
            attending = who
    period = as_object(resource.get("period"), "period")
    return Stay(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        status=as_text(resource.get("status"), "status") or "unknown",
        unit_id=unit,
        bed_location_id=bed,
        admitted_at=as_moment(period.get("start"), "period.start"),
        discharged_at=as_moment(period.get("end"), "period.end"),
        attending_id=attending,
    )


def _allergy(resource: Mapping[str, Any], rid: str, version: str) -> Allergy:
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


def _alert(resource: Mapping[str, Any], rid: str, version: str) -> Alert:
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


def _problem(resource: Mapping[str, Any], rid: str, version: str) -> Problem:
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


def _drug(resource: Mapping[str, Any]) -> tuple[str, str | None]:
    if "medicationCodeableConcept" in resource:
        code, _system, label = as_concept(resource["medicationCodeableConcept"], "medicationCodeableConcept")
    else:
        reference = as_object(resource.get("medicationReference"), "medicationReference")
        code, label = None, as_text(reference.get("display"), "medicationReference.display")
    if not (label or code):
        raise MalformedResource("medication is missing")
    return label or code or "", code


def _dose(entry: Any, field: str) -> tuple[float | None, str | None]:
    quantity = as_object(entry, field)
    return as_number(quantity.get("value"), f"{field}.value"), as_text(quantity.get("unit"), f"{field}.unit")


def _order(resource: Mapping[str, Any], rid: str, version: str) -> MedicationOrder:
    drug, code = _drug(resource)
    dosages = as_list(resource.get("dosageInstruction"), "dosageInstruction")
    dosage = as_object(dosages[0], "dosageInstruction") if dosages else {}
    repeat = as_object(
        as_object(dosage.get("timing"), "dosageInstruction.timing").get("repeat"), "timing.repeat"
    )
    times = set()
    for value in as_list(repeat.get("timeOfDay"), "timing.repeat.timeOfDay"):
        try:
            times.add(time.fromisoformat(as_text(value, "timing.repeat.timeOfDay") or ""))
        except ValueError:
            raise MalformedResource("timing.repeat.timeOfDay is not a valid time") from None
    rates = as_list(dosage.get("doseAndRate"), "dosageInstruction.doseAndRate")
    first_rate = as_object(rates[0], "doseAndRate") if rates else {}
    dose_value, dose_unit = _dose(first_rate.get("doseQuantity"), "doseQuantity")
    validity = as_object(
        as_object(resource.get("dispenseRequest"), "dispenseRequest").get("validityPeriod"),
        "dispenseRequest.validityPeriod",
    )
    as_needed = dosage.get("asNeededBoolean", False)
    if not isinstance(as_needed, bool):
        raise MalformedResource("dosageInstruction.asNeededBoolean is not a boolean")
    return MedicationOrder(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        drug=drug,
        drug_code=code,
        dose_value=dose_value,
        dose_unit=dose_unit,
        route=as_concept(dosage.get("route"), "dosageInstruction.route")[2],
        times=tuple(sorted(times)),
        frequency=as_text(dosage.get("text"), "dosageInstruction.text"),
        as_needed=as_needed,
        status=as_text(resource.get("status"), "status") or "unknown",
        start=as_moment(validity.get("start"), "validityPeriod.start"),
        end=as_moment(validity.get("end"), "validityPeriod.end"),
        prescriber_id=reference_id(resource.get("requester"), "requester"),
    )


def _administration(resource: Mapping[str, Any], rid: str, version: str) -> Administration:
    drug, _code = _drug(resource)
    given_at = as_moment(resource.get("effectiveDateTime"), "effectiveDateTime") or as_moment(
        as_object(resource.get("effectivePeriod"), "effectivePeriod").get("start"), "effectivePeriod.start"
    )
    if given_at is None:
        raise MalformedResource("effective[x] is missing")
    dosage = as_object(resource.get("dosage"), "dosage")
    dose_value, dose_unit = _dose(dosage.get("dose"), "dosage.dose")
    performers = as_list(resource.get("performer"), "performer")
    first_performer = as_object(performers[0], "performer") if performers else {}
    performer = reference_id(first_performer.get("actor"), "performer.actor")
    return Administration(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        drug=drug,
        given_at=given_at,
        order_id=reference_id(resource.get("request"), "request", "MedicationRequest"),
        dose_value=dose_value,
        dose_unit=dose_unit,
        route=as_concept(dosage.get("route"), "dosage.route")[2],
        status=as_text(resource.get("status"), "status") or "unknown",
        performer_id=performer,
    )


def _result(resource: Mapping[str, Any], rid: str, version: str) -> LabResult:
    code, _system, label = as_concept(resource.get("code"), "code")
    codings = as_list(as_object(resource.get("code"), "code").get("coding"), "code.coding")
    loinc = next((c.get("code") for c in codings if isinstance(c, dict) and c.get("system") == LOINC), None)
    code = as_text(loinc, "code.coding.code") or code
    if not code:
        raise MalformedResource("code is missing")
    effective = as_moment(resource.get("effectiveDateTime"), "effectiveDateTime") or as_moment(
        resource.get("issued"), "issued"
    )
    if effective is None:
        raise MalformedResource("effectiveDateTime is missing")
    quantity = as_object(resource.get("valueQuantity"), "valueQuantity")
    value_text = as_text(resource.get("valueString"), "valueString")
    if "valueCodeableConcept" in resource:
        concept_code, _s, concept_label = as_concept(resource["valueCodeableConcept"], "valueCodeableConcept")
        value_text = BLOOD_GROUP_SNOMED.get(concept_code or "", concept_label or concept_code)
    ranges = as_list(resource.get("referenceRange"), "referenceRange")
    reference = as_object(ranges[0], "referenceRange") if ranges else {}
    interpretations = as_list(resource.get("interpretation"), "interpretation")
    flag = as_concept(interpretations[0], "interpretation")[0] if interpretations else None
    if code == BLOOD_GROUP_LOINC and value_text is None:
        raise MalformedResource("the blood group has no value")
    return LabResult(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        code=code,
        label=label or code,
        effective_at=effective,
        value=as_number(quantity.get("value"), "valueQuantity.value"),
        value_text=value_text,
        unit=as_text(quantity.get("unit"), "valueQuantity.unit"),
        low=as_number(
            as_object(reference.get("low"), "referenceRange.low").get("value"), "referenceRange.low.value"
        ),
        high=as_number(
            as_object(reference.get("high"), "referenceRange.high").get("value"), "referenceRange.high.value"
        ),
        flag=flag if flag in ("N", "L", "H", "LL", "HH", "A") else None,  # type: ignore[arg-type]
        status=as_text(resource.get("status"), "status") or "unknown",
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


def _activity(resource: Mapping[str, Any], rid: str, version: str) -> Activity:
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
    start = as_moment(resource.get("start"), "start")
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
        end=as_moment(resource.get("end"), "end"),
        description=as_text(resource.get("description"), "description") or "",
        unit_id=unit,
        practitioner_id=practitioner,
        urgency=urgency,
        status=as_text(resource.get("status"), "status") or "unknown",
    )


def _practitioner(resource: Mapping[str, Any], rid: str, version: str) -> Practitioner:
    family, given = human_name(resource)
    qualifications = as_list(resource.get("qualification"), "qualification")
    qualification = as_object(qualifications[0], "qualification") if qualifications else {}
    specialty = as_concept(qualification.get("code"), "qualification.code")[2]
    return Practitioner(
        id=rid,
        version=version,
        family=family,
        given=given,
        specialty=specialty,
        phone=telecom(resource, "phone"),
        email=telecom(resource, "email"),
    )


_BUILDERS: Mapping[str, Callable[[Mapping[str, Any], str, str], ClinicalRecord]] = {
    "Patient": _patient,
    "Location": _location,
    "Encounter": _stay,
    "AllergyIntolerance": _allergy,
    "Flag": _alert,
    "Condition": _problem,
    "MedicationRequest": _order,
    "MedicationAdministration": _administration,
    "Observation": _result,
    "Appointment": _activity,
    "Practitioner": _practitioner,
}


RECORD_CLASS_OF: Mapping[str, type[ClinicalRecord]] = {
    "Patient": Patient, "Location": CareLocation, "Encounter": Stay, "AllergyIntolerance": Allergy,
    "Flag": Alert, "Condition": Problem, "MedicationRequest": MedicationOrder,
    "MedicationAdministration": Administration, "Observation": LabResult, "Appointment": Activity,
    "Practitioner": Practitioner,
}  # fmt: skip


def resource_identity(resource: Any) -> tuple[str, str | None]:
    """(resourceType, id) as far as they can be read, for reporting."""
    if not isinstance(resource, dict):
        return "unknown", None
    kind = resource.get("resourceType")
    rid = resource.get("id")
    return (
        kind if isinstance(kind, str) and kind.isalpha() else "unknown",
        rid if isinstance(rid, str) and 0 < len(rid) <= 64 else None,
    )


def _version(last_updated: Any, default_version: str) -> str:
    """The version stamp of meta.lastUpdated; the common UTC form is reshaped without a full parse."""
    text = last_updated if isinstance(last_updated, str) else ""
    if len(text) in (20, 24) and text[-1] == "Z" and text[19] in ".Z":
        separators = (text[4], text[7], text[10], text[13], text[16])
        digits = text[:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:19] + text[20:23]
        if separators == ("-", "-", "T", ":", ":") and digits.isdigit():
            try:
                time(int(text[11:13]), int(text[14:16]), int(text[17:19]))
                date(int(text[:4]), int(text[5:7]), int(text[8:10]))
            except ValueError:
                raise MalformedResource("meta.lastUpdated is not a valid instant") from None
            return f"{text[:19]}.{text[20:23] if len(text) == 24 else '000'}000Z"
    updated = as_moment(last_updated, "meta.lastUpdated")
    return version_stamp(updated) if updated is not None else default_version


def to_record(resource: Any, default_version: str) -> ClinicalRecord:
    """The record for one FHIR R4 resource; MalformedResource says why it cannot be used."""
    if not isinstance(resource, dict):
        raise MalformedResource("the resource is not a JSON object")
    kind = resource.get("resourceType")
    builder = _BUILDERS.get(kind) if isinstance(kind, str) else None
    if builder is None:
        raise MalformedResource("resourceType is missing or not one Bascule keeps")
    rid = resource.get("id")
    if not isinstance(rid, str) or not rid:
        raise MalformedResource("id is missing")
    version = _version(as_object(resource.get("meta"), "meta").get("lastUpdated"), default_version)
    try:
        return builder(resource, rid, version)
    except MalformedResource:
        raise
    except ValueError as invalid:  # the record's own checks: messages name ids and fields only
        raise MalformedResource(str(invalid)) from None
    except (TypeError, AttributeError, KeyError) as broken:
        raise MalformedResource(f"unexpected structure ({type(broken).__name__})") from None
