"""Checks a raw exercise script (parsed YAML/JSON) and lists every problem of its shape at once.

Each problem carries the path of the offending value (`("injects", 3, "at")`) and its sentence in
English and in French; the loader turns paths into file:line locations (bascule.located). Nothing
here reads the map: the ids are checked against it once the script is built (map_checks.py). A
document with no problems here is safe to build.
"""

from __future__ import annotations

import math
import re
from collections.abc import Generator, Iterator, Mapping
from typing import Any, Final

from bascule.durations import parse_duration
from bascule.errors import UserError
from bascule.exercise.model import CHANNELS, CRITERIA
from bascule.hospital.validation import Path, Problem
from bascule.hospital.value_checks import _type_name, hint

FORMAT_KEY: Final = "bascule_exercise"
FORMAT_VERSION: Final = 1
TRIAGE_DECISIONS: tuple[str, ...] = ("cancel", "postpone", "maintain", "divert")

# Every key of each part of a script, required ones first; the docs' table follows these.
TOP_REQUIRED = (FORMAT_KEY, "id", "title", "map", "scenario", "duration", "injects", "expected")
TOP_KEYS = (*TOP_REQUIRED, "briefing")
INJECT_REQUIRED = ("id", "at", "channel", "text")
INJECT_KEYS = (*INJECT_REQUIRED, "from", "effects", "facilitator")
EFFECT_ID_LISTS = ("down", "isolate", "suppliers", "lift")
EFFECT_HOURS = ("reconnect", "supplier_back")
EFFECT_KEYS = ("down", "isolate", "suppliers", "reconnect", "supplier_back", "lift")
EXPECTED_REQUIRED = ("id", "text", "within")
EXPECTED_KEYS = (*EXPECTED_REQUIRED, "after", "when", "weight")
SCENARIO_KEYS = ("name", "title", "description", "down", "isolate", "suppliers", "reconnect", "supplier_back")

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_HOURS_AND_MINUTES = re.compile(r"^\s*(\d+)\s*h\s*(\d{1,2})\s*$")


def problem(path: Path, en: str, fr: str, also: Path | None = None) -> Problem:
    return Problem(path, en, fr, also)


def minutes_of(value: Any) -> float | None:
    """Minutes from a number (minutes) or a duration ("90m", "1h30", "2h", "1.5h"); None if neither.

    One duration parser for the whole program (bascule.durations), plus "1h30", which people write
    on a timeline."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    both = _HOURS_AND_MINUTES.match(value)
    if both is not None:
        return int(both.group(1)) * 60.0 + int(both.group(2))
    try:
        return parse_duration(value, zero_allowed=True, bare_unit="m").total_seconds() / 60
    except UserError:
        return None


def hours_of(value: Any) -> float | None:
    """Hours from a number (hours) or a duration ("72h", "3d", "90m"); None if neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    minutes = minutes_of(value.strip() if re.search(r"[a-z]", value) else f"{value}h")
    return None if minutes is None else minutes / 60


def check_document(document: Any) -> list[Problem]:
    """Every problem of shape in a script document, in no particular order."""
    if not isinstance(document, dict):
        return [
            problem(
                (),
                f"an exercise script is a mapping starting with `{FORMAT_KEY}: 1`, not {_type_name(document)}",
                f"un script d'exercice est une table qui commence par `{FORMAT_KEY}: 1`, pas {_type_name(document, 'fr')}",
            )
        ]
    return list(_document(document))


