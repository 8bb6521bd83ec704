"""FHIR Patient and Practitioner to records: names, identifiers, contact points.

The MRN is the identifier the hospital's map names (`mrn_systems`), else the one typed MR (the
v2-0203 code, or "MRN" as Epic writes type.text), else the internal id PI (the French IPP), else the
one marked `use: official`. A national number (INS, NHS number) is kept apart and never taken as
the MRN; a US social security number, a driving licence or a passport is neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from bascule.clinical.records import (
    NAME_USES,
    NationalSystem,
    Patient,
    PersonName,
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
    telecom,
)

_IDENTIFIER_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203"
_MRN_WORDS = frozenset({"MR", "MRN", "MEDICAL RECORD NUMBER"})
# Identifiers that are never the MRN, whatever their `use` (v2-0203 codes and well-known systems).
_OTHER_TYPES = frozenset(
    {"SS", "SB", "DL", "PPN", "NI", "NH", "NNFRA", "NNGBR", "TAX", "DR", "NPI", "AN", "VN"}
)
_OTHER_SYSTEMS = frozenset({"http://hl7.org/fhir/sid/us-ssn", "urn:oid:2.16.840.1.113883.4.1"})
_USE_RANK = {"usual": 0, "official": 0, None: 1, "secondary": 2, "temp": 3}
_NAME_RANK = {"official": 0, "usual": 1, None: 2, "nickname": 3, "anonymous": 3, "temp": 3}


def patient_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> Patient:
    name = _chosen_name(resource, reading)
    national, system = _national_number(resource, reading)
    gender = as_text(resource.get("gender"), "gender") or "unknown"
    if gender not in ("female", "male", "other", "unknown"):
        raise MalformedResource("gender is not an R4 administrative gender")
    return Patient(
        id=rid,
        version=version,
        family=name.family,
        given=name.given,
        prefix=name.prefix,
        suffix=name.suffix,
        birth_date=as_day(resource.get("birthDate"), "birthDate"),
        sex=gender,  # type: ignore[arg-type]
        mrn=_mrn(resource, reading),
        national_number=national,
        national_system=system,
        phone=telecom(resource, "phone"),
        email=telecom(resource, "email"),
        names=_all_names(resource),
        phones=_phones(resource),
        postcode=_postcode(resource),
    )


def _all_names(resource: Mapping[str, Any]) -> tuple[PersonName, ...]:
    """Every name with a family or a given name, in the source's order, without repeats."""
    found: list[PersonName] = []
    for item in as_list(resource.get("name"), "name"):
        name = as_object(item, "name")
        use = as_text(name.get("use"), "name.use")
        family = (as_text(name.get("family"), "name.family") or "").strip()
        given = _words(name.get("given"), "name.given")
        if not family and not given:
            continue
        entry = PersonName(family=family, given=given, use=next((u for u in NAME_USES if u == use), None))
        if entry not in found:
            found.append(entry)
    return tuple(found)


def _phones(resource: Mapping[str, Any]) -> tuple[str, ...]:
    """Every phone number (home, mobile, work), in the source's order, without repeats."""
    found: list[str] = []
    for point in as_list(resource.get("telecom"), "telecom"):
        entry = as_object(point, "telecom")
        value = (as_text(entry.get("value"), "telecom.value") or "").strip()
        if entry.get("system") in ("phone", "sms") and value and value not in found:
            found.append(value)
    return tuple(found)


def _postcode(resource: Mapping[str, Any]) -> str | None:
    """The home address's postal code, else the first address's that has one (an old one last)."""
    ranked: list[tuple[int, int, str]] = []
    for index, item in enumerate(as_list(resource.get("address"), "address")):
        address = as_object(item, "address")
        code = (as_text(address.get("postalCode"), "address.postalCode") or "").strip()
        if code:
            use = as_text(address.get("use"), "address.use")
            ranked.append(({"home": 0, None: 1, "old": 3}.get(use, 2), index, code))
    return min(ranked)[2] if ranked else None


