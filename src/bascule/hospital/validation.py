"""Checks a raw map document (parsed YAML/JSON) and lists every problem at once.

Each problem carries the path of the offending value (`("processes", 3, "needs", 1)`) and its
sentence in English and in French; the loader turns paths into file:line locations. Nothing here builds model objects: a document
with no problems is safe to build.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bascule.hospital.cycles import find_cycles, has_cycle
from bascule.hospital.laboratory_checks import check_laboratory
from bascule.hospital.value_checks import (
    Checker,
    Said,
    _is_anything,
    _is_count,
    _is_country,
    _is_floors,
    _is_hours,
    _is_id,
    _is_kind_list,
    _is_lang,
    _is_med_times,
    _is_policy,
    _is_priority,
    _is_share,
    _is_text,
    _is_text_list,
    _is_timezone,
    _type_name,
    hint,
)

Path = tuple[str | int, ...]
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the map, at `path`, said in English (`message`) and French (`fr`);
    `also` points at a related place (duplicates)."""

    path: Path
    message: str
    fr: str
    also: Path | None = None

    @classmethod
    def at(cls, path: Path, said: Said, also: Path | None = None) -> Problem:
        return cls(path, said.en, said.fr, also)


def render_path(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top)"


NODE_FIELDS: dict[str, Checker] = {
    "id": _is_id,
    "name": _is_text,
    "needs": _is_anything,
    "optional": _is_text_list,
    "segment": _is_id,
    "supplier": _is_id,
    "restore_hours": _is_hours,
    "skills": _is_text_list,
}

SECTIONS: dict[str, dict[str, Checker]] = {
    "sites": {"id": _is_id, "name": _is_text, "beds": _is_count(0)},
    "segments": {"id": _is_id, "site": _is_id, "name": _is_text},
    "suppliers": {"id": _is_id, "name": _is_text, "phone": _is_text},
    "units": {
        "id": _is_id,
        "name": _is_text,
        "site": _is_id,
        "beds": _is_count(0),
        "locations": _is_text_list,
    },
    "assets": {**NODE_FIELDS, "kind": _is_id, "count": _is_count(1), "site": _is_id},
    "applications": dict(NODE_FIELDS),
    "processes": {
        **NODE_FIELDS,
        "priority": _is_priority,
        "fallback": _is_id,
        "units": _is_text_list,
        "capability": _is_id,
    },
    "procedures": {"id": _is_id, "title": _is_text, "steps": _is_text_list},
    "teams": {"id": _is_id, "name": _is_text, "members": _is_count(1), "skills": _is_text_list},
    "facilities": {
        "id": _is_id,
        "name": _is_text,
        "distance_km": _is_hours,
        "capabilities": _is_text_list,
        "phone": _is_text,
    },
    "contacts": {"id": _is_id, "name": _is_text, "phone": _is_text, "role": _is_id},
    "activities": {
        "id": _is_id,
        "name": _is_text,
        "kinds": _is_kind_list,
        "units": _is_text_list,
        "processes": _is_text_list,
        "capability": _is_id,
        "policy": _is_policy,
    },
}
REQUIRED: dict[str, tuple[str, ...]] = {"processes": ("id", "priority"), "activities": ("id", "kinds")}
HOSPITAL_FIELDS: dict[str, Checker] = {
    "id": _is_id,
    "name": _is_text,
    "lang": _is_lang,
    "timezone": _is_timezone,
    "country": _is_country,
    "mrn_systems": _is_text_list,
    "med_times": _is_med_times,
}
# The ransomware guard's thresholds (docs/snapshots.md); every key optional.
GUARD_SHARES = ("max_change", "max_garbled", "table_garbled", "max_shrink", "anchor_change", "anchor_shrink")
GUARD_FIELDS: dict[str, Checker] = {
    **dict.fromkeys(GUARD_SHARES, _is_share),
    "floors": _is_floors,
    "slack": _is_count(0),
}
NODE_SECTIONS = ("assets", "applications", "processes")
_NEEDABLE = frozenset(("assets", "applications"))
SINGULAR = {
    "sites": Said("a site", "un site"),
    "segments": Said("a segment", "un segment"),
    "suppliers": Said("a supplier", "un fournisseur"),
    "units": Said("a care unit", "une unité de soins"),
    "assets": Said("an asset", "un équipement"),
    "applications": Said("an application", "une application"),
    "processes": Said("a care process", "un processus de soins"),
    "procedures": Said("a procedure", "une procédure"),
    "teams": Said("a team", "une équipe"),
    "facilities": Said("a facility", "un établissement"),
    "contacts": Said("a contact", "un contact"),
    "activities": Said("an activity type", "un type d'activité"),
    "tests": Said("a laboratory test", "un examen de laboratoire"),
}
_NEEDABLE_NAME = Said("an asset or application", "un équipement ou une application")
# Which section a reference must point into: field -> (sections, what to call them).
REFERENCES: dict[str, tuple[tuple[str, ...], Said]] = {
    "site": (("sites",), SINGULAR["sites"]),
    "segment": (("segments",), SINGULAR["segments"]),
    "supplier": (("suppliers",), SINGULAR["suppliers"]),
    "fallback": (("procedures",), SINGULAR["procedures"]),
    "units": (("units",), SINGULAR["units"]),
    "processes": (("processes",), SINGULAR["processes"]),
    "optional": (("assets", "applications"), _NEEDABLE_NAME),
    "needs": (("assets", "applications"), _NEEDABLE_NAME),
}


