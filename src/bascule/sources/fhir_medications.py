"""FHIR MedicationRequest and MedicationAdministration to records: drugs, doses, schedules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time
from typing import Any

from bascule.clinical.records import (
    Administration,
    MedicationOrder,
)
from bascule.sources.fhir_fields import (
    MalformedResource,
    Reading,
    as_concept,
    as_list,
    as_moment,
    as_number,
    as_object,
    as_text,
    reference_id,
    required_reference,
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


def order_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> MedicationOrder:
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
        start=as_moment(validity.get("start"), "validityPeriod.start", reading.zone),
        end=as_moment(validity.get("end"), "validityPeriod.end", reading.zone),
        prescriber_id=reference_id(resource.get("requester"), "requester"),
    )


def administration_record(
    resource: Mapping[str, Any], rid: str, version: str, reading: Reading
) -> Administration:
    drug, _code = _drug(resource)
    given_at = as_moment(resource.get("effectiveDateTime"), "effectiveDateTime", reading.zone) or as_moment(
        as_object(resource.get("effectivePeriod"), "effectivePeriod").get("start"),
        "effectivePeriod.start",
        reading.zone,
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
