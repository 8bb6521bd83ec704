"""From inventory items to a draft map (format 1), merged with the hand-written sections of an
existing map (`--into`), validated as the map's loader would, each problem located in the source.

Merging with `--into` (decided for issue 18, documented in docs/inventory.md):
- every section the inventory does not bring (hospital header, units, processes, procedures, teams,
  facilities, contacts, activities, guard, anything else) is kept as it is;
- sites, segments and suppliers of `--into` are kept as they are; the inventory adds those it names
  that `--into` lacks;
- an item `--into` already has keeps every field, with the inventory's value taking the place of a
  field only where the inventory states one (the inventory is the truth for what it says, the map
  for what the inventory leaves blank); fields the inventory never states (`optional`, ...) are the
  map's; its `needs` are the map's plus the inventory's, except that on an item an earlier import
  brought, the plain ids follow the inventory (they came from it) while requirement groups
  (`{any: ...}`, `{at_least: ...}`) are kept;
- an asset or application of `--into` that the inventory does not have is kept when it is
  hand-written, and removed when an earlier import brought it (the draft's header comment lists
  the imported ids: `imported_ids`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import yaml

from bascule.hospital.validation import FORMAT_VERSION, Path, Problem, render_path, validate
from bascule.inventory.items import ASSET, Inventory, InventoryItem, Origin, SourceProblem
from bascule.located import compose, line_of

ITEM_SECTIONS: Final = ("assets", "applications")
_ORDER: Final = (
    "bascule",
    "hospital",
    "sites",
    "segments",
    "suppliers",
    "units",
    "assets",
    "applications",
    "processes",
    "procedures",
    "teams",
    "facilities",
    "contacts",
    "activities",
)
DEFAULT_ASSET_KIND: Final = "server"
# The inventory's word for a pool member, and the map's for the pool (map check counts these).
_ASSET_KINDS: Final = {"workstation": "workstations"}
_IMPORTED_MARK: Final = "# Imported items (id, where it was read):"
_IMPORTED_END: Final = "# End of imported items."
_IMPORTED_LINE: Final = re.compile(r"^#\s{3}(\S+)\s+(\S.*)$")


@dataclass(frozen=True, slots=True)
class Draft:
    """The draft map document, where each imported id was read, what stops it from being a map
    (`problems`) and what the cell should look at (`warnings`)."""

    document: dict[str, Any]
    origins: Mapping[str, Origin]
    problems: tuple[SourceProblem, ...]
    warnings: tuple[SourceProblem, ...]
    source: str
    into: str | None = None


def imported_ids(into_text: str) -> frozenset[str]:
    """The ids an earlier import brought into a map, read from its draft header comment."""
    ids: set[str] = set()
    inside = False
    for line in into_text.splitlines():
        if line == _IMPORTED_MARK:
            inside = True
        elif inside:
            match = _IMPORTED_LINE.match(line)
            if not match:
                break
            ids.add(match.group(1))
        elif not line.startswith("#"):
            break
    return frozenset(ids)


def _number(value: float) -> float | int:
    return int(value) if value == int(value) else value


def item_entry(item: InventoryItem) -> dict[str, Any]:
    """The map entry the inventory states for `item` (only what it says)."""
    entry: dict[str, Any] = {"id": item.id}
    if item.name:
        entry["name"] = item.name
    if item.kind == ASSET:
        entry["kind"] = _ASSET_KINDS.get(item.type, item.type) or DEFAULT_ASSET_KIND
        if item.site:
            entry["site"] = item.site
    if item.segment:
        entry["segment"] = item.segment
    if item.supplier:
        entry["supplier"] = item.supplier
    if item.needs:
        entry["needs"] = list(item.needs)
    if item.restore_hours is not None:
        entry["restore_hours"] = _number(item.restore_hours)
    if item.skills:
        entry["skills"] = list(item.skills)
    if item.kind == ASSET and item.count is not None:
        entry["count"] = item.count
    return entry


def _merged(
    stated: dict[str, Any], hand: Mapping[str, Any], section: str, reimported: bool
) -> dict[str, Any]:
    entry = dict(hand)
    if section != "assets":  # moved from assets: asset-only fields would not validate
        for field in ("kind", "count", "site"):
            entry.pop(field, None)
    kept = list(hand.get("needs") or ())
    if reimported:  # its plain ids came from the inventory: they follow it; groups are hand-written
        kept = [need for need in kept if not isinstance(need, str)]
    mentioned = {need for need in kept if isinstance(need, str)}
    needs = kept + [need for need in stated.get("needs", ()) if need not in mentioned]
    for field, value in stated.items():
        if field != "needs":
            entry[field] = value
    if needs:
        entry["needs"] = needs  # in its place when the map had needs
    else:
        entry.pop("needs", None)
    return entry


def draft_document(
    inventory: Inventory,
    header: Mapping[str, Any],
    into: Mapping[str, Any] | None,
    imported: Iterable[str] = (),
) -> dict[str, Any]:
    """The map document: `into`'s hand-written sections kept as they are, the inventory's sites,
    segments, suppliers and items merged in (module docstring); `header` ({id, name}) is used
    only when `into` has no hospital header; `imported` are the ids an earlier import brought."""
    into = dict(into or {})
    previously = frozenset(imported)
    document: dict[str, Any] = {"bascule": into.get("bascule", FORMAT_VERSION)}
    document["hospital"] = into.get("hospital") or dict(header)
    for section, things in (
        ("sites", inventory.sites),
        ("segments", inventory.segments),
        ("suppliers", inventory.suppliers),
    ):
        entries = list(into.get(section) or [])
        known = {entry.get("id") for entry in entries if isinstance(entry, Mapping)}
        for thing in things:
            if thing.id not in known:
                entry = {"id": thing.id}
                if thing.name:
                    entry["name"] = thing.name
                if thing.site and section == "segments":
                    entry["site"] = thing.site
                entries.append(entry)
        if entries:
            document[section] = entries
    by_id = {item.id: item for item in inventory.items}
    placed: dict[str, list[dict[str, Any]]] = {section: [] for section in ITEM_SECTIONS}
    for section in ITEM_SECTIONS:
        for hand in into.get(section) or []:
            hand_id = hand.get("id") if isinstance(hand, Mapping) else None
            item = by_id.get(hand_id) if isinstance(hand_id, str) else None
            if item is None:
                if hand_id not in previously:
                    placed[section].append(hand)
                continue
            target = "assets" if item.kind == ASSET else "applications"
            placed[target].append(_merged(item_entry(item), hand, target, item.id in previously))
    merged = {entry["id"] for entries in placed.values() for entry in entries if isinstance(entry, Mapping)}
    for item in inventory.items:
        if item.id not in merged:
            placed["assets" if item.kind == ASSET else "applications"].append(item_entry(item))
            merged.add(item.id)
    for section in _ORDER[5:]:
        if section in ITEM_SECTIONS:
            if placed[section]:
                document[section] = placed[section]
        elif section in into:
            document[section] = into[section]
    for key, value in into.items():
        if key not in ITEM_SECTIONS:  # those were merged above (an emptied one stays out)
            document.setdefault(key, value)
    return document


def build_draft(
    inventory: Inventory,
    header: Mapping[str, Any],
    into: Mapping[str, Any] | None = None,
    *,
    into_source: str | None = None,
    into_text: str | None = None,
    imported: Iterable[str] = (),
) -> Draft:
    """The draft with every problem: the source's own, then the map's, located at the item's origin
    (an imported item) or in `--into` (a hand-written entry)."""
    document = draft_document(inventory, header, into, imported)
    origins = {item.id: item.origin for item in inventory.items}
    for item in inventory.items:  # a site, segment or supplier is located at its first item
        for named in (item.site, item.segment, item.supplier):
            if named:
                origins.setdefault(named, item.origin)
    problems = list(inventory.problems)
    draft_place = Origin(into_source or inventory.source or "draft")
    places = _places_in(into or {})
    into_root = compose(into_text) if into_text is not None and into_source is not None else None
    for problem in validate(document):
        entry_id = _entry_id(document, problem.path)
        if entry_id in origins:
            problems.append(_located(origins[entry_id], problem.path, problem))
        elif entry_id in places and into_root is not None and into_source is not None:
            path = (*places[entry_id], *problem.path[2:])
            problems.append(_located(Origin(into_source, line_of(into_root, path)), path, problem))
        else:
            problems.append(_located(draft_place, problem.path, problem))
    warnings = [
        SourceProblem(
            origins.get(entry["id"], draft_place),
            f'assets[{index}] "{entry["id"]}" is in no segment: isolating a segment can never cut it',
            f"assets[{index}] « {entry['id']} » n'est dans aucun segment : isoler un segment ne le coupe jamais",
        )
        for index, entry in enumerate(document.get("assets") or [])
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and not entry.get("segment")
    ]
    return Draft(
        document=document,
        origins=origins,
        problems=tuple(problems),
        warnings=tuple(warnings),
        source=inventory.source,
        into=into_source,
    )


def _entry_id(document: Mapping[str, Any], path: Path) -> str | None:
    """The id of the section entry `path` points into, if any."""
    if len(path) >= 2 and isinstance(path[1], int):
        entries = document.get(str(path[0]))
        if isinstance(entries, list) and path[1] < len(entries) and isinstance(entries[path[1]], Mapping):
            entry_id = entries[path[1]].get("id")
            return entry_id if isinstance(entry_id, str) else None
    return None


def _places_in(into: Mapping[str, Any]) -> dict[str, tuple[str, int]]:
    """Where each entry of `--into` sits: (section, index)."""
    places: dict[str, tuple[str, int]] = {}
    for section, entries in into.items():
        if isinstance(entries, list):
            for index, entry in enumerate(entries):
                if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                    places.setdefault(entry["id"], (str(section), index))
    return places


def _located(where: Origin, path: Path, problem: Problem) -> SourceProblem:
    rendered = render_path(path)
    return SourceProblem(where, f"{rendered}: {problem.message}", f"{rendered} : {problem.fr}")


def render_draft(draft: Draft, lang: str = "en") -> str:
    """The YAML map with its header comment: where it came from, each imported item's origin, and
    (for a `--draft` that does not validate) the problems to fix."""
    lines = [
        f"# Bascule map drafted by `bascule map import` from {draft.source}"
        + (f", merged into {draft.into}" if draft.into else "")
        + ".",
        "# Hand-written sections and fields are kept on re-import (docs/inventory.md).",
    ]
    if draft.problems:
        title = "PROBLÈMES à corriger avant usage" if lang == "fr" else "PROBLEMS to fix before use"
        lines.append(f"# {title} ({len(draft.problems)}):")
        lines.extend(f"#   {problem.located(lang)}" for problem in draft.problems)
    if draft.warnings:
        title = "À vérifier" if lang == "fr" else "To check"
        lines.append(f"# {title} ({len(draft.warnings)}):")
        lines.extend(f"#   {warning.located(lang)}" for warning in draft.warnings)
    imported = [
        entry["id"]
        for section in ITEM_SECTIONS
        for entry in draft.document.get(section) or []
        if isinstance(entry, Mapping) and entry.get("id") in draft.origins
    ]
    if imported:
        width = max(len(item_id) for item_id in imported)
        lines.append(_IMPORTED_MARK)
        lines.extend(f"#   {item_id:<{width}}  {draft.origins[item_id]}" for item_id in imported)
        lines.append(_IMPORTED_END)
    body = yaml.safe_dump(
        draft.document, sort_keys=False, allow_unicode=True, width=120, default_flow_style=None
    )
    return "\n".join(lines) + "\n" + body