def validate(document: Any) -> list[Problem]:
    """Every problem of a raw map document, in document order."""
    if not isinstance(document, dict):
        return [
            Problem(
                (),
                f"a map must be a mapping of sections, not {_type_name(document)}",
                f"une carte doit être un dictionnaire de sections, pas {_type_name(document, 'fr')}",
            )
        ]
    problems = list(_check_top(document))
    ids: dict[str, tuple[str, Path]] = {}
    for section, fields in SECTIONS.items():
        entries = document.get(section, [])
        if not isinstance(entries, list):
            problems.append(
                Problem(
                    (section,),
                    f"must be a list, not {_type_name(entries)}",
                    f"doit être une liste, pas {_type_name(entries, 'fr')}",
                )
            )
            continue
        for index, entry in enumerate(entries):
            problems.extend(_check_entry(section, index, entry, fields, ids))
    problems.extend(check_laboratory(document, ids))
    problems.extend(_check_unit_locations(document))
    problems.extend(_check_skills(document))
    # Fast paths first: large maps are nearly always right, and paths are only built for mistakes.
    resolved, owners, members = _scan_references(document, ids)
    if not resolved:
        problems.extend(_check_references(document, ids))
    if not any(p.message.startswith("unknown id") for p in problems) and has_cycle(len(ids), owners, members):
        problems.extend(_check_cycles(document, ids))
    return problems


def _check_skills(document: dict[str, Any]) -> Iterator[Problem]:
    """A node whose skills no team has could never be restored: `plan` would stop on it later.

    Maps without teams are for impact only and are not held to it."""
    teams = document.get("teams")
    if not isinstance(teams, list) or not teams:
        return
    held: list[str] = []  # a list: suggestions must not depend on hash order
    for team in teams:
        skills = team.get("skills") if isinstance(team, dict) else None
        if isinstance(skills, list):
            held.extend(skill for skill in skills if isinstance(skill, str) and skill not in held)
    for section in NODE_SECTIONS:
        entries = document.get(section)
        for index, entry in enumerate(entries if isinstance(entries, list) else []):
            skills = entry.get("skills") if isinstance(entry, dict) else None
            if not isinstance(skills, list) or not skills or not all(isinstance(x, str) for x in skills):
                continue
            if set(skills) & set(held):
                continue
            hints = [hint(skill, held) for skill in skills]
            named = ", ".join(f'"{skill}"{near.en}' for skill, near in zip(skills, hints, strict=True))
            nommees = ", ".join(f"« {skill} »{near.fr}" for skill, near in zip(skills, hints, strict=True))
            yield Problem(
                (section, index, "skills"),
                f"no team has any of the skills {named}, so no team could restore it; "
                "give one of them to a team in teams",
                f"aucune équipe n'a l'une des compétences {nommees}, aucune ne pourrait donc le restaurer ; "
                "donnez-en une à une équipe dans teams",
            )


