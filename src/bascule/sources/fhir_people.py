"""FHIR Patient and Practitioner to records: names, identifiers, contact points."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bascule.clinical.records import (
    NationalSystem,
    Patient,
    Practitioner,
)
from bascule.sources.fhir_codes import (
    NATIONAL_SYSTEMS,
)
from bascule.sources.fhir_fields import (
    MalformedResource,
    Reading,
    as_concept,
    as_day,
    as_list,
    as_object,
    as_text,
    human_name,
    telecom,
)


def patient_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Patient:
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


def practitioner_record(
    resource: Mapping[str, Any], rid: str, version: str, reading: Reading
) -> Practitioner:
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
