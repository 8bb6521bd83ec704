"""Reading FHIR R4 JSON fields defensively: every failure names the field, never its value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from bascule.clinical.settings import HospitalSettings


@dataclass
class Reading:
    """What reading one resource needs besides it: the hospital's settings, and where to note what
    was kept but not fully understood (a value kept as text, a reference kept as its display)."""

    settings: HospitalSettings = field(default_factory=HospitalSettings)
    warnings: list[str] = field(default_factory=list)

    @property
    def zone(self) -> tzinfo:
        return self.settings.zone

    def warn(self, reason: str) -> None:
        """Note a reading doubt; `reason` names fields, never values."""
        self.warnings.append(reason)


class MalformedResource(Exception):
    """A resource that cannot become a record; `reason` names fields, never patient values."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def as_text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedResource(f"{field} is not a string")
    return value


def as_list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResource(f"{field} is not a list")
    return value


def as_object(value: Any, field: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedResource(f"{field} is not an object")
    return value


def as_number(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedResource(f"{field} is not a number")
    return float(value)


def as_moment(value: Any, field: str, zone: tzinfo = UTC) -> datetime | None:
    """A FHIR dateTime or instant, in UTC; without an offset (a date alone: its midnight) it is a
    wall-clock time of the hospital's `zone`."""
    text = as_text(value, field)
    if text is None:
        return None
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=zone).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise MalformedResource(f"{field} is not a valid dateTime") from None
    return (
        moment.replace(tzinfo=zone).astimezone(UTC) if moment.utcoffset() is None else moment.astimezone(UTC)
    )


def as_day(value: Any, field: str) -> date | None:
    text = as_text(value, field)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        raise MalformedResource(f"{field} is not a valid date") from None


def conditional_identifier(value: Any, field: str, resource_type: str) -> str | None:
    """ "system|value" of a conditional reference by identifier ("Location?identifier=sys|val", as
    Synthea writes them in bulk exports), or None for any other reference."""
    reference = as_text(as_object(value, field).get("reference"), f"{field}.reference") or ""
    kind, mark, query = reference.partition("?")
    if not mark:
        return None
    if kind.rsplit("/", 1)[-1] != resource_type:
        raise MalformedResource(f"{field} does not point to a {resource_type}")
    name, _, searched = query.partition("=")
    if name != "identifier" or not searched:
        raise MalformedResource(f"{field} is a conditional reference other than by identifier")
    return searched


def reference_id(value: Any, field: str, resource_type: str | None = None) -> str | None:
    """The id in a Reference ("Patient/123", an absolute URL or "urn:uuid:..."), checked for its type.

    A conditional reference ("Practitioner?identifier=...") names no id: None (see
    `conditional_identifier` and `reference_parts`)."""
    reference = as_text(as_object(value, field).get("reference"), f"{field}.reference")
    if not reference or reference.startswith("#"):
        return None
    if "?" in reference:
        if resource_type is not None and reference.partition("?")[0].rsplit("/", 1)[-1] != resource_type:
            raise MalformedResource(f"{field} does not point to a {resource_type}")
        return None
    if reference.startswith("urn:uuid:"):
        return reference[9:]
    parts = reference.rstrip("/").split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) < 2:
        raise MalformedResource(f"{field} is not a relative reference")
    if resource_type is not None and parts[-2] != resource_type:
        raise MalformedResource(f"{field} does not point to a {resource_type}")
    return parts[-1]


def reference_parts(
    value: Any, field: str, resource_type: str | None = None
) -> tuple[str | None, str | None]:
    """(id, display) of a Reference. A reference by identifier only (no `reference`, as EHRs send a
    Practitioner they do not export) has no id: its display text (or identifier value) is kept
    instead, never stored as an id."""
    reference = as_object(value, field)
    display = as_text(reference.get("display"), f"{field}.display")
    found = reference_id(reference, field, resource_type)
    if found is None and display is None:
        identifier = as_object(reference.get("identifier"), f"{field}.identifier")
        display = as_text(identifier.get("value"), f"{field}.identifier.value")
    if found is None and display is None and resource_type is not None:
        searched = conditional_identifier(reference, field, resource_type)
        display = searched.partition("|")[2] or searched if searched else None
    return found, display


def required_reference(value: Any, field: str, resource_type: str) -> str:
    found = reference_id(value, field, resource_type)
    if not found:
        if conditional_identifier(value, field, resource_type) is not None:
            raise MalformedResource(
                f"{field} is a conditional reference by identifier, not to a {resource_type} id"
            )
        raise MalformedResource(f"{field} is missing")
    return found


def as_concept(value: Any, field: str) -> tuple[str | None, str | None, str | None]:
    """(code, system, label) of a CodeableConcept: its first coding, its text or the display."""
    concept = as_object(value, field)
    codings = as_list(concept.get("coding"), f"{field}.coding")
    first = as_object(codings[0], f"{field}.coding") if codings else {}
    code = as_text(first.get("code"), f"{field}.coding.code")
    system = as_text(first.get("system"), f"{field}.coding.system")
    label = as_text(concept.get("text"), f"{field}.text") or as_text(
        first.get("display"), f"{field}.coding.display"
    )
    return code, system, label


def as_status(value: Any, field: str) -> str | None:
    """A code, or the code of a CodeableConcept (AllergyIntolerance/Condition clinicalStatus)."""
    if isinstance(value, dict):
        return as_concept(value, field)[0]
    return as_text(value, field)


def human_name(resource: Mapping[str, Any]) -> tuple[str, str]:
    names = [as_object(n, "name") for n in as_list(resource.get("name"), "name")]
    chosen = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    family = as_text(chosen.get("family"), "name.family") or ""
    given = " ".join(as_text(g, "name.given") or "" for g in as_list(chosen.get("given"), "name.given"))
    if not family:
        family = as_text(chosen.get("text"), "name.text") or ""
    if not family:
        raise MalformedResource("name is missing")
    return family, given


def telecom(resource: Mapping[str, Any], system: str) -> str | None:
    for point in as_list(resource.get("telecom"), "telecom"):
        entry = as_object(point, "telecom")
        if entry.get("system") == system:
            return as_text(entry.get("value"), "telecom.value")
    return None