def _check_unit_locations(document: dict[str, Any]) -> Iterator[Problem]:
    """A source location code places patients in one care unit: two units cannot both claim it."""
    units = document.get("units")
    if not isinstance(units, list):
        return
    claimed: dict[str, str] = {}
    for index, unit in enumerate(units):
        if not isinstance(unit, dict) or not isinstance(unit.get("id"), str):
            continue
        codes = unit.get("locations")
        codes = codes if isinstance(codes, list) and codes else [unit["id"]]
        for position, code in enumerate(codes):
            if not isinstance(code, str):
                continue
            if code in claimed and claimed[code] != unit["id"]:
                yield Problem(
                    ("units", index, "locations", position),
                    f'location "{code}" is already covered by unit "{claimed[code]}"; '
                    "a location belongs to one unit",
                    f"l'emplacement « {code} » est déjà couvert par l'unité « {claimed[code]} » ; "
                    "un emplacement appartient à une seule unité",
                )
            claimed.setdefault(code, unit["id"])


def _scan_references(
    document: dict[str, Any], ids: dict[str, tuple[str, Path]]
) -> tuple[bool, list[int], list[int]]:
    """Whether every reference names an id of the right section, and the dependency edges
    (owner, needed) as positions in `ids`, for the cycle check."""
    position = {node_id: i for i, node_id in enumerate(ids)}
    section_of = {node_id: section for node_id, (section, _) in ids.items()}
    # What `needs` and `optional` may name, with its position: one lookup per reference.
    needable = {node_id: position[node_id] for node_id, section in section_of.items() if section in _NEEDABLE}
    resolved = True
    owners: list[int] = []
    needed: list[int] = []
    for section, fields in SECTIONS.items():
        entries = document.get(section)
        if not isinstance(entries, list):
            continue
        single = [f for f in ("site", "segment", "supplier", "fallback") if f in fields]
        is_node = section in NODE_SECTIONS
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for field in single:
                value = entry.get(field)
                if value is not None and (
                    type(value) is not str or section_of.get(value) not in REFERENCES[field][0]
                ):
                    resolved = resolved and type(value) is not str
            units = entry.get("units")
            if "units" in fields and isinstance(units, list):
                resolved &= all(not isinstance(u, str) or section_of.get(u) == "units" for u in units)
            # An activity type's `processes` must name care processes.
            processes = entry.get("processes")
            if "processes" in fields and isinstance(processes, list):
                resolved &= all(not isinstance(p, str) or section_of.get(p) == "processes" for p in processes)
            if not is_node:
                continue
            entry_id = entry.get("id")
            owner = position.get(entry_id) if type(entry_id) is str else None
            needs = entry.get("needs")
            optional = entry.get("optional")
            named: list[str] = []
            if type(needs) is list:
                for requirement in needs:
                    if type(requirement) is str:
                        named.append(requirement)
                    else:
                        named.extend(requirement_members(requirement))
            if type(optional) is list:
                named.extend(m for m in optional if type(m) is str)
            for member in named:
                where = needable.get(member)
                if where is None:
                    resolved = False
                elif owner is not None:
                    owners.append(owner)
                    needed.append(where)
    return resolved, owners, needed


