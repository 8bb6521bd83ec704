"""Loading a hospital map from YAML or JSON, refusing it with every problem located.

The fast path parses with the C loaders and validates the plain document; only when there
are problems is the file composed a second time to find the line of each path (JSON is
read as YAML for that, which it nearly always is).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bascule.errors import MapError, NotFoundError
from bascule.hospital.laboratory import (
    DEFAULT_LATE_AFTER_HOURS,
    DEFAULT_O_POSITIVE_WOMEN_FROM_AGE,
    BloodPolicy,
    DowntimeTest,
    Laboratory,
)
from bascule.hospital.memory import collector_paused
from bascule.hospital.model import (
    DEFAULT_RESTORE_HOURS,
    ActivityType,
    Application,
    Asset,
    CareProcess,
    CareUnit,
    Contact,
    Facility,
    FallbackProcedure,
    GuardSettings,
    Hospital,
    HospitalMap,
    Requirement,
    Segment,
    Site,
    Supplier,
    Team,
)
from bascule.hospital.validation import GUARD_SHARES, validate
from bascule.located import YAML_LOADER, locate

DEMO = "demo"
_Loader = YAML_LOADER


def demo_map_path() -> Path:
    """Where the embedded demo hospital lives inside the installed package."""
    return Path(str(resources.files("bascule.demo").joinpath("hospital.yaml")))


def resolve_map_path(path: str | Path) -> Path:
    """`demo` names the embedded demo map; anything else is a file path."""
    if str(path) == DEMO:
        return demo_map_path()
    return Path(path)


def load_map(path: str | Path) -> HospitalMap:
    """Load, validate and build the map at `path` (or the demo map for "demo")."""
    file = resolve_map_path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(
            f"There is no map at {path}; give the path of a .yaml or .json map, or 'demo'.",
            fr=f"Il n'y a pas de carte à {path} ; donnez le chemin d'une carte .yaml ou .json, ou 'demo'.",
        ) from None
    except IsADirectoryError:
        raise NotFoundError(
            f"{path} is a folder; give the path of a .yaml or .json map file.",
            fr=f"{path} est un dossier ; donnez le chemin d'un fichier de carte .yaml ou .json.",
        ) from None
    except UnicodeDecodeError:
        raise MapError(
            str(path),
            [f"{path}: the file is not UTF-8 text"],
            fr_problems=[f"{path} : le fichier n'est pas du texte UTF-8"],
        ) from None
    except OSError as error:
        raise NotFoundError(
            f"Cannot read the map {path}: {error.strerror}.",
            fr=f"Impossible de lire la carte {path} : {error.strerror}.",
        ) from None
    return load_map_text(text, source=str(path), is_json=file.suffix.lower() == ".json")


def load_map_text(text: str, *, source: str = "<map>", is_json: bool = False) -> HospitalMap:
    with collector_paused():
        try:
            document = _parse(text, source, is_json)
            problems = validate(document)
        except RecursionError:
            # Lists in lists thousands deep: no map is shaped so, and the parsers recurse on it.
            raise MapError(
                source,
                [f"{source}: nested too deeply to be a map"],
                fr_problems=[f"{source} : imbriqué trop profondément pour être une carte"],
            ) from None
        if problems:
            english, french = locate(problems, text, source)
            raise MapError(source, english, fr_problems=french)
        return build_map(document, source)


def _parse(text: str, source: str, is_json: bool) -> Any:
    if is_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise MapError(
                source,
                [f"{source}:{error.lineno}: malformed JSON: {error.msg}"],
                fr_problems=[f"{source}:{error.lineno} : JSON mal formé : {error.msg}"],
            ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = error.problem or error.context or "unreadable"
        raise MapError(
            source,
            [f"{source}{line}: malformed YAML: {problem}"],
            fr_problems=[f"{source}{line} : YAML mal formé : {problem}"],
        ) from None
    except yaml.YAMLError as error:
        raise MapError(
            source,
            [f"{source}: malformed YAML: {error}"],
            fr_problems=[f"{source} : YAML mal formé : {error}"],
        ) from None


def _text_tuple(values: Any) -> tuple[str, ...]:
    return tuple(values) if values else ()


def _requirements(needs: Any, plain: dict[str, Requirement]) -> tuple[Requirement, ...]:
    """Build `needs`; a plain id's requirement is shared (they are frozen), which halves build time."""
    built = []
    for requirement in needs or ():
        if type(requirement) is str:
            shared = plain.get(requirement)
            if shared is None:
                shared = plain[requirement] = Requirement((requirement,))
            built.append(shared)
        elif "any" in requirement:
            built.append(Requirement(tuple(requirement["any"]), 1, grouped=True))
        else:
            built.append(Requirement(tuple(requirement["of"]), requirement["at_least"], grouped=True))
    return tuple(built)


