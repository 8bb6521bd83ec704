"""FHIR Observation to lab results, vital signs and the ABO/Rh blood group.

Every R4 value[x] is read; a panel's `component`s become one text ("120/80 mmHg"); a value that
cannot be read is kept as text (or as "see source") with a warning that names the field, never the
cause of losing the result. A result is refused only when it has no subject, no test or no time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from bascule.clinical.records import (
    ABO_LOINC,
    BLOOD_GROUP_LOINC,
    COMPARATORS,
    RH_LOINC,
    SEE_SOURCE,
    AbnormalFlag,
    LabResult,
)
from bascule.clinical.results import (
    abo_group,
    flag_of,
    number_text,
    quantity_text,
    range_text,
    rh_type,
    unit_text,
    worst_flag,
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

OBSERVATION_STATUSES = (
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
)
BLOOD_PRESSURE_SYSTOLIC = "8480-6"
BLOOD_PRESSURE_DIASTOLIC = "8462-4"
_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_BLOOD_GROUP_WORDS = re.compile(
    r"^\s*(AB|A|B|O)\s*(?:RH\s*\(?D?\)?)?\s*(\+|-|POS(?:ITIVE)?|NEG(?:ATIVE)?)\s*$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class _Value:
    """One value[x] as read: at most one of number, text, yes/no; or why it is absent."""

    number: float | None = None
    comparator: str | None = None
    unit: str | None = None
    text: str | None = None
    boolean: bool | None = None
    absent: str | None = None

    @property
    def empty(self) -> bool:
        return self.number is None and self.text is None and self.boolean is None

    def as_text(self) -> str:
        """The value in a panel's line: "120 mmHg", "positive", "—" when absent."""
        if self.number is not None:
            return quantity_text(self.number, self.unit, self.comparator)
        if self.text is not None:
            return self.text
        if self.boolean is not None:
            return "true" if self.boolean else "false"
        return "—"


def result_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> LabResult:
    code, label = _test(resource.get("code"), "code")
    patient = required_reference(resource.get("subject"), "subject", "Patient")
    effective = _effective(resource, reading.zone)
    value = _value(resource, "", reading)
    components = as_list(resource.get("component"), "component")
    if components and value.empty:
        value = _panel(components, reading)
    elif components:
        reading.warn("component is not printed beside the Observation's own value")
    if code == BLOOD_GROUP_LOINC:
        value = _blood_group(value, reading)
    elif code == ABO_LOINC:
        value = _typed(value, abo_group, "the ABO group", reading)
    elif code == RH_LOINC:
        value = _typed(value, rh_type, "the Rh type", reading)
    low, high, written_range = _reference_range(resource.get("referenceRange"), "referenceRange", reading)
    status = as_text(resource.get("status"), "status") or "unknown"
    if status not in OBSERVATION_STATUSES:
        reading.warn("status is not an R4 Observation status")
    return LabResult(
        id=rid,
        version=version,
        patient_id=patient,
        code=code,
        label=label,
        effective_at=effective,
        value=value.number,
        value_text=value.text,
        unit=value.unit,
        low=low,
        high=high,
        flag=_flag(resource, components, reading),
        status=status,
        comparator=value.comparator,
        category=_category(resource.get("category")),
        range_text=written_range,
        absent_reason=value.absent if value.empty else None,
        value_boolean=value.boolean,
    )


def _test(value: Any, field: str) -> tuple[str, str]:
    """(code, label): the LOINC code, else the first code; without any, "text:" and the name, so
    that the same test keeps the same code from one export to the next."""
    concept = as_object(value, field)
    codings = [
        as_object(item, f"{field}.coding") for item in as_list(concept.get("coding"), f"{field}.coding")
    ]
    coded = [coding for coding in codings if as_text(coding.get("code"), f"{field}.coding.code")]
    loinc = next((coding for coding in coded if coding.get("system") == LOINC), None)
    chosen = loinc or (coded[0] if coded else None)
    written = as_text(concept.get("text"), f"{field}.text")
    display = next(
        (
            shown
            for coding in ([chosen] if chosen else []) + codings
            if (shown := as_text(coding.get("display"), f"{field}.coding.display"))
        ),
        None,
    )
    name = (written or display or "").strip()
    if chosen is not None:
        code: str = chosen["code"].strip()
        return code, name or code
    if name:
        return f"text:{name}", name
    raise MalformedResource(f"{field} has neither a coding nor a text")