def _check_top(document: dict[str, Any]) -> Iterator[Problem]:
    known = [
        "bascule",
        "hospital",
        "guard",
        *SECTIONS,
        "laboratory",
    ]  # a list: suggestions must not depend on hash order
    for key in document:
        if key not in known:
            near = hint(str(key), known)
            sections = ", ".join(sorted(known))
            yield Problem(
                (str(key),),
                f'unknown section "{key}"{near.en}; sections are {sections}',
                f"section inconnue « {key} »{near.fr} ; les sections sont {sections}",
            )
    if "bascule" not in document:
        yield Problem(
            (),
            f"the format marker is missing: add `bascule: {FORMAT_VERSION}` at the top",
            f"le marqueur de format manque : ajoutez `bascule: {FORMAT_VERSION}` en tête",
        )
    elif document["bascule"] != FORMAT_VERSION:
        version = document["bascule"]
        yield Problem(
            ("bascule",),
            f"format {version!r} is not supported; this Bascule reads format 1",
            f"le format {version!r} n'est pas pris en charge ; ce Bascule lit le format 1",
        )
    guard = document.get("guard")
    if guard is not None and not isinstance(guard, dict):
        yield Problem(
            ("guard",),
            f"must be a mapping of thresholds, not {_type_name(guard)}",
            f"doit être un dictionnaire de seuils, pas {_type_name(guard, 'fr')}",
        )
    elif guard is not None:
        yield from check_fields(("guard",), guard, GUARD_FIELDS, ())
    hospital = document.get("hospital")
    if not isinstance(hospital, dict):
        yield Problem(
            ("hospital",),
            "the hospital is missing: add `hospital: {id: ..., name: ...}`",
            "l'hôpital manque : ajoutez `hospital: {id: ..., name: ...}`",
        )
        return
    yield from check_fields(("hospital",), hospital, HOSPITAL_FIELDS, ("id",))


def check_fields(
    path: Path, entry: dict[str, Any], fields: Mapping[str, Checker], required: tuple[str, ...]
) -> Iterator[Problem]:
    for key, value in entry.items():
        checker = fields.get(key)
        if checker is None:
            near = hint(str(key), fields)
            allowed = ", ".join(fields)
            yield Problem(
                (*path, str(key)),
                f'unknown key "{key}"{near.en}; allowed: {allowed}',
                f"clé inconnue « {key} »{near.fr} ; clés permises : {allowed}",
            )
            continue
        error = checker(value)
        if error:
            yield Problem.at((*path, key), error)
    for key in required:
        if key not in entry:
            yield Problem(path, f'"{key}" is required', f"« {key} » est obligatoire")


def _check_entry(
    section: str, index: int, entry: Any, fields: Mapping[str, Checker], ids: dict[str, tuple[str, Path]]
) -> Iterator[Problem]:
    path: Path = (section, index)
    if not isinstance(entry, dict):
        yield Problem(
            path,
            f"must be a mapping with an id, not {_type_name(entry)}",
            f"doit être un dictionnaire avec un id, pas {_type_name(entry, 'fr')}",
        )
        return
    yield from check_fields(path, entry, fields, REQUIRED.get(section, ("id",)))
    entry_id = entry.get("id")
    if isinstance(entry_id, str) and entry_id.strip():
        if entry_id in ids:
            _, first = ids[entry_id]
            yield Problem((*path, "id"), f'duplicate id "{entry_id}"', f"id « {entry_id} » en double", first)
        else:
            ids[entry_id] = (section, (*path, "id"))
    if section in NODE_SECTIONS and "needs" in entry:
        yield from _check_needs_shape((*path, "needs"), entry["needs"])


def _check_needs_shape(path: Path, needs: Any) -> Iterator[Problem]:
    if not isinstance(needs, list):
        yield Problem(
            path,
            f"must be a list of requirements, not {_type_name(needs)}",
            f"doit être une liste de besoins, pas {_type_name(needs, 'fr')}",
        )
        return
    for index, requirement in enumerate(needs):
        if type(requirement) is str:
            continue
        where = (*path, index)
        if not isinstance(requirement, dict):
            yield Problem(
                where,
                f"must be an id, {{any: [ids]}} or {{at_least: K, of: [ids]}}, not {_type_name(requirement)}",
                f"doit être un id, {{any: [ids]}} ou {{at_least: K, of: [ids]}}, "
                f"pas {_type_name(requirement, 'fr')}",
            )
            continue
        keys = set(requirement)
        if keys == {"any"}:
            members = requirement["any"]
            key = "any"
        elif keys == {"at_least", "of"}:
            members = requirement["of"]
            key = "of"
        else:
            yield Problem(
                where,
                f"must be {{any: [ids]}} or {{at_least: K, of: [ids]}}; found keys {sorted(keys)}",
                f"doit être {{any: [ids]}} ou {{at_least: K, of: [ids]}} ; clés trouvées {sorted(keys)}",
            )
            continue
        if not isinstance(members, list) or not members or not all(isinstance(m, str) for m in members):
            yield Problem(
                (*where, key), "must be a non-empty list of ids", "doit être une liste d'ids non vide"
            )
            continue
        if key == "of":
            least = requirement["at_least"]
            if isinstance(least, bool) or not isinstance(least, int) or not 1 <= least <= len(members):
                yield Problem(
                    (*where, "at_least"),
                    f"must be a whole number from 1 to {len(members)}, not {least!r}",
                    f"doit être un nombre entier de 1 à {len(members)}, pas {least!r}",
                )


