"""FHIR MedicationRequest and MedicationAdministration to records: drugs, every dose line, schedules.

Every `dosageInstruction` becomes a dose line (Epic sends one per line: 2 tablets in the morning, 1
in the evening), with its text and patient instruction verbatim, its dose (quantity or range), rate,
route, method, as-needed reason and maximum dose; its timing becomes wall-clock times through the
hospital's settings (`bascule.clinical.dosage`). A timing that cannot be scheduled is kept as
written and noted as a doubt: the kit prints it with "schedule: see prescription".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from bascule.clinical.dosage import DoseLine, Timing, schedule_of
from bascule.clinical.records import Administration, MedicationOrder
from bascule.sources.fhir_fields import (
    MalformedResource,
    Reading,
    as_concept,
    as_list,
    as_moment,
    as_number,
    as_object,
    as_text,
    reference_parts,
    required_reference,
)

# Code systems a drug's coding may use, the one the allergy tables read (ATC) first.
ATC = "http://www.whocc.no/atc"
_DRUG_SYSTEMS = (ATC, "http://www.nlm.nih.gov/research/umls/rxnorm", "urn:oid:1.2.250.1.213.2.3.1")
_DAYS = {"s": 1 / 86400, "min": 1 / 1440, "h": 1 / 24, "d": 1.0, "wk": 7.0, "mo": 30.0, "a": 365.0}


def _drug_concept(concept: Mapping[str, Any], field: str) -> tuple[str | None, str | None]:
    """(label, code) of a medication concept: its text or a display, and its ATC code if it has one."""
    codings = [as_object(c, f"{field}.coding") for c in as_list(concept.get("coding"), f"{field}.coding")]
    ranked = sorted(
        codings,
        key=lambda c: _DRUG_SYSTEMS.index(c["system"]) if c.get("system") in _DRUG_SYSTEMS else 9,
    )
    code = next((as_text(c.get("code"), f"{field}.coding.code") for c in ranked if c.get("code")), None)
    label = as_text(concept.get("text"), f"{field}.text") or next(
        (as_text(c.get("display"), f"{field}.coding.display") for c in ranked if c.get("display")), None
    )
    return label, code


def _drug(resource: Mapping[str, Any]) -> tuple[str, str | None]:
    if "medicationCodeableConcept" in resource:
        field = "medicationCodeableConcept"
        label, code = _drug_concept(as_object(resource[field], field), field)
    else:
        reference = as_object(resource.get("medicationReference"), "medicationReference")
        target = as_text(reference.get("reference"), "medicationReference.reference") or ""
        label, code = as_text(reference.get("display"), "medicationReference.display"), None
        if target.startswith("#"):  # a contained Medication
            for item in as_list(resource.get("contained"), "contained"):
                contained = as_object(item, "contained")
                if contained.get("resourceType") == "Medication" and contained.get("id") == target[1:]:
                    found, code = _drug_concept(
                        as_object(contained.get("code"), "Medication.code"), "Medication.code"
                    )
                    label = label or found
        if not (label or code) and target:
            raise MalformedResource("medicationReference has no display and names no contained Medication")
    if not (label or code):
        raise MalformedResource("medication is missing")
    return label or code or "", code


def _quantity(entry: Any, field: str) -> tuple[float | None, str | None]:
    quantity = as_object(entry, field)
    unit = as_text(quantity.get("unit"), f"{field}.unit") or as_text(quantity.get("code"), f"{field}.code")
    return as_number(quantity.get("value"), f"{field}.value"), unit


def _label_or_code(value: Any, field: str) -> str | None:
    code, _system, label = as_concept(value, field)
    return label or code


def _clock(value: Any, field: str) -> time:
    try:
        moment = time.fromisoformat(as_text(value, field) or "")
    except ValueError:
        raise MalformedResource(f"{field} is not a valid time") from None
    return moment.replace(second=0, microsecond=0)


def _count(value: Any, field: str) -> int | None:
    number = as_number(value, field)
    if number is not None and (number != int(number) or number < 0):
        raise MalformedResource(f"{field} is not a whole number")
    return None if number is None else int(number)


def _timing(entry: Mapping[str, Any]) -> tuple[Timing, list[Any]]:
    """The line's Timing and its events."""
    timing = as_object(entry.get("timing"), "dosageInstruction.timing")
    repeat = as_object(timing.get("repeat"), "timing.repeat")
    code_concept = as_object(timing.get("code"), "timing.code")
    code, _system, label = as_concept(code_concept, "timing.code")
    duration = as_object(repeat.get("boundsDuration"), "timing.repeat.boundsDuration")
    duration_value = as_number(duration.get("value"), "boundsDuration.value")
    duration_unit = as_text(duration.get("code"), "boundsDuration.code") or as_text(
        duration.get("unit"), "boundsDuration.unit"
    )
    duration_days = None
    if duration_value is not None:
        if duration_unit not in _DAYS:
            raise MalformedResource("timing.repeat.boundsDuration has no UCUM time unit")
        duration_days = duration_value * _DAYS[duration_unit]
    period_unit = as_text(repeat.get("periodUnit"), "timing.repeat.periodUnit")
    when = tuple(
        as_text(w, "timing.repeat.when") or "" for w in as_list(repeat.get("when"), "timing.repeat.when")
    )
    days = as_list(repeat.get("dayOfWeek"), "timing.repeat.dayOfWeek")
    read = Timing(
        code=code,
        label=label,
        frequency=_count(repeat.get("frequency"), "timing.repeat.frequency"),
        frequency_max=_count(repeat.get("frequencyMax"), "timing.repeat.frequencyMax"),
        period=as_number(repeat.get("period"), "timing.repeat.period"),
        period_max=as_number(repeat.get("periodMax"), "timing.repeat.periodMax"),
        period_unit=period_unit,
        when=when,
        offset=_count(repeat.get("offset"), "timing.repeat.offset"),
        time_of_day=tuple(
            sorted(
                {_clock(t, "timing.repeat.timeOfDay") for t in as_list(repeat.get("timeOfDay"), "timeOfDay")}
            )
        ),
        day_of_week=tuple(as_text(d, "timing.repeat.dayOfWeek") or "" for d in days),
        count=_count(repeat.get("count"), "timing.repeat.count"),
        duration_days=duration_days,
    )
    return read, as_list(timing.get("event"), "timing.event")


