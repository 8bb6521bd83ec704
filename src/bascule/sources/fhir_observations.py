"""FHIR Observation to lab results (and the ABO/Rh blood group)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bascule.clinical.records import (
    BLOOD_GROUP_LOINC,
    LabResult,
)
from bascule.sources.fhir_codes import (
    BLOOD_GROUP_SNOMED,
    LOINC,
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
    required_reference,
)


def result_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> LabResult:
    code, _system, label = as_concept(resource.get("code"), "code")
    codings = as_list(as_object(resource.get("code"), "code").get("coding"), "code.coding")
    loinc = next((c.get("code") for c in codings if isinstance(c, dict) and c.get("system") == LOINC), None)
    code = as_text(loinc, "code.coding.code") or code
    if not code:
        raise MalformedResource("code is missing")
    effective = as_moment(resource.get("effectiveDateTime"), "effectiveDateTime", reading.zone) or as_moment(
        resource.get("issued"), "issued", reading.zone
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