def requirement_members(requirement: Any) -> list[str]:
    """The ids a well-formed `needs` entry names."""
    if isinstance(requirement, str):
        return [requirement]
    if isinstance(requirement, dict):
        members = requirement.get("any", requirement.get("of", []))
        return [m for m in members if isinstance(m, str)] if isinstance(members, list) else []
    return []


def _references(document: dict[str, Any]) -> Iterator[tuple[Path, str, str]]:
    """(path, field, referenced id) for every reference in the document."""
    for section in SECTIONS:
        entries = document.get(section)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            for field in ("site", "segment", "supplier", "fallback"):
                value = entry.get(field)
                if isinstance(value, str) and field in SECTIONS[section]:
                    yield (section, index, field), field, value
            for field in ("units", "optional", "processes"):
                values = entry.get(field)
                if isinstance(values, list) and field in SECTIONS[section]:
                    for position, value in enumerate(values):
                        if isinstance(value, str):
                            yield (section, index, field, position), field, value
            needs = entry.get("needs")
            if section in NODE_SECTIONS and isinstance(needs, list):
                for position, requirement in enumerate(needs):
                    members = requirement_members(requirement)
                    grouped = not isinstance(requirement, str)
                    key = "any" if grouped and "any" in requirement else "of"
                    for member_index, member in enumerate(members):
                        where: Path = (section, index, "needs", position)
                        if grouped:
                            where = (*where, key, member_index)
                        yield where, "needs", member


def _check_references(document: dict[str, Any], ids: dict[str, tuple[str, Path]]) -> Iterator[Problem]:
    for path, field, target in _references(document):
        sections, wanted = REFERENCES[field]
        if target not in ids:
            candidates = [i for i, (section, _) in ids.items() if section in sections]
            near = hint(target, candidates)
            yield Problem(path, f'unknown id "{target}"{near.en}', f"id inconnu « {target} »{near.fr}")
        elif ids[target][0] not in sections:
            actual = SINGULAR[ids[target][0]]
            yield Problem(
                path,
                f'"{target}" is {actual.en}, but {field} must name {wanted.en}',
                f"« {target} » est {actual.fr}, mais {field} doit nommer {wanted.fr}",
            )


def _check_cycles(document: dict[str, Any], ids: dict[str, tuple[str, Path]]) -> Iterator[Problem]:
    """One problem per cycle of needs/optional, shown as its chain of ids."""
    edges: dict[str, list[str]] = {}
    where: dict[str, Path] = {}
    for section in NODE_SECTIONS:
        entries = document.get(section)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                continue
            needed: list[str] = []
            for requirement in entry.get("needs") or []:
                needed.extend(requirement_members(requirement))
            optional = entry.get("optional")
            if isinstance(optional, list):
                needed.extend(m for m in optional if isinstance(m, str))
            # Needing a process is reported elsewhere; cycles are looked for among what may be needed.
            edges[entry["id"]] = [n for n in needed if n in ids and ids[n][0] in ("assets", "applications")]
            where[entry["id"]] = (section, index, "needs")
    for cycle in find_cycles(edges):
        chain = " -> ".join([*cycle, cycle[0]])
        yield Problem(where[cycle[0]], f"dependency cycle: {chain}", f"cycle de dépendances : {chain}")