def _dose_and_rate(
    entry: Mapping[str, Any],
) -> tuple[float | None, float | None, str | None, float | None, str | None]:
    """(low, high, unit, rate value, rate unit): the ordered dose (a quantity or a range) and rate."""
    entries = [
        as_object(e, "doseAndRate")
        for e in as_list(entry.get("doseAndRate"), "dosageInstruction.doseAndRate")
    ]
    entries.sort(key=lambda e: as_concept(e.get("type"), "doseAndRate.type")[0] != "ordered")
    low = high = rate = None
    unit = rate_unit = None
    for item in entries:
        if low is None and high is None and "doseQuantity" in item:
            low, unit = _quantity(item["doseQuantity"], "doseAndRate.doseQuantity")
        elif low is None and high is None and "doseRange" in item:
            dose_range = as_object(item["doseRange"], "doseAndRate.doseRange")
            low, low_unit = _quantity(dose_range.get("low"), "doseRange.low")
            high, high_unit = _quantity(dose_range.get("high"), "doseRange.high")
            unit = low_unit or high_unit
        if rate is None and "rateQuantity" in item:
            rate, rate_unit = _quantity(item["rateQuantity"], "doseAndRate.rateQuantity")
        elif rate is None and "rateRatio" in item:
            ratio = as_object(item["rateRatio"], "doseAndRate.rateRatio")
            rate, numerator_unit = _quantity(ratio.get("numerator"), "rateRatio.numerator")
            per, per_unit = _quantity(ratio.get("denominator"), "rateRatio.denominator")
            shown_per = per_unit if per in (None, 1) else f"{per:g} {per_unit or ''}".strip()
            rate_unit = f"{numerator_unit or ''}/{shown_per or ''}"
    if low is not None and high is not None and low > high:
        raise MalformedResource("doseAndRate.doseRange has its low above its high")
    if high is not None and low == high:
        high = None
    return low, high, unit, rate, rate_unit