def _effective(resource: Mapping[str, Any], zone: tzinfo) -> datetime:
    period = as_object(resource.get("effectivePeriod"), "effectivePeriod")
    for found in (
        as_moment(resource.get("effectiveDateTime"), "effectiveDateTime", zone),
        as_moment(resource.get("effectiveInstant"), "effectiveInstant", zone),
        as_moment(period.get("start"), "effectivePeriod.start", zone),
        as_moment(period.get("end"), "effectivePeriod.end", zone),
        as_moment(resource.get("issued"), "issued", zone),
    ):
        if found is not None:
            return found
    raise MalformedResource("effective[x] and issued are missing")


def _value(element: Mapping[str, Any], where: str, reading: Reading) -> _Value:
    """The element's value[x] (an Observation or one of its components), or its dataAbsentReason."""
    keys = [key for key in element if key.startswith("value") and key[5:6].isupper()]
    if len(keys) > 1:
        reading.warn(f"{where}value[x] is given more than once, {where}{keys[0]} kept")
    absent = _absent_reason(element.get("dataAbsentReason"), f"{where}dataAbsentReason")
    if not keys:
        return _Value(absent=absent)
    key = keys[0]
    read = _VALUE_READERS.get(key)
    if read is None:
        reading.warn(f"{where}{key} is not printed: see the source")
        return _Value(absent=SEE_SOURCE)
    try:
        found = read(element[key], f"{where}{key}", reading)
    except MalformedResource as doubt:
        reading.warn(f"{doubt.reason}: see the source")
        raw = element[key]
        return _Value(text=raw) if isinstance(raw, str) and raw.strip() else _Value(absent=SEE_SOURCE)
    if found.empty and found.absent is None and absent is not None:  # a unit alone, and why no value
        return _Value(unit=found.unit, absent=absent)
    return found


def _absent_reason(value: Any, field: str) -> str | None:
    if value is None:
        return None
    code, _system, label = as_concept(value, field)
    return code or label or "unknown"


def _quantity(value: Any, field: str, reading: Reading) -> _Value:
    quantity = as_object(value, field)
    unit = as_text(quantity.get("unit"), f"{field}.unit") or as_text(quantity.get("code"), f"{field}.code")
    comparator = as_text(quantity.get("comparator"), f"{field}.comparator")
    raw = quantity.get("value")
    if isinstance(raw, str) and raw.strip():
        reading.warn(f"{field}.value is not a number, kept as text")
        return _Value(text=f"{comparator or ''}{raw.strip()} {unit or ''}".strip())
    number = as_number(raw, f"{field}.value")
    if comparator is not None and comparator not in COMPARATORS:
        reading.warn(f"{field}.comparator is not an R4 comparator, kept as text")
        if number is None:
            return _Value(absent=SEE_SOURCE)
        return _Value(text=quantity_text(number, unit, comparator))
    if number is None:
        return _Value(unit=unit, absent=SEE_SOURCE if comparator else None)
    return _Value(number=number, comparator=comparator, unit=unit)


def _concept(value: Any, field: str, reading: Reading) -> _Value:
    concept = as_object(value, field)
    codes: list[str] = []
    display = None
    for item in as_list(concept.get("coding"), f"{field}.coding"):
        coding = as_object(item, f"{field}.coding")
        found = as_text(coding.get("code"), f"{field}.coding.code")
        if found:
            codes.append(found)
        display = display or as_text(coding.get("display"), f"{field}.coding.display")
    group = next((BLOOD_GROUP_SNOMED[code] for code in codes if code in BLOOD_GROUP_SNOMED), None)
    text = group or as_text(concept.get("text"), f"{field}.text") or display or (codes[0] if codes else None)
    if text is None:
        raise MalformedResource(f"{field} has neither a coding nor a text")
    return _Value(text=text)


def _string(value: Any, field: str, reading: Reading) -> _Value:
    return _Value(text=as_text(value, field))


def _boolean(value: Any, field: str, reading: Reading) -> _Value:
    if not isinstance(value, bool):
        raise MalformedResource(f"{field} is not a boolean")
    return _Value(boolean=value)