def _document(document: dict[str, Any]) -> Iterator[Problem]:
    if FORMAT_KEY in document and document[FORMAT_KEY] != FORMAT_VERSION:
        yield problem(
            (FORMAT_KEY,),
            f"this Bascule reads exercise scripts of format {FORMAT_VERSION}, not {document[FORMAT_KEY]!r}",
            f"ce Bascule lit les scripts d'exercice au format {FORMAT_VERSION}, pas {document[FORMAT_KEY]!r}",
        )
    yield from _keys(document, (), TOP_REQUIRED, TOP_KEYS)
    yield from _id(document, ("id",))
    yield from _texts(document, ("title",))
    yield from _texts(document, ("briefing",))
    if "map" in document and (not isinstance(document["map"], str) or not document["map"].strip()):
        yield problem(
            ("map",),
            f'must be "demo" or the path of a map file, not {_type_name(document["map"])}',
            f"doit valoir « demo » ou le chemin d'un fichier de carte, pas {_type_name(document['map'], 'fr')}",
        )
    yield from _scenario(document.get("scenario"))
    duration = yield from _minutes(document, ("duration",), positive=True)
    injects = yield from _list(document, "injects")
    release: dict[str, float] = {}
    seen: dict[str, Path] = {}
    previous: float | None = None
    for index, inject in enumerate(injects):
        at = yield from _inject(inject, index, seen)
        if at is not None:
            if previous is not None and at < previous:
                yield problem(
                    ("injects", index, "at"),
                    f"minute {at:g} comes before the previous inject's ({previous:g}); list injects in the order they are released",
                    f"la minute {at:g} précède celle de l'inject précédent ({previous:g}) ; listez les injects dans leur ordre de diffusion",
                )
            if duration is not None and at > duration:
                yield problem(
                    ("injects", index, "at"),
                    f"minute {at:g} is after the end of the exercise (duration {duration:g} min): it would never be released",
                    f"la minute {at:g} est après la fin de l'exercice (durée {duration:g} min) : il ne serait jamais diffusé",
                )
            previous = at
            if isinstance(inject.get("id"), str):
                release.setdefault(inject["id"], at)
    expected = yield from _list(document, "expected")
    # Without a list of injects, no `after` can be checked: the list's own problem says why.
    known = release if isinstance(document.get("injects"), list) else None
    for index, decision in enumerate(expected):
        yield from _expected(decision, index, seen, known, duration)


def _keys(
    section: Mapping[Any, Any], path: Path, required: tuple[str, ...], allowed: tuple[str, ...]
) -> Iterator[Problem]:
    for key in required:
        if key not in section:
            yield problem(path, f"missing key {key}", f"clé {key} manquante")
    for key in section:
        if key not in allowed:
            said = hint(str(key), allowed)
            yield problem(
                (*path, str(key)),
                f'unknown key "{key}"{said.en}; allowed: {", ".join(allowed)}',
                f"clé inconnue « {key} »{said.fr} ; clés permises : {', '.join(allowed)}",
            )


def _list(document: dict[str, Any], key: str) -> Generator[Problem, None, list[dict[str, Any]]]:
    """Yields the problem of a key that is not a list; returns its mappings (the others reported)."""
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        yield problem(
            (key,),
            f"must be a list, not {_type_name(value)}",
            f"doit être une liste, pas {_type_name(value, 'fr')}",
        )
        return []
    entries: list[dict[str, Any]] = []
    for index, entry in enumerate(value):
        if isinstance(entry, dict):
            entries.append(entry)
        else:
            entries.append({})
            yield problem(
                (key, index),
                f"must be a mapping (id: ..., ...), not {_type_name(entry)}",
                f"doit être une table (id: ..., ...), pas {_type_name(entry, 'fr')}",
            )
    return entries


def _id(section: Mapping[Any, Any], path: Path) -> Iterator[Problem]:
    value = section.get(path[-1])
    if value is None:
        return
    if not isinstance(value, str) or not _ID.match(value):
        yield problem(
            path,
            f"must be an id (letters, digits, - _ .), not {value!r}",
            f"doit être un identifiant (lettres, chiffres, - _ .), pas {value!r}",
        )


def _texts(section: Mapping[Any, Any], path: Path) -> Iterator[Problem]:
    value = section.get(path[-1])
    if value is None:
        return
    ok = (
        isinstance(value, dict)
        and bool(value)
        and all(k in ("fr", "en") and isinstance(v, str) and v.strip() for k, v in value.items())
    )
    if not ok:
        yield problem(
            path,
            "must be a text in French and English: {fr: ..., en: ...}",
            "doit être un texte en français et en anglais : {fr: ..., en: ...}",
        )


