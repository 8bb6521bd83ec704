"""The interchange format of downtime registrations (contract 6): JSON Lines, one object a line.

`{"downtime_id", "family", "given", "birth_date", "sex", "national_id", "phone", "postcode", "unit",
"recorded_at", "station"}`: only `downtime_id` and a name (family or given) are required;
`birth_date` is an ISO 8601 date, `sex` a FHIR administrative gender, `recorded_at` an ISO 8601
time with its offset; the rest is text as written. An absent key, null and "" all mean unknown;
blank lines are skipped. A file with any bad line is refused whole, so that nothing is half
imported; every bad line is named by its number and field, never by its value (patient data).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bascule.clinical.records import SEXES
from bascule.durable import write_chunks
from bascule.errors import UserError
from bascule.reconcile.registration import REGISTRATION_FIELDS, Registration

_TEXT_FIELDS = ("downtime_id", "family", "given", "national_id", "phone", "postcode", "unit", "station")
_SHOWN = 5  # bad lines named in the error; the count says how many more


class _BadLine(Exception):
    """One bad line: (English, French) sentence, no value in it."""

    def __init__(self, english: str, french: str) -> None:
        super().__init__(english)
        self.english, self.french = english, french


def _text(raw: dict[str, Any], name: str, number: int) -> str | None:
    value = raw.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _BadLine(f"line {number}: {name} is not text", f"ligne {number} : {name} n'est pas du texte")
    text = str(value).strip()
    return text or None


def _birth_date(raw: dict[str, Any], number: int) -> date | None:
    text = _text(raw, "birth_date", number)
    if text is None:
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise _BadLine(
            f"line {number}: birth_date is not an ISO 8601 date (YYYY-MM-DD)",
            f"ligne {number} : birth_date n'est pas une date ISO 8601 (AAAA-MM-JJ)",
        ) from None


def _recorded_at(raw: dict[str, Any], number: int) -> datetime | None:
    text = _text(raw, "recorded_at", number)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise _BadLine(
            f"line {number}: recorded_at is not an ISO 8601 time with its offset",
            f"ligne {number} : recorded_at n'est pas une heure ISO 8601 avec son décalage",
        )
    return moment


def parse_line(line: str, number: int) -> Registration | None:
    """The registration on one line (None for a blank line); raises _BadLine."""
    if not line.strip():
        return None
    try:
        raw = json.loads(line)
    except json.JSONDecodeError:
        raise _BadLine(f"line {number} is not JSON", f"la ligne {number} n'est pas du JSON") from None
    if not isinstance(raw, dict):
        raise _BadLine(f"line {number} is not a JSON object", f"la ligne {number} n'est pas un objet JSON")
    unknown = sorted(set(raw) - set(REGISTRATION_FIELDS))
    if unknown:
        # A misspelt key would silently lose a field: refuse it and say which.
        raise _BadLine(
            f"line {number}: {unknown[0]} is not a field of the format",
            f"ligne {number} : {unknown[0]} n'est pas un champ du format",
        )
    texts = {name: _text(raw, name, number) for name in _TEXT_FIELDS}
    downtime_id = texts["downtime_id"]
    if downtime_id is None:
        raise _BadLine(f"line {number}: downtime_id is missing", f"ligne {number} : downtime_id est absent")
    if texts["family"] is None and texts["given"] is None:
        raise _BadLine(
            f"line {number}: family and given are both missing (a name is required)",
            f"ligne {number} : family et given sont absents tous les deux (un nom est requis)",
        )
    sex = _text(raw, "sex", number)
    if sex is not None and sex not in SEXES:
        raise _BadLine(
            f"line {number}: sex is not a FHIR administrative gender (female, male, other, unknown)",
            f"ligne {number} : sex n'est pas un genre administratif FHIR (female, male, other, unknown)",
        )
    return Registration(
        downtime_id=downtime_id,
        family=texts["family"],
        given=texts["given"],
        birth_date=_birth_date(raw, number),
        sex=next((known for known in SEXES if known == sex), None),
        national_id=texts["national_id"],
        phone=texts["phone"],
        postcode=texts["postcode"],
        unit=texts["unit"],
        recorded_at=_recorded_at(raw, number),
        station=texts["station"],
    )


def parse_registrations(lines: Iterable[str], source: str = "the file") -> list[Registration]:
    """Every registration of these lines, or a UserError naming every bad line (nothing kept)."""
    found: list[Registration] = []
    bad: list[_BadLine] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        try:
            registration = parse_line(line, number)
        except _BadLine as problem:
            bad.append(problem)
            continue
        if registration is None:
            continue
        if registration.downtime_id in seen:
            bad.append(
                _BadLine(
                    f"line {number}: downtime_id repeats line {seen[registration.downtime_id]}'s",
                    f"ligne {number} : downtime_id répète celui de la ligne {seen[registration.downtime_id]}",
                )
            )
            continue
        seen[registration.downtime_id] = number
        found.append(registration)
    if bad:
        more_en = f" and {len(bad) - _SHOWN} more bad lines" if len(bad) > _SHOWN else ""
        more_fr = f" et {len(bad) - _SHOWN} autres lignes erronées" if len(bad) > _SHOWN else ""
        raise UserError(
            f"{source} was refused whole, nothing was imported: "
            + "; ".join(problem.english for problem in bad[:_SHOWN])
            + more_en
            + ".",
            fr=f"{source} est refusé en entier, rien n'a été importé : "
            + " ; ".join(problem.french for problem in bad[:_SHOWN])
            + more_fr
            + ".",
        )
    return found


def read_registrations(path: Path) -> list[Registration]:
    """The registrations of a JSON Lines file (UTF-8, a byte order mark allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(
            f"{path} does not exist; give the downtime registrations file (JSON Lines).",
            fr=f"{path} n'existe pas ; donnez le fichier des enregistrements de secours (JSON Lines).",
        ) from None
    except UnicodeDecodeError:
        raise UserError(
            f"{path} is not UTF-8 text; save the registrations as UTF-8 JSON Lines.",
            fr=f"{path} n'est pas du texte UTF-8 ; enregistrez les inscriptions en JSON Lines UTF-8.",
        ) from None
    except OSError as error:
        raise UserError(
            f"{path} cannot be read ({error.strerror}).",
            fr=f"{path} ne peut pas être lu ({error.strerror}).",
        ) from None
    return parse_registrations(text.splitlines(), str(path))


def registration_object(registration: Registration) -> dict[str, str]:
    """The registration as the format's object, unknown fields left out."""
    values: dict[str, Any] = {name: getattr(registration, name) for name in REGISTRATION_FIELDS}
    return {
        name: value.isoformat() if isinstance(value, date | datetime) else value
        for name, value in values.items()
        if value is not None
    }


def write_registrations(path: Path, registrations: Sequence[Registration]) -> None:
    """Write registrations as JSON Lines, durably and private (0600: patient data)."""
    write_chunks(
        path,
        (
            (json.dumps(registration_object(item), ensure_ascii=False) + "\n").encode()
            for item in registrations
        ),
    )