def _integer(value: Any, field: str, reading: Reading) -> _Value:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedResource(f"{field} is not an integer")
    return _Value(number=float(value))


def _range(value: Any, field: str, reading: Reading) -> _Value:
    span = as_object(value, field)
    low = as_object(span.get("low"), f"{field}.low")
    high = as_object(span.get("high"), f"{field}.high")
    unit = as_text(low.get("unit"), f"{field}.low.unit") or as_text(high.get("unit"), f"{field}.high.unit")
    written = range_text(
        as_number(low.get("value"), f"{field}.low.value"),
        as_number(high.get("value"), f"{field}.high.value"),
        unit,
    )
    if not written:
        raise MalformedResource(f"{field} has neither low nor high")
    return _Value(text=written)


def _ratio(value: Any, field: str, reading: Reading) -> _Value:
    ratio = as_object(value, field)
    parts = []
    for side in ("numerator", "denominator"):
        quantity = as_object(ratio.get(side), f"{field}.{side}")
        number = as_number(quantity.get("value"), f"{field}.{side}.value")
        if number is None:
            raise MalformedResource(f"{field}.{side}.value is missing")
        parts.append(quantity_text(number, as_text(quantity.get("unit"), f"{field}.{side}.unit")))
    # A titre is written 1:128; with units, as a fraction.
    separator = ":" if all(part.replace(".", "").isdigit() for part in parts) else " / "
    return _Value(text=separator.join(parts))


def _time(value: Any, field: str, reading: Reading) -> _Value:
    text = as_text(value, field) or ""
    if not re.fullmatch(r"\d\d:\d\d(:\d\d(\.\d+)?)?", text):
        raise MalformedResource(f"{field} is not a valid time")
    return _Value(text=text[:5])


def _local(value: Any, field: str, zone: tzinfo) -> str:
    text = as_text(value, field) or ""
    moment = as_moment(text, field, zone)
    if moment is None:
        raise MalformedResource(f"{field} is missing")
    local = moment.astimezone(zone)
    return f"{local:%d/%m/%Y}" if len(text) == 10 else f"{local:%d/%m/%Y %H:%M}"


def _date_time(value: Any, field: str, reading: Reading) -> _Value:
    return _Value(text=_local(value, field, reading.zone))


def _period(value: Any, field: str, reading: Reading) -> _Value:
    period = as_object(value, field)
    start, end = period.get("start"), period.get("end")
    if start is None and end is None:
        raise MalformedResource(f"{field} has neither start nor end")
    shown = [_local(start, f"{field}.start", reading.zone) if start is not None else "…"]
    shown.append(_local(end, f"{field}.end", reading.zone) if end is not None else "…")
    return _Value(text=" → ".join(shown))


def _sampled(value: Any, field: str, reading: Reading) -> _Value:
    return _Value(absent=SEE_SOURCE)  # a waveform: nothing a nurse can read off a sheet


_VALUE_READERS: Mapping[str, Callable[[Any, str, Reading], _Value]] = {
    "valueQuantity": _quantity,
    "valueCodeableConcept": _concept,
    "valueString": _string,
    "valueBoolean": _boolean,
    "valueInteger": _integer,
    "valueRange": _range,
    "valueRatio": _ratio,
    "valueSampledData": _sampled,
    "valueTime": _time,
    "valueDateTime": _date_time,
    "valuePeriod": _period,
}


def _panel(components: list[Any], reading: Reading) -> _Value:
    """A panel's components as one text: a blood pressure reads "120/80 mmHg", others
    "Systolic: 120 mmHg; Diastolic: 80 mmHg"."""
    read: dict[str, tuple[str, _Value]] = {}
    order: list[str] = []
    for index, item in enumerate(components):
        component = as_object(item, "component")
        try:
            code, label = _test(component.get("code"), "component.code")
        except MalformedResource as doubt:
            reading.warn(f"{doubt.reason}: see the source")
            code, label = f"component-{index}", "?"
        read.setdefault(code, (label, _value(component, "component.", reading)))
        order.append(code)
    systolic, diastolic = read.get(BLOOD_PRESSURE_SYSTOLIC), read.get(BLOOD_PRESSURE_DIASTOLIC)
    if systolic and diastolic and len(read) == 2:
        unit = systolic[1].unit or diastolic[1].unit
        sides = [
            f"{side.comparator or ''}{number_text(side.number)}" if side.number is not None else "—"
            for side in (systolic[1], diastolic[1])
        ]
        return _Value(text=f"{'/'.join(sides)} {unit_text(unit)}".strip())
    lines = [f"{read[code][0]}: {read[code][1].as_text()}" for code in dict.fromkeys(order)]
    return _Value(text="; ".join(lines))


