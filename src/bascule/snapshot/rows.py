"""How each clinical record becomes a row of its table, and back.

Columns are named after the record's fields; times are stored as sortable UTC text
("2026-11-24T08:00:00Z"), dates as "YYYY-MM-DD", daily schedules as "08:00,14:00", an order's dose
lines as a JSON list of objects (one key per DoseLine field, same encodings).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from bascule.clinical.dosage import DoseLine
from bascule.clinical.records import (
    Activity,
    Administration,
    Alert,
    Allergy,
    CareLocation,
    ClinicalRecord,
    LabResult,
    MedicationOrder,
    Patient,
    PersonName,
    Practitioner,
    Problem,
    Stay,
    StayPlace,
)
from bascule.snapshot.versions import sql_supersedes

Encoder = Callable[[Any], Any]


def encode_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decode_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _optional(encode: Encoder) -> Encoder:
    return lambda value: None if value is None else encode(value)


def _encode_times(times: tuple[time, ...]) -> str:
    return ",".join(moment.strftime("%H:%M") for moment in times)


def _decode_times(text: str) -> tuple[time, ...]:
    return tuple(time.fromisoformat(part) for part in text.split(",") if part)


def _encode_texts(texts: tuple[str, ...]) -> str:
    return json.dumps(list(texts), ensure_ascii=False) if texts else ""


def _decode_texts(text: str) -> tuple[str, ...]:
    return tuple(str(item) for item in json.loads(text)) if text else ()


def _encode_places(places: tuple[StayPlace, ...]) -> str:
    """A stay's places as a JSON list ('' for none, the default of the column)."""
    if not places:
        return ""
    return json.dumps(
        [
            {
                key: encode_time(value) if isinstance(value, datetime) else value
                for key, value in (
                    ("id", place.location_id),
                    ("kind", place.kind),
                    ("display", place.display),
                    ("start", place.start),
                    ("end", place.end),
                    ("status", place.status),
                )
                if value is not None
            }
            for place in places
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode_places(text: str) -> tuple[StayPlace, ...]:
    return tuple(
        StayPlace(
            location_id=item.get("id"),
            kind=item.get("kind"),
            display=item.get("display"),
            start=decode_time(item["start"]) if "start" in item else None,
            end=decode_time(item["end"]) if "end" in item else None,
            status=item.get("status"),
        )
        for item in (json.loads(text) if text else [])
    )


def _encode_names(names: tuple[PersonName, ...]) -> str:
    """A patient's names as a JSON list ('' for none, the default of the column)."""
    if not names:
        return ""
    return json.dumps(
        [
            {key: value for key, value in (("use", n.use), ("family", n.family), ("given", n.given)) if value}
            for n in names
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode_names(text: str) -> tuple[PersonName, ...]:
    return tuple(
        PersonName(family=item.get("family", ""), given=item.get("given", ""), use=item.get("use"))
        for item in (json.loads(text) if text else [])
    )


def _identity(value: Any) -> Any:
    return value


def _encode_moments(moments: tuple[datetime, ...]) -> list[str]:
    return [encode_time(moment) for moment in moments]


def _decode_moments(texts: list[str]) -> tuple[datetime, ...]:
    return tuple(decode_time(text) for text in texts)


def _line_codecs() -> dict[str, tuple[Encoder, Encoder]]:
    hints = typing.get_type_hints(DoseLine)
    codecs: dict[str, tuple[Encoder, Encoder]] = {}
    for line_field in dataclasses.fields(DoseLine):
        hint = hints[line_field.name]
        if hint == tuple[datetime, ...]:
            codecs[line_field.name] = (_encode_moments, _decode_moments)
        elif hint == tuple[int, ...]:
            codecs[line_field.name] = (list, tuple)
        else:
            codecs[line_field.name] = _codecs(hint)
    return codecs


def _encode_lines(lines: tuple[DoseLine, ...]) -> str:
    """Each line as the fields that differ from their defaults (most are empty)."""
    return json.dumps(
        [
            {
                name: encode(getattr(line, name))
                for name, (encode, _) in _LINE_CODECS.items()
                if getattr(line, name) != _LINE_DEFAULTS[name]
            }
            for line in lines
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _decode_lines(text: str | None) -> tuple[DoseLine, ...]:
    """A store written before dose lines were kept has NULL here: no lines, the flat fields say it."""
    if not text:
        return ()
    return tuple(
        DoseLine(**{name: _LINE_CODECS[name][1](value) for name, value in item.items()})
        for item in json.loads(text)
    )


def _codecs(hint: Any) -> tuple[Encoder, Encoder]:
    """(encode, decode) for a field of this type."""
    args = typing.get_args(hint)
    optional = type(None) in args and typing.get_origin(hint) in (typing.Union, types.UnionType)
    base = next((arg for arg in args if arg is not type(None)), hint) if optional else hint
    if base is datetime:
        pair: tuple[Encoder, Encoder] = (encode_time, decode_time)
    elif base is date:
        pair = (date.isoformat, date.fromisoformat)
    elif base is bool:
        pair = (int, bool)
    elif base == tuple[DoseLine, ...]:
        return (_encode_lines, _decode_lines)
    elif base == tuple[str, ...]:
        pair = (_encode_texts, _decode_texts)
    elif base == tuple[PersonName, ...]:
        pair = (_encode_names, _decode_names)
    elif typing.get_origin(base) is tuple and typing.get_args(base)[0] is StayPlace:
        pair = (_encode_places, _decode_places)
    elif typing.get_origin(base) is tuple:
        pair = (_encode_times, _decode_times)
    else:
        return (_identity, _identity)
    return (_optional(pair[0]), _optional(pair[1])) if optional else pair


_LINE_CODECS = _line_codecs()
_LINE_DEFAULTS = {name: getattr(DoseLine(), name) for name in _LINE_CODECS}


@dataclass(frozen=True)
class TableMapping:
    """A record class, its table and how its fields are stored."""

    table: str
    record_class: type[Any]
    columns: tuple[str, ...]
    encoders: tuple[Encoder, ...]
    decoders: tuple[Encoder, ...]

    def to_row(self, record: ClinicalRecord) -> tuple[Any, ...]:
        return tuple(
            encode(getattr(record, name)) for name, encode in zip(self.columns, self.encoders, strict=True)
        )

    def from_row(self, row: typing.Sequence[Any]) -> Any:
        return self.record_class(
            **{
                name: decode(value)
                for name, decode, value in zip(self.columns, self.decoders, row, strict=True)
            }
        )

    @property
    def select_list(self) -> str:
        return ", ".join(f"{self.table}.{name}" for name in self.columns)

    def content(self, record: ClinicalRecord) -> tuple[Any, ...]:
        """What is kept of the record, as stored, without its version: what a content version hashes."""
        return tuple(
            encode(getattr(record, name))
            for name, encode in zip(self.columns, self.encoders, strict=True)
            if name != "version"
        )

    @property
    def upsert_sql(self) -> str:
        """Insert, or replace the stored row as versions.py's rule says (never by the same content)."""
        names = ", ".join(self.columns)
        marks = ", ".join("?" for _ in self.columns)
        updates = ", ".join(f"{name} = excluded.{name}" for name in self.columns if name != "id")
        content = [name for name in self.columns if name not in ("id", "version")]
        return (
            f"INSERT INTO {self.table} ({names}) VALUES ({marks}) ON CONFLICT (id) DO UPDATE SET "
            f"{updates} WHERE {sql_supersedes(self.table, content)}"
        )


def _mapping(table: str, record_class: type[Any]) -> TableMapping:
    hints = typing.get_type_hints(record_class)
    fields = [field.name for field in dataclasses.fields(record_class)]
    codecs = [_codecs(hints[name]) for name in fields]
    return TableMapping(
        table, record_class, tuple(fields), tuple(c[0] for c in codecs), tuple(c[1] for c in codecs)
    )


MAPPINGS: dict[type[Any], TableMapping] = {
    record_class: _mapping(table, record_class)
    for record_class, table in (
        (Patient, "patients"),
        (CareLocation, "locations"),
        (Stay, "stays"),
        (Allergy, "allergies"),
        (Alert, "alerts"),
        (Problem, "problems"),
        (MedicationOrder, "medication_orders"),
        (Administration, "administrations"),
        (LabResult, "lab_results"),
        (Activity, "activities"),
        (Practitioner, "practitioners"),
    )
}