def _minutes(
    section: Mapping[Any, Any], path: Path, *, positive: bool
) -> Generator[Problem, None, float | None]:
    """Yields the problem of a bad time; returns its minutes (None when absent or bad)."""
    value = section.get(path[-1])
    if value is None:
        return None
    minutes = minutes_of(value)
    if minutes is None:
        yield problem(
            path,
            f'must be minutes (a number) or a duration such as "90m", "1h30" or "2h", not {value!r}',
            f"doit être des minutes (un nombre) ou une durée comme « 90m », « 1h30 » ou « 2h », pas {value!r}",
        )
        return None
    if minutes < 0 or (positive and minutes == 0):
        bound, borne = (
            ("longer than zero", "supérieur à zéro") if positive else ("not negative", "positif ou nul")
        )
        yield problem(path, f"must be {bound}, not {value!r}", f"doit être {borne}, pas {value!r}")
        return None
    return minutes


def _unique(section: Mapping[Any, Any], path: Path, seen: dict[str, Path]) -> Iterator[Problem]:
    value = section.get("id")
    if not isinstance(value, str):
        return
    if value in seen:
        yield problem(path, f'duplicate id "{value}"', f"identifiant « {value} » en double", also=seen[value])
    else:
        seen[value] = path


def _inject(
    inject: dict[str, Any], index: int, seen: dict[str, Path]
) -> Generator[Problem, None, float | None]:
    path: Path = ("injects", index)
    yield from _keys(inject, path, INJECT_REQUIRED, INJECT_KEYS)
    yield from _id(inject, (*path, "id"))
    yield from _unique(inject, (*path, "id"), seen)
    at = yield from _minutes(inject, (*path, "at"), positive=False)
    channel = inject.get("channel")
    if channel is not None and channel not in CHANNELS:
        said = hint(str(channel), CHANNELS)
        yield problem(
            (*path, "channel"),
            f'unknown channel "{channel}"{said.en}; use one of {", ".join(CHANNELS)}',
            f"canal inconnu « {channel} »{said.fr} ; utilisez l'un de {', '.join(CHANNELS)}",
        )
    for key in ("text", "from", "facilitator"):
        yield from _texts(inject, (*path, key))
    effects = inject.get("effects")
    if effects is not None:
        yield from _effects(effects, (*path, "effects"))
    return at


def _effects(effects: Any, path: Path) -> Iterator[Problem]:
    if not isinstance(effects, dict):
        yield problem(
            path,
            f"must be a mapping of {', '.join(EFFECT_KEYS)}, not {_type_name(effects)}",
            f"doit être une table de {', '.join(EFFECT_KEYS)}, pas {_type_name(effects, 'fr')}",
        )
        return
    yield from _keys(effects, path, (), EFFECT_KEYS)
    for key in EFFECT_ID_LISTS:
        yield from _id_list(effects, (*path, key))
    for key in EFFECT_HOURS:
        yield from _hours(effects, (*path, key))


def _id_list(section: Mapping[Any, Any], path: Path) -> Iterator[Problem]:
    value = section.get(path[-1])
    if value is None:
        return
    if not isinstance(value, list):
        yield problem(
            path,
            f"must be a list of ids, not {_type_name(value)}",
            f"doit être une liste d'identifiants, pas {_type_name(value, 'fr')}",
        )
        return
    for index, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            yield problem(
                (*path, index),
                f"must be an id, not {_type_name(item)}",
                f"doit être un identifiant, pas {_type_name(item, 'fr')}",
            )


def _hours(section: Mapping[Any, Any], path: Path) -> Iterator[Problem]:
    value = section.get(path[-1])
    if value is None:
        return
    if not isinstance(value, dict):
        yield problem(
            path,
            f"must map ids to hours after the incident opened ({{id: 72}}), not {_type_name(value)}",
            f"doit associer des identifiants à des heures après l'ouverture de l'incident ({{id: 72}}), pas {_type_name(value, 'fr')}",
        )
        return
    for item, hours in value.items():
        number = hours_of(hours)
        if number is None or number < 0:
            yield problem(
                (*path, str(item)),
                f'must be hours (a number, or "72h", "3d"), not {hours!r}',
                f"doit être des heures (un nombre, ou « 72h », « 3d »), pas {hours!r}",
            )