def _blood_group(value: _Value, reading: Reading) -> _Value:
    """The ABO/Rh group as the sheet prints it ("O+"), whatever words the lab used ("O Pos")."""
    if value.text is None:
        raise MalformedResource("the blood group has no value")
    found = _BLOOD_GROUP_WORDS.match(value.text)
    if found is None:
        if value.text not in BLOOD_GROUP_SNOMED.values():
            reading.warn("the blood group is not an ABO/Rh group, kept as text")
        return value
    sign = "+" if found.group(2)[0] in "+pP" else "-"
    return _Value(text=f"{found.group(1).upper()}{sign}")


def _typed(value: _Value, read: Callable[[str], str | None], what: str, reading: Reading) -> _Value:
    """An ABO group or Rh type as the census puts them together; else kept as text, warned."""
    found = read(value.text) if value.text is not None else None
    if found is None:
        if value.text is not None:
            reading.warn(f"{what} is not one Bascule recognises, kept as text")
        return value
    return _Value(text=found)


def _flag(resource: Mapping[str, Any], components: list[Any], reading: Reading) -> AbnormalFlag | None:
    """The most severe of the Observation's and its components' interpretations."""
    concepts = [
        ("interpretation", item) for item in as_list(resource.get("interpretation"), "interpretation")
    ]
    for component in components:
        where = "component.interpretation"
        concepts += [
            (where, item) for item in as_list(as_object(component, "component").get("interpretation"), where)
        ]
    flags: list[AbnormalFlag | None] = []
    for field, concept in concepts:
        codes = [
            as_text(as_object(coding, f"{field}.coding").get("code"), f"{field}.coding.code")
            for coding in as_list(as_object(concept, field).get("coding"), f"{field}.coding")
        ]
        text = as_text(as_object(concept, field).get("text"), f"{field}.text")
        readings = [flag_of(code) for code in codes if code] or [flag_of(None, text)]
        known = [flag for flag, understood in readings if understood]
        if not known:
            reading.warn(f"{field} is not a known interpretation code, read as abnormal")
        flags.append(worst_flag(known) if known else "A")
    return worst_flag(flags)


def _reference_range(
    value: Any, field: str, reading: Reading
) -> tuple[float | None, float | None, str | None]:
    """(low, high, text) of the normal range: the first without a type or typed "normal"."""
    ranges = [as_object(item, field) for item in as_list(value, field)]
    normal = [span for span in ranges if as_concept(span.get("type"), f"{field}.type")[0] in (None, "normal")]
    if not normal:
        return None, None, None
    span = normal[0]
    written = as_text(span.get("text"), f"{field}.text")
    try:
        low = as_number(as_object(span.get("low"), f"{field}.low").get("value"), f"{field}.low.value")
        high = as_number(as_object(span.get("high"), f"{field}.high").get("value"), f"{field}.high.value")
    except MalformedResource as doubt:
        reading.warn(f"{doubt.reason}, range kept out")
        return None, None, written
    if low is not None and high is not None and low > high:
        reading.warn(f"{field} low is above high, kept as written")
        return None, None, written or range_text(low, high)
    return low, high, written


def _category(value: Any) -> str | None:
    """The observation-category code (laboratory, vital-signs, ...), else the first code or text."""
    concepts = [as_object(item, "category") for item in as_list(value, "category")]
    fallback = None
    for concept in concepts:
        for item in as_list(concept.get("coding"), "category.coding"):
            coding = as_object(item, "category.coding")
            code = as_text(coding.get("code"), "category.coding.code")
            if code and coding.get("system") == _OBSERVATION_CATEGORY:
                return code
            fallback = fallback or code
        fallback = fallback or as_text(concept.get("text"), "category.text")
    return fallback
