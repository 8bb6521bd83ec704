"""The checkers of a map's values: each takes a raw value and returns an error sentence or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bascule.clinical.settings import MED_TIME_CODES, known_zone, parse_clock
from bascule.hospital.naming import did_you_mean

# What each section's entries may hold. A checker returns an error sentence or None.
Checker = Callable[[Any], str | None]


def _is_text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be text, not {_type_name(value)}"


def _is_id(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return f"must be a non-empty text id, not {_type_name(value)}"
    return None


def _is_count(minimum: int) -> Checker:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {_type_name(value)}"
        return None if value >= minimum else f"must be at least {minimum}, not {value}"

    return check


def _is_hours(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number, not {_type_name(value)}"
    return None if value >= 0 else f"must not be negative, not {value}"


def _is_text_list(value: Any) -> str | None:
    if not isinstance(value, list):
        return f"must be a list of text, not {_type_name(value)}"
    bad = [item for item in value if not isinstance(item, str)]
    return f"must be a list of text; {_type_name(bad[0])} found" if bad else None


def _is_priority(value: Any) -> str | None:
    if isinstance(value, bool) or value not in (1, 2, 3, 4):
        return f"must be 1 (vital), 2 (urgent), 3 (important) or 4 (deferrable), not {value!r}"
    return None


def _is_lang(value: Any) -> str | None:
    return None if value in ("fr", "en") else f"must be fr or en, not {value!r}"


def _is_timezone(value: Any) -> str | None:
    if isinstance(value, str) and known_zone(value):
        return None
    return f"must be an IANA time zone such as Europe/Paris or Europe/London, not {value!r}"


def _is_country(value: Any) -> str | None:
    from phonenumbers import SUPPORTED_REGIONS  # lazy: only maps that name a country pay for it

    if isinstance(value, str) and value in SUPPORTED_REGIONS:
        return None
    return f"must be an ISO 3166 country code such as FR or GB, not {value!r}"


def _is_med_times(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"must be a mapping of timing code to times, not {_type_name(value)}"
    for code, times in value.items():
        if str(code).upper() not in MED_TIME_CODES:
            hint = did_you_mean(str(code).upper(), MED_TIME_CODES)
            return f'unknown timing code "{code}"{hint}; codes are {", ".join(MED_TIME_CODES)}'
        if not isinstance(times, list) or not times:
            return f'{code}: must be a list of times HH:MM such as ["08:00", "20:00"]'
        for text in times:
            try:
                parse_clock(text if isinstance(text, str) else "")
            except ValueError:
                return f'{code}: {text!r} is not a time HH:MM (write it in quotes, like "08:00")'
    return None


ACTIVITY_KINDS = ("consultation", "imaging", "surgery")
ACTIVITY_URGENCIES = ("routine", "urgent", "emergency")
ACTIVITY_DECISIONS = ("maintain", "postpone", "cancel", "divert")


def _is_kind_list(value: Any) -> str | None:
    error = _is_text_list(value)
    if error:
        return error
    if not value:
        return f"must name at least one kind of activity: {', '.join(ACTIVITY_KINDS)}"
    for kind in value:
        if kind not in ACTIVITY_KINDS:
            hint = did_you_mean(kind, ACTIVITY_KINDS)
            return f'unknown kind of activity "{kind}"{hint}; kinds are {", ".join(ACTIVITY_KINDS)}'
    return None


def _is_policy(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"must be a mapping of urgency to decision, not {_type_name(value)}"
    for urgency, decision in value.items():
        if urgency not in ACTIVITY_URGENCIES:
            hint = did_you_mean(str(urgency), ACTIVITY_URGENCIES)
            return f'unknown urgency "{urgency}"{hint}; urgencies are {", ".join(ACTIVITY_URGENCIES)}'
        if decision not in ACTIVITY_DECISIONS:
            hint = did_you_mean(str(decision), ACTIVITY_DECISIONS)
            return (
                f'{urgency}: unknown decision "{decision}"{hint}; '
                f"decisions are {', '.join(ACTIVITY_DECISIONS)}"
            )
    return None


def _is_anything(value: Any) -> str | None:
    return None  # checked elsewhere (needs, references)


def _is_share(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a share between 0 and 1 (0.3 for 30 %), not {_type_name(value)}"
    return None if 0 <= value <= 1 else f"must be a share between 0 and 1 (0.3 for 30 %), not {value}"


def _is_floors(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"must map record tables to shares (allergies: 0.95), not {_type_name(value)}"
    for table, share in value.items():
        if (error := _is_id(table)) or (error := _is_share(share)):
            return f"{table}: {error}"
    return None


def _type_name(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "nothing"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, int | float) else type(value).__name__