def _max_dose(entry: Mapping[str, Any]) -> tuple[float | None, str | None, float | None, str | None]:
    ratio = as_object(entry.get("maxDosePerPeriod"), "dosageInstruction.maxDosePerPeriod")
    value, unit = _quantity(ratio.get("numerator"), "maxDosePerPeriod.numerator")
    per, per_unit = _quantity(ratio.get("denominator"), "maxDosePerPeriod.denominator")
    return value, unit, per, per_unit


def _timing_bounds(entry: Mapping[str, Any], reading: Reading) -> tuple[datetime | None, datetime | None]:
    """A line's own boundsPeriod (start, end)."""
    timing = as_object(entry.get("timing"), "dosageInstruction.timing")
    repeat = as_object(timing.get("repeat"), "timing.repeat")
    bounds = as_object(repeat.get("boundsPeriod"), "timing.repeat.boundsPeriod")
    return (
        as_moment(bounds.get("start"), "boundsPeriod.start", reading.zone),
        as_moment(bounds.get("end"), "boundsPeriod.end", reading.zone),
    )


def _dose_line(
    entry: Mapping[str, Any], reading: Reading, start: datetime | None, end: datetime | None
) -> tuple[DoseLine, bool]:
    """The line, and whether its own bounds give it an absolute start (a taper step can then be placed)."""
    timing, events = _timing(entry)
    own_start, line_end = _timing_bounds(entry, reading)
    line_start = own_start or start
    if line_end is None and timing.duration_days is not None and line_start is not None:
        line_end = line_start + timedelta(days=timing.duration_days)
    line_end = line_end or end
    as_needed = entry.get("asNeededBoolean", False)
    if not isinstance(as_needed, bool):
        raise MalformedResource("dosageInstruction.asNeededBoolean is not a boolean")
    reason = None
    if "asNeededCodeableConcept" in entry:
        as_needed = True
        reason = as_concept(entry["asNeededCodeableConcept"], "dosageInstruction.asNeededCodeableConcept")[2]
    schedule = schedule_of(timing, reading.settings)
    low, high, unit, rate, rate_unit = _dose_and_rate(entry)
    max_value, max_unit, per, per_unit = _max_dose(entry)
    line = DoseLine(
        text=as_text(entry.get("text"), "dosageInstruction.text"),
        patient_instruction=as_text(entry.get("patientInstruction"), "dosageInstruction.patientInstruction"),
        dose_low=low,
        dose_high=high,
        dose_unit=unit,
        rate_value=rate,
        rate_unit=rate_unit,
        route=_label_or_code(entry.get("route"), "dosageInstruction.route"),
        method=_label_or_code(entry.get("method"), "dosageInstruction.method"),
        timing=timing.summary() or None,
        times=schedule.times if schedule else (),
        every_days=schedule.every_days if schedule else 1,
        weekdays=schedule.weekdays if schedule else (),
        events=tuple(sorted(m for e in events if (m := as_moment(e, "timing.event", reading.zone)))),
        start=line_start,
        end=line_end if line_end is None or line_start is None or line_end >= line_start else None,
        count=timing.count,
        as_needed=as_needed,
        as_needed_reason=reason,
        max_dose_value=max_value,
        max_dose_unit=max_unit,
        max_period_value=per,
        max_period_unit=per_unit,
    )
    if line.kind == "see_prescription" and (timing.has_repeat or timing.code or events):
        reading.warn("dosageInstruction.timing cannot be scheduled: printed as written")
    return line, own_start is not None


def _as_taper(lines: list[tuple[DoseLine, bool, int | None]], reading: Reading) -> list[DoseLine]:
    """Lines in several `sequence` steps follow one another (a taper): only a step with its own
    dates can be placed in time; the others are printed as written."""
    if len({sequence for _line, _own, sequence in lines}) <= 1:
        return [line for line, _own, _sequence in lines]
    reading.warn("dosageInstruction.sequence: a sequence of dose lines is printed as written")
    return [
        line
        if own
        else DoseLine(**{**_fields(line), "times": (), "events": (), "every_days": 1, "weekdays": ()})
        for line, own, _sequence in lines
    ]


def _fields(line: DoseLine) -> dict[str, Any]:
    return {name: getattr(line, name) for name in DoseLine.__dataclass_fields__}