def _node_fields(entry: dict[str, Any], plain: dict[str, Requirement]) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "name": entry.get("name", ""),
        "needs": _requirements(entry.get("needs"), plain),
        "optional": _text_tuple(entry.get("optional")),
        "segment": entry.get("segment"),
        "supplier": entry.get("supplier"),
        "restore_hours": float(entry.get("restore_hours", DEFAULT_RESTORE_HOURS)),
        "skills": _text_tuple(entry.get("skills")),
    }


def build_map(document: dict[str, Any], source: str = "<map>") -> HospitalMap:
    """Build the frozen map from a validated document."""
    hospital = document["hospital"]
    plain: dict[str, Requirement] = {}

    def section(name: str) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = document.get(name) or []
        return entries

    return HospitalMap(
        hospital=Hospital(
            hospital["id"],
            hospital.get("name", hospital["id"]),
            hospital.get("lang", "fr"),
            timezone=hospital.get("timezone"),
            country=hospital.get("country"),
            mrn_systems=_text_tuple(hospital.get("mrn_systems")),
            med_times=tuple(
                (str(code).upper(), tuple(sorted(set(times))))
                for code, times in (hospital.get("med_times") or {}).items()
            ),
        ),
        sites=tuple(Site(e["id"], e.get("name", ""), e.get("beds", 0)) for e in section("sites")),
        segments=tuple(Segment(e["id"], e.get("site"), e.get("name", "")) for e in section("segments")),
        suppliers=tuple(
            Supplier(e["id"], e.get("name", ""), e.get("phone", "")) for e in section("suppliers")
        ),
        units=tuple(
            CareUnit(
                e["id"], e.get("name", ""), e.get("site"), e.get("beds", 0), _text_tuple(e.get("locations"))
            )
            for e in section("units")
        ),
        assets=tuple(
            Asset(
                **_node_fields(e, plain),
                kind=e.get("kind", "server"),
                count=e.get("count", 1),
                site=e.get("site"),
            )
            for e in section("assets")
        ),
        applications=tuple(Application(**_node_fields(e, plain)) for e in section("applications")),
        processes=tuple(
            CareProcess(
                **_node_fields(e, plain),
                priority=e["priority"],
                fallback=e.get("fallback"),
                units=_text_tuple(e.get("units")),
                capability=e.get("capability"),
            )
            for e in section("processes")
        ),
        procedures=tuple(
            FallbackProcedure(e["id"], e.get("title", ""), _text_tuple(e.get("steps")))
            for e in section("procedures")
        ),
        teams=tuple(
            Team(e["id"], e.get("members", 1), _text_tuple(e.get("skills")), e.get("name", ""))
            for e in section("teams")
        ),
        facilities=tuple(
            Facility(
                e["id"],
                e.get("name", ""),
                float(e.get("distance_km", 0.0)),
                _text_tuple(e.get("capabilities")),
                e.get("phone", ""),
            )
            for e in section("facilities")
        ),
        contacts=tuple(
            Contact(e["id"], e.get("name", ""), e.get("phone", ""), e.get("role", ""))
            for e in section("contacts")
        ),
        activities=tuple(
            ActivityType(
                e["id"],
                e.get("name", ""),
                _text_tuple(e.get("kinds")),
                _text_tuple(e.get("units")),
                _text_tuple(e.get("processes")),
                e.get("capability"),
                tuple((e.get("policy") or {}).items()),
            )
            for e in section("activities")
        ),
        guard=_guard(document.get("guard") or {}),
        laboratory=_laboratory(document.get("laboratory") or {}),
        source=source,
    )


def _guard(section: dict[str, Any]) -> GuardSettings:
    shares = {key: float(section[key]) for key in GUARD_SHARES if key in section}
    floors = section.get("floors")
    return GuardSettings(
        **shares,
        floors=None if floors is None else tuple((str(k), float(v)) for k, v in floors.items()),
        slack=section.get("slack"),
    )


def _laboratory(section: dict[str, Any]) -> Laboratory:
    bank = section.get("blood_bank") or {}
    return Laboratory(
        tests=tuple(
            DowntimeTest(
                e["id"],
                e.get("name", ""),
                e.get("priority", "routine"),
                _text_tuple(e.get("runners")),
                e.get("daily", 0),
                e.get("tube", ""),
            )
            for e in section.get("tests") or ()
        ),
        process=section.get("process"),
        late_after_hours=float(section.get("late_after_hours", DEFAULT_LATE_AFTER_HOURS)),
        blood_bank=BloodPolicy(
            supplier=bank.get("supplier"),
            o_positive_women_from_age=bank.get(
                "o_positive_women_from_age", DEFAULT_O_POSITIVE_WOMEN_FROM_AGE
            ),
            thresholds=tuple((str(key), int(units)) for key, units in (bank.get("thresholds") or {}).items()),
            cross_match_test=bank.get("cross_match_test"),
        ),
    )
