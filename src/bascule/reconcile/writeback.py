"""What the recovered EHR receives for the downtime entries: FHIR R4 transaction bundles or HL7 v2.5
messages, built so that sending them twice changes nothing.

Pure. Every FHIR resource carries the entry's name for ever (`urn:bascule:entry|STATION:seq`) and is
a conditional create on it (`ifNoneExist`), so a rerun after a crash finds what already arrived; a
new patient is a conditional create on its downtime number (`urn:bascule:downtime|NUMBER`). Every
HL7 message's control id (MSH-10) is a digest of the entry's name, so a resend carries the same id
and the receiver can drop the duplicate.

Mapping, for the record (docs/downtime-records.md "Back into the EHR" says it for people):
- registration: a new patient becomes a Patient (A04); for a linked patient the EHR already holds the
  record, so FHIR receives nothing new (the link is the answer) and HL7 an A08 update.
- arrival, transfer, discharge: one Encounter each (in-progress at the unit, in-progress at the new
  unit, finished with its disposition): Bascule does not know the EHR's own encounter id, so it adds
  the downtime movements beside it rather than guess which one to overwrite. HL7: A08, A02, A03.
- vitals: one Observation per measure (LOINC), blood pressure as an 85354-9 panel; HL7 ORU^R01.
- administration: a MedicationAdministration (completed / not-done with its reason); HL7 RAS^O17.
- phone_result: a final Observation noting it was received by phone and read back; HL7 ORU^R01.
- note: a Communication (a message from the ward to the record, not a measurement: an Observation
  would need a code and would show among the results); HL7 ORU^R01 with a TX OBX.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bascule.downtime.entries import Entry, Value

ENTRY_SYSTEM = "urn:bascule:entry"
DOWNTIME_SYSTEM = "urn:bascule:downtime"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PHONE_NOTE = "received by phone, read back"

# measure -> (LOINC code, display, UCUM unit)
VITALS: Mapping[str, tuple[str, str, str]] = {
    "temperature_c": ("8310-5", "Body temperature", "Cel"),
    "heart_rate": ("8867-4", "Heart rate", "/min"),
    "respiratory_rate": ("9279-1", "Respiratory rate", "/min"),
    "spo2": ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "pain": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported", "{score}"),
    "glucose_mmol": ("15074-8", "Glucose [Moles/volume] in Blood", "mmol/L"),
}
BLOOD_PRESSURE = ("85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = ("8480-6", "Systolic blood pressure")
DIASTOLIC = ("8462-4", "Diastolic blood pressure")
DISPOSITIONS = {
    "home": "home",
    "other-hospital": "other-hcf",
    "care-home": "snf",
    "deceased": "exp",
    "other": "oth",
}
HL7_DISPOSITIONS = {"home": "01", "other-hospital": "02", "care-home": "03", "deceased": "20", "other": "09"}
HL7_SEX = {"female": "F", "male": "M", "other": "O", "unknown": "U"}


@dataclass(frozen=True)
class Outgoing:
    """One entry on its way, with whom it is about: `patient_id` (the store's, i.e. the source's id)
    when known, else `downtime_id` for a patient the EHR must create."""

    key: str  # STATION:sequence (PAPER:<number> for paper registrations)
    entry: Entry
    patient_id: str | None
    downtime_id: str | None

    def __post_init__(self) -> None:
        if (self.patient_id is None) == (self.downtime_id is None):
            raise ValueError("an outgoing entry names its patient by an id or a new downtime number")


@dataclass(frozen=True)
class BundleItem:
    """Which entry each request of a bundle carries (None: the new patient's own create)."""

    key: str | None
    resource_type: str


@dataclass(frozen=True)
class FhirBundle:
    patient: str  # Patient/<id> or the downtime number
    bundle: dict[str, Any]
    items: tuple[BundleItem, ...]
    keys: tuple[str, ...]  # every entry this bundle sends, in order


@dataclass(frozen=True)
class Hl7Message:
    key: str
    control_id: str
    text: str  # segments joined by carriage returns


def entry_identifier(key: str) -> dict[str, str]:
    return {"system": ENTRY_SYSTEM, "value": key}


def _full_url(*parts: str) -> str:
    """A stable urn:uuid for a resource inside a bundle (the same entry gives the same one)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'bascule:' + '/'.join(parts))}"


def _text(data: Mapping[str, Value], name: str) -> str | None:
    value = data.get(name)
    return None if value is None else str(value)


def _number(value: Value) -> float | int:
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def _quantity(value: Value, unit: str) -> dict[str, Any]:
    return {"value": _number(value), "unit": unit, "system": UCUM, "code": unit}


def _coding(code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": LOINC, "code": code, "display": display}], "text": display}


def _conditional(resource: dict[str, Any], key: str, full_url: str, also: str = "") -> dict[str, Any]:
    return {
        "fullUrl": full_url,
        "resource": resource,
        "request": {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": f"identifier={ENTRY_SYSTEM}|{key}{also}",
        },
    }


def new_patient(number: str, registration: Mapping[str, Value] | None, key: str | None) -> dict[str, Any]:
    """A Patient for a downtime number declared new, with what its registration says."""
    data = registration or {}
    identifiers = [{"system": DOWNTIME_SYSTEM, "value": number}]
    if key is not None:
        identifiers.append(entry_identifier(key))
    patient: dict[str, Any] = {"resourceType": "Patient", "identifier": identifiers}
    name = {
        k: v
        for k, v in (
            ("family", _text(data, "family")),
            ("given", [_text(data, "given")] if data.get("given") else None),
        )
        if v
    }
    if name:
        patient["name"] = [name]
    if data.get("sex"):
        patient["gender"] = str(data["sex"])
    if data.get("birth_date"):
        patient["birthDate"] = str(data["birth_date"])
    if data.get("phone"):
        patient["telecom"] = [{"system": "phone", "value": str(data["phone"])}]
    if data.get("postcode"):
        patient["address"] = [{"postalCode": str(data["postcode"])}]
    return patient


def _location(data: Mapping[str, Value]) -> list[dict[str, Any]]:
    where = " / ".join(str(data[name]) for name in ("unit", "room", "bed") if data.get(name))
    return [{"location": {"display": where}, "status": "active"}]


def entry_resources(item: Outgoing, subject: str) -> list[tuple[dict[str, Any], str]]:
    """The FHIR resources of one entry, each with the extra search that makes its conditional
    create unique (vitals: one Observation per measure, told apart by code)."""
    entry, data, key = item.entry, item.entry.data, item.key
    ref = {"reference": subject}
    ident = [entry_identifier(key)]
    at = _text(data, "at") or entry.recorded_at.isoformat()
    kind = entry.kind
    if kind == "registration":
        return []  # the new patient's create, or nothing for a linked one (see the module docstring)
    if kind in ("arrival", "transfer", "discharge"):
        encounter: dict[str, Any] = {
            "resourceType": "Encounter",
            "identifier": ident,
            "status": "finished" if kind == "discharge" else "in-progress",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
            "type": [{"text": f"downtime {kind}"}],
            "subject": ref,
            "period": {"end": at} if kind == "discharge" else {"start": at},
        }
        if kind == "discharge":
            code = DISPOSITIONS[str(data["destination"])]
            encounter["hospitalization"] = {
                "dischargeDisposition": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/discharge-disposition",
                            "code": code,
                        }
                    ],
                    "text": str(data["destination"]),
                }
            }
        else:
            encounter["location"] = _location(data)
        return [(encounter, "")]
    if kind == "vitals":
        return _vitals(data, ref, ident, at)
    if kind == "administration":
        given = data.get("status") == "given"
        administration: dict[str, Any] = {
            "resourceType": "MedicationAdministration",
            "identifier": ident,
            "status": "completed" if given else "not-done",
            "medicationCodeableConcept": {"text": str(data["drug"])},
            "subject": ref,
            "effectiveDateTime": at,
        }
        if not given:
            administration["statusReason"] = [{"text": str(data["reason"])}]
        dosage: dict[str, Any] = {}
        if data.get("route"):
            dosage["route"] = {"text": str(data["route"])}
        if data.get("dose_value") is not None:
            dosage["dose"] = {"value": _number(data["dose_value"]), "unit": str(data["dose_unit"])}
        if dosage:
            administration["dosage"] = dosage
        if data.get("order_id"):
            administration["request"] = {"identifier": {"value": str(data["order_id"])}}
        return [(administration, "")]
    if kind == "phone_result":
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "identifier": ident,
            "status": "final",
            "code": {"text": str(data["test"])},
            "subject": ref,
            "effectiveDateTime": at,
            "note": [{"text": f"{PHONE_NOTE} (caller: {data['caller']})"}],
        }
        value = str(data["value"])
        try:
            number = _number(value.replace(",", "."))
        except ValueError:
            observation["valueString"] = value
        else:
            unit = _text(data, "unit")
            observation["valueQuantity"] = {"value": number, **({"unit": unit} if unit else {})}
        if data.get("flag"):
            observation["interpretation"] = [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                            "code": str(data["flag"]),
                        }
                    ]
                }
            ]
        return [(observation, "")]
    communication = {  # note
        "resourceType": "Communication",
        "identifier": ident,
        "status": "completed",
        "subject": ref,
        "sent": entry.recorded_at.isoformat(),
        "payload": [{"contentString": str(data["text"])}],
    }
    return [(communication, "")]


def _vitals(
    data: Mapping[str, Value], ref: dict[str, str], ident: list[dict[str, str]], at: str
) -> list[tuple[dict[str, Any], str]]:
    def observation(code: tuple[str, str], **value: Any) -> tuple[dict[str, Any], str]:
        category = "laboratory" if code[0] == VITALS["glucose_mmol"][0] else "vital-signs"
        resource = {
            "resourceType": "Observation",
            "identifier": ident,
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": category,
                        }
                    ]
                }
            ],
            "code": _coding(*code),
            "subject": ref,
            "effectiveDateTime": at,
            **value,
        }
        return resource, f"&code={LOINC}|{code[0]}"

    found = []
    for name, (code, display, unit) in VITALS.items():
        if data.get(name) is not None:
            found.append(observation((code, display), valueQuantity=_quantity(data[name], unit)))
    components = [
        {"code": _coding(*code), "valueQuantity": _quantity(data[name], "mm[Hg]")}
        for name, code in (("systolic", SYSTOLIC), ("diastolic", DIASTOLIC))
        if data.get(name) is not None
    ]
    if components:
        found.append(observation(BLOOD_PRESSURE, component=components))
    return found


def fhir_bundle(
    items: Sequence[Outgoing], registration: tuple[str, Mapping[str, Value]] | None = None
) -> FhirBundle:
    """One transaction bundle for the entries of one patient. For a new patient (`downtime_id`), its
    conditional create comes first and the entries point at it; `registration` is the (key, fields)
    of the registration that describes it, if any."""
    first = items[0]
    if any((i.patient_id, i.downtime_id) != (first.patient_id, first.downtime_id) for i in items):
        raise ValueError("a bundle carries the entries of one patient")
    entries: list[dict[str, Any]] = []
    described: list[BundleItem] = []
    if first.downtime_id is not None:
        number = first.downtime_id
        subject = _full_url("patient", number)
        key, fields = registration if registration is not None else (None, None)
        patient = new_patient(number, fields, key)
        entries.append(
            {
                "fullUrl": subject,
                "resource": patient,
                "request": {
                    "method": "POST",
                    "url": "Patient",
                    "ifNoneExist": f"identifier={DOWNTIME_SYSTEM}|{number}",
                },
            }
        )
        described.append(BundleItem(None, "Patient"))
        label = number
    else:
        subject = f"Patient/{first.patient_id}"
        label = subject
    for item in items:
        for index, (resource, also) in enumerate(entry_resources(item, subject)):
            entries.append(_conditional(resource, item.key, _full_url("entry", item.key, str(index)), also))
            described.append(BundleItem(item.key, resource["resourceType"]))
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
    return FhirBundle(label, bundle, tuple(described), tuple(item.key for item in items))


# HL7 v2.5 ------------------------------------------------------------------------------------------


def control_id(key: str) -> str:
    """MSH-10: the same entry always gets the same id (20 characters, the field's length)."""
    return hashlib.sha256(f"bascule-entry:{key}".encode()).hexdigest()[:20].upper()


def escape(text: str) -> str:
    """HL7 escape sequences for the encoding characters; line breaks become spaces."""
    out = text.replace("\\", "\\E\\").replace("|", "\\F\\").replace("^", "\\S\\").replace("&", "\\T\\")
    return out.replace("~", "\\R\\").replace("\r", " ").replace("\n", " ")


def _ts(moment: str | datetime) -> str:
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return value.strftime("%Y%m%d%H%M%S%z")


def _segment(*fields: str) -> str:
    return "|".join(fields).rstrip("|")


def _pid(item: Outgoing, registration: Mapping[str, Value] | None) -> str:
    if item.patient_id is not None:
        identifier = f"{escape(item.patient_id)}^^^^PI"
    else:
        identifier = f"{escape(str(item.downtime_id))}^^^BASCULE^PT"
    data = registration or {}
    name = "^".join(escape(str(data.get(part) or "")) for part in ("family", "given")).rstrip("^")
    fields = ["PID", "1", "", identifier, "", name, "", _ts_date(data.get("birth_date"))]
    fields += [HL7_SEX.get(str(data.get("sex")), "") if data.get("sex") else ""]
    fields += ["", "", f"^^^^{escape(str(data['postcode']))}" if data.get("postcode") else ""]
    fields += ["", escape(str(data["phone"])) if data.get("phone") else ""]
    return _segment(*fields)


def _ts_date(value: Value) -> str:
    return str(value).replace("-", "") if value else ""


def _pv1(location: str = "", **extra: str) -> str:
    fields = ["PV1", "1", "I", location] + [""] * 42
    for position, value in extra.items():  # e.g. f36="01": PV1-36
        fields[int(position[1:])] = value
    return _segment(*fields)


def _where(data: Mapping[str, Value]) -> str:
    return "^".join(escape(str(data.get(part) or "")) for part in ("unit", "room", "bed")).rstrip("^")


def hl7_message(
    item: Outgoing, now: datetime, registration: Mapping[str, Value] | None = None, sender: str = "BASCULE"
) -> Hl7Message:
    """The HL7 v2.5 message of one entry; `registration` carries a new patient's details (A04)."""
    entry, data = item.entry, item.entry.data
    kind = entry.kind
    at = _text(data, "at") or entry.recorded_at.isoformat()
    ident = control_id(item.key)
    event = {
        "registration": "ADT^A04^ADT_A01" if item.downtime_id else "ADT^A08^ADT_A01",
        "arrival": "ADT^A08^ADT_A01",
        "transfer": "ADT^A02^ADT_A02",
        "discharge": "ADT^A03^ADT_A03",
        "administration": "RAS^O17^RAS_O17",
    }.get(kind, "ORU^R01^ORU_R01")
    msh = _segment(
        "MSH", "^~\\&", sender, escape(entry.station), "EHR", "EHR", _ts(now), "", event, ident, "P", "2.5"
    )
    segments = [msh]
    if event.startswith("ADT"):
        segments.append(_segment("EVN", event.split("^")[1], _ts(now), "", "", escape(entry.author), _ts(at)))
    segments.append(_pid(item, registration if kind == "registration" else None))
    if kind == "registration":
        segments.append(_pv1(escape(str(data.get("unit") or ""))))
    elif kind == "arrival":
        segments.append(_pv1(_where(data), f44=_ts(at)))
    elif kind == "transfer":
        segments.append(_pv1(_where(data)))
    elif kind == "discharge":
        segments.append(_pv1("", f36=HL7_DISPOSITIONS[str(data["destination"])], f45=_ts(at)))
    elif kind == "administration":
        segments += _ras(data, at, item.key)
    else:
        segments += _oru(item, at)
    return Hl7Message(item.key, ident, "\r".join(segments))


def _ras(data: Mapping[str, Value], at: str, key: str) -> list[str]:
    given = data.get("status") == "given"
    order = escape(str(data.get("order_id") or key))
    rxa = ["RXA", "0", "1", _ts(at), _ts(at), f"^{escape(str(data['drug']))}"] + [""] * 15
    # RXA-6 amount (0 when none was given), RXA-7 unit, RXA-18 refusal reason, RXA-20 completion status
    rxa[6] = str(_number(data["dose_value"])) if data.get("dose_value") is not None else "0"
    rxa[7] = escape(str(data.get("dose_unit") or ""))
    rxa[18] = "" if given else f"^{escape(str(data['reason']))}"
    rxa[20] = "CP" if given else "NA"
    segments = [_segment("ORC", "RE", order), _segment(*rxa)]
    if data.get("route"):
        segments.append(_segment("RXR", f"^{escape(str(data['route']))}"))
    return segments


def _oru(item: Outgoing, at: str) -> list[str]:
    data, kind = item.entry.data, item.entry.kind
    when = _ts(at)
    obr = ["OBR", "1", escape(item.key), "", ""]
    observations: list[list[str]] = []
    notes: list[str] = []
    if kind == "vitals":
        obr[4] = "85353-1^Vital signs panel^LN"
        for name, (code, display, unit) in VITALS.items():
            if data.get(name) is not None:
                observations.append(["NM", f"{code}^{display}^LN", str(_number(data[name])), unit, ""])
        for name, (code, display) in (("systolic", SYSTOLIC), ("diastolic", DIASTOLIC)):
            if data.get(name) is not None:
                observations.append(["NM", f"{code}^{display}^LN", str(_number(data[name])), "mm[Hg]", ""])
    elif kind == "phone_result":
        obr[4] = f"^{escape(str(data['test']))}"
        value = str(data["value"])
        try:
            float(value.replace(",", "."))
            value_type = "NM"
        except ValueError:
            value_type = "ST"
        observations.append(
            [
                value_type,
                f"^{escape(str(data['test']))}",
                escape(value),
                escape(str(data.get("unit") or "")),
                str(data.get("flag") or ""),
            ]
        )
        notes.append(f"{PHONE_NOTE} (caller: {data['caller']})")
    else:  # note
        obr[4] = "11506-3^Progress note^LN"
        observations.append(["TX", "11506-3^Progress note^LN", escape(str(data["text"])), "", ""])
    obr += ["", "", when]  # OBR-7: when it was observed
    segments = [_segment(*obr)]
    for index, (value_type, code, value, unit, flag) in enumerate(observations, start=1):
        segments.append(
            _segment(
                "OBX", str(index), value_type, code, "", value, unit, "", flag, "", "", "F", "", "", when
            )
        )
    segments += [_segment("NTE", "1", "", escape(note)) for note in notes]
    return segments