def order_record(resource: Mapping[str, Any], rid: str, version: str, reading: Reading) -> MedicationOrder:
    drug, code = _drug(resource)
    validity = as_object(
        as_object(resource.get("dispenseRequest"), "dispenseRequest").get("validityPeriod"),
        "dispenseRequest.validityPeriod",
    )
    start = as_moment(validity.get("start"), "validityPeriod.start", reading.zone)
    end = as_moment(validity.get("end"), "validityPeriod.end", reading.zone)
    dosages = [
        as_object(d, "dosageInstruction")
        for d in as_list(resource.get("dosageInstruction"), "dosageInstruction")
    ]
    if start is None:  # the earliest line's own start, else when the order was written
        starts = [_timing_bounds(entry, reading)[0] for entry in dosages]
        start = min((moment for moment in starts if moment), default=None) or as_moment(
            resource.get("authoredOn"), "authoredOn", reading.zone
        )
    read = [
        (*_dose_line(entry, reading, start, end), _count(entry.get("sequence"), "dosageInstruction.sequence"))
        for entry in dosages
    ]
    lines = _as_taper(read, reading) if read else [DoseLine()]
    first = lines[0]
    prescriber_id, prescriber = reference_parts(resource.get("requester"), "requester")
    return MedicationOrder(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        drug=drug,
        drug_code=code,
        dose_value=first.dose_low,
        dose_unit=first.dose_unit,
        route=first.route,
        times=first.times,
        frequency=first.text,
        as_needed=all(line.as_needed for line in lines),
        status=as_text(resource.get("status"), "status") or "unknown",
        start=start,
        end=end,
        prescriber_id=prescriber_id,
        lines=tuple(lines),
        intent=as_text(resource.get("intent"), "intent"),
        prescriber=None if prescriber_id else prescriber,
    )


def administration_record(
    resource: Mapping[str, Any], rid: str, version: str, reading: Reading
) -> Administration:
    drug, _code = _drug(resource)
    period = as_object(resource.get("effectivePeriod"), "effectivePeriod")
    given_at = as_moment(resource.get("effectiveDateTime"), "effectiveDateTime", reading.zone) or as_moment(
        period.get("start"), "effectivePeriod.start", reading.zone
    )
    if given_at is None:
        raise MalformedResource("effective[x] is missing")
    ended_at = as_moment(period.get("end"), "effectivePeriod.end", reading.zone)
    if ended_at is not None and ended_at < given_at:
        raise MalformedResource("effectivePeriod ends before it starts")
    dosage = as_object(resource.get("dosage"), "dosage")
    dose_value, dose_unit = _quantity(dosage.get("dose"), "dosage.dose")
    rate_value, rate_unit = _quantity(dosage.get("rateQuantity"), "dosage.rateQuantity")
    if "rateRatio" in dosage:
        ratio = as_object(dosage["rateRatio"], "dosage.rateRatio")
        rate_value, numerator_unit = _quantity(ratio.get("numerator"), "rateRatio.numerator")
        _per, per_unit = _quantity(ratio.get("denominator"), "rateRatio.denominator")
        rate_unit = f"{numerator_unit or ''}/{per_unit or ''}"
    performers = as_list(resource.get("performer"), "performer")
    first_performer = as_object(performers[0], "performer") if performers else {}
    performer_id, performer = reference_parts(first_performer.get("actor"), "performer.actor")
    reasons = as_list(resource.get("statusReason"), "statusReason")
    reason_code, _system, reason_label = as_concept(reasons[0] if reasons else None, "statusReason")
    order_id, _order_display = reference_parts(resource.get("request"), "request", "MedicationRequest")
    return Administration(
        id=rid,
        version=version,
        patient_id=required_reference(resource.get("subject"), "subject", "Patient"),
        drug=drug,
        given_at=given_at,
        order_id=order_id,
        dose_value=dose_value,
        dose_unit=dose_unit,
        route=_label_or_code(dosage.get("route"), "dosage.route"),
        status=as_text(resource.get("status"), "status") or "unknown",
        performer_id=performer_id,
        rate_value=rate_value,
        rate_unit=rate_unit,
        dosage_text=as_text(dosage.get("text"), "dosage.text"),
        status_reason=reason_label or reason_code,
        performer=None if performer_id else performer,
        ended_at=ended_at,
    )
