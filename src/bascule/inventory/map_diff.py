"""What changed between two map documents (pure): nodes, segments, suppliers and sites added,
removed, or changed field by field, and, for each removed one, the care processes of the old map
that needed it (directly or through others): what a re-import would take from them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

COMPARED_SECTIONS: Final = ("sites", "segments", "suppliers", "assets", "applications", "processes")


@dataclass(frozen=True, slots=True)
class MapDiff:
    """`changed` is {id: {field: (old, new)}}, absent fields as None; `needed_by` gives, for a
    removed id, the old map's care processes that needed it."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: Mapping[str, Mapping[str, tuple[Any, Any]]] = field(default_factory=dict)
    needed_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def equal(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": {
                entry_id: {name: [old, new] for name, (old, new) in fields.items()}
                for entry_id, fields in self.changed.items()
            },
            "needed_by": {entry_id: list(processes) for entry_id, processes in self.needed_by.items()},
        }


def _entries(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for section in COMPARED_SECTIONS:
        for entry in document.get(section) or ():
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                found[entry["id"]] = {"section": section, **entry}
    return found


def diff_maps(old: Mapping[str, Any], new: Mapping[str, Any]) -> MapDiff:
    """The difference from `old` to `new` (map documents), ids in the order of each map."""
    before, after = _entries(old), _entries(new)
    added = tuple(entry_id for entry_id in after if entry_id not in before)
    removed = tuple(entry_id for entry_id in before if entry_id not in after)
    changed: dict[str, dict[str, tuple[Any, Any]]] = {}
    for entry_id, was in before.items():
        now = after.get(entry_id)
        if now is None:
            continue
        fields = {
            name: (was.get(name), now.get(name))
            for name in dict.fromkeys([*was, *now])
            if name != "id" and was.get(name) != now.get(name)
        }
        if fields:
            changed[entry_id] = fields
    users = _processes_needing(old)
    needed_by = {entry_id: users[entry_id] for entry_id in removed if users.get(entry_id)}
    return MapDiff(added, removed, changed, needed_by)


def _required(entry: Mapping[str, Any]) -> Iterator[str]:
    for need in entry.get("needs") or ():
        if isinstance(need, str):
            yield need
        elif isinstance(need, Mapping):
            members = need.get("any", need.get("of")) or ()
            yield from (member for member in members if isinstance(member, str))


def _processes_needing(document: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """For each node, the care processes that need it directly or through other nodes."""
    needs = {entry_id: tuple(_required(entry)) for entry_id, entry in _entries(document).items()}
    users: dict[str, list[str]] = {}
    for process in document.get("processes") or ():
        if not isinstance(process, Mapping) or not isinstance(process.get("id"), str):
            continue
        seen: set[str] = set()
        stack = list(needs.get(process["id"], ()))
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            users.setdefault(node, []).append(process["id"])
            stack.extend(needs.get(node, ()))
    return {node: tuple(processes) for node, processes in users.items()}