def practitioner_record(
    resource: Mapping[str, Any], rid: str, version: str, reading: Reading
) -> Practitioner:
    name = _chosen_name(resource, reading)
    qualifications = as_list(resource.get("qualification"), "qualification")
    qualification = as_object(qualifications[0], "qualification") if qualifications else {}
    specialty = as_concept(qualification.get("code"), "qualification.code")[2]
    return Practitioner(
        id=rid,
        version=version,
        family=name.family,
        given=name.given,
        specialty=specialty,
        phone=telecom(resource, "phone"),
        email=telecom(resource, "email"),
    )


class _Name(NamedTuple):
    family: str
    given: str
    prefix: str
    suffix: str


def _words(value: Any, field: str) -> str:
    return " ".join(word.strip() for item in as_list(value, field) if (word := as_text(item, field)))


def _chosen_name(resource: Mapping[str, Any], reading: Reading) -> _Name:
    """The official name first, then the usual one; an old or maiden name only when alone."""
    names = [as_object(item, "name") for item in as_list(resource.get("name"), "name")]
    if not names:
        raise MalformedResource("name is missing")
    chosen = min(names, key=lambda name: _NAME_RANK.get(as_text(name.get("use"), "name.use"), 4))
    family = (as_text(chosen.get("family"), "name.family") or "").strip()
    given = _words(chosen.get("given"), "name.given")
    if not family:
        family = (as_text(chosen.get("text"), "name.text") or "").strip()
        given = "" if family else given
    if not family and given:
        reading.warn("name.family is missing, the given names are printed as the name")
        family, given = given, ""
    if not family:
        raise MalformedResource("name has neither family, given nor text")
    return _Name(
        family,
        given,
        _words(chosen.get("prefix"), "name.prefix"),
        _words(chosen.get("suffix"), "name.suffix"),
    )


def _identifiers(resource: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], str, str, str | None]]:
    """(identifier, value, system, use) of every identifier with a value, in the source's order."""
    found = []
    for item in as_list(resource.get("identifier"), "identifier"):
        identifier = as_object(item, "identifier")
        value = (as_text(identifier.get("value"), "identifier.value") or "").strip()
        if value:
            system = as_text(identifier.get("system"), "identifier.system") or ""
            found.append((identifier, value, system, as_text(identifier.get("use"), "identifier.use")))
    return found


def _national_number(
    resource: Mapping[str, Any], reading: Reading
) -> tuple[str | None, NationalSystem | None]:
    numbers = [(value, NATIONAL_SYSTEMS[system]) for _i, value, system, use in _identifiers(resource)
               if system in NATIONAL_SYSTEMS and use != "old"]  # fmt: skip
    if len({value for value, _system in numbers}) > 1:
        reading.warn("identifier holds several national numbers, the first is kept")
    return numbers[0] if numbers else (None, None)


def _type_codes(identifier: Mapping[str, Any]) -> set[str]:
    """The identifier's type codes (v2-0203 or unsystemed) and its type text, upper-cased."""
    concept = as_object(identifier.get("type"), "identifier.type")
    codes = {
        code.upper()
        for item in as_list(concept.get("coding"), "identifier.type.coding")
        if as_object(item, "identifier.type.coding").get("system") in (None, _IDENTIFIER_TYPES)
        and (
            code := as_text(
                as_object(item, "identifier.type.coding").get("code"), "identifier.type.coding.code"
            )
        )
    }
    written = as_text(concept.get("text"), "identifier.type.text")
    return codes | ({written.strip().upper()} if written else set())


def _mrn(resource: Mapping[str, Any], reading: Reading) -> str | None:
    candidates: list[tuple[int, int, int, str]] = []
    for index, (identifier, value, system, use) in enumerate(_identifiers(resource)):
        if use == "old" or system in NATIONAL_SYSTEMS or system in _OTHER_SYSTEMS:
            continue
        types = _type_codes(identifier)
        if system and system in reading.settings.mrn_systems:
            tier = 0
        elif types & _MRN_WORDS:
            tier = 1
        elif "PI" in types:
            tier = 2
        elif use == "official" and not types & _OTHER_TYPES:
            tier = 3
        else:
            continue
        candidates.append((tier, _USE_RANK.get(use, 2), index, value))
    if not candidates:
        return None
    candidates.sort()
    best = [value for tier, _rank, _index, value in candidates if tier == candidates[0][0]]
    if len(set(best)) > 1:
        reading.warn("identifier holds several MRNs of the same kind, the first is kept")
    return candidates[0][3]