def _scenario(scenario: Any) -> Iterator[Problem]:
    if scenario is None or (isinstance(scenario, str) and scenario.strip()):
        return
    if not isinstance(scenario, dict):
        yield problem(
            ("scenario",),
            f"must be an embedded scenario's name, a scenario file, or a mapping of down, isolate, suppliers; not {_type_name(scenario)}",
            f"doit être le nom d'un scénario embarqué, un fichier de scénario ou une table de down, isolate, suppliers ; pas {_type_name(scenario, 'fr')}",
        )
        return
    path: Path = ("scenario",)
    yield from _keys(scenario, path, (), SCENARIO_KEYS)
    yield from _texts(scenario, (*path, "title"))
    yield from _texts(scenario, (*path, "description"))
    for key in ("down", "isolate", "suppliers"):
        yield from _id_list(scenario, (*path, key))
    for key in EFFECT_HOURS:
        yield from _hours(scenario, (*path, key))


def _expected(
    decision: dict[str, Any],
    index: int,
    seen: dict[str, Path],
    release: Mapping[str, float] | None,
    duration: float | None,
) -> Iterator[Problem]:
    path: Path = ("expected", index)
    yield from _keys(decision, path, EXPECTED_REQUIRED, EXPECTED_KEYS)
    yield from _id(decision, (*path, "id"))
    yield from _unique(decision, (*path, "id"), seen)
    yield from _texts(decision, (*path, "text"))
    within = yield from _minutes(decision, (*path, "within"), positive=True)
    after = decision.get("after")
    start: float | None = 0.0
    if after is not None:
        start = release.get(after) if isinstance(after, str) and release is not None else None
        if start is None and release is not None:
            said = hint(str(after), release)
            yield problem(
                (*path, "after"),
                f'names no inject "{after}"{said.en}',
                f"ne nomme aucun inject « {after} »{said.fr}",
            )
    if within is not None and start is not None and duration is not None and start + within > duration:
        yield problem(
            (*path, "within"),
            f"due at minute {start + within:g}, after the end of the exercise (duration {duration:g} min): it could never be met on time",
            f"attendue à la minute {start + within:g}, après la fin de l'exercice (durée {duration:g} min) : elle ne pourrait jamais être prise à temps",
        )
    weight = decision.get("weight")
    if weight is not None and (
        isinstance(weight, bool)
        or not isinstance(weight, int | float)
        or not math.isfinite(weight)
        or weight <= 0
    ):
        yield problem(
            (*path, "weight"),
            f"must be a positive number, not {weight!r}",
            f"doit être un nombre positif, pas {weight!r}",
        )
    when = decision.get("when")
    if when is not None:
        yield from _criterion(when, (*path, "when"))


def _criterion(when: Any, path: Path) -> Iterator[Problem]:
    if not isinstance(when, dict) or len(when) != 1:
        yield problem(
            path,
            f"must be one criterion, such as {{isolate: tl-clinical-lan}}; one of {', '.join(CRITERIA)}",
            f"doit être un seul critère, comme {{isolate: tl-clinical-lan}} ; l'un de {', '.join(CRITERIA)}",
        )
        return
    ((kind, targets),) = when.items()
    if kind not in CRITERIA:
        said = hint(str(kind), CRITERIA)
        yield problem(
            (*path, str(kind)),
            f'unknown criterion "{kind}"{said.en}; use one of {", ".join(CRITERIA)}',
            f"critère inconnu « {kind} »{said.fr} ; utilisez l'un de {', '.join(CRITERIA)}",
        )
        return
    where = (*path, kind)
    if kind == "sitrep":
        if targets is not True:
            yield problem(where, "must be true", "doit valoir true")
        return
    words = targets if isinstance(targets, list) else [targets]
    if not words or not all(isinstance(w, str) and w.strip() for w in words):
        yield problem(
            where,
            f"must be an id or a list of ids (words for decision), not {targets!r}",
            f"doit être un identifiant ou une liste d'identifiants (des mots pour decision), pas {targets!r}",
        )
        return
    if kind == "triage":
        for word in words:
            if word not in TRIAGE_DECISIONS:
                said = hint(word, TRIAGE_DECISIONS)
                yield problem(
                    where,
                    f'unknown triage decision "{word}"{said.en}; use one of {", ".join(TRIAGE_DECISIONS)}',
                    f"décision de tri inconnue « {word} »{said.fr} ; utilisez l'une de {', '.join(TRIAGE_DECISIONS)}",
                )
