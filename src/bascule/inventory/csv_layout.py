"""Our CSV layout (contract 7): one row per asset or application, as anyone can write it from a
spreadsheet. Columns `id, name, kind, type, site, segment, supplier, needs, restore_hours, skills,
count`; only `id` and `kind` are required; `needs` and `skills` are separated by `|`.

Comma or semicolon (what French Excel writes), told from the header; UTF-8 with or without a BOM;
CRLF or LF. Every problem of the file is found in one run, each at its line (the header is line 1).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Final

from bascule.errors import UserError
from bascule.hospital.model import Asset, HospitalMap
from bascule.hospital.naming import did_you_mean
from bascule.inventory.items import KINDS, Inventory, InventoryItem, NamedThing, Origin, SourceProblem

COLUMNS: Final = (
    "id",
    "name",
    "kind",
    "type",
    "site",
    "segment",
    "supplier",
    "needs",
    "restore_hours",
    "skills",
    "count",
)
REQUIRED_COLUMNS: Final = ("id", "kind")
LIST_SEPARATOR: Final = "|"
_BOM: Final = "\ufeff"


def looks_like_our_csv(header_line: str) -> bool:
    """True when the header names our `id` and `kind` columns (a GLPI export has neither)."""
    names = {name.strip().lower() for name in _split_header(header_line.lstrip(_BOM))}
    return set(REQUIRED_COLUMNS) <= names


def delimiter_of(header_line: str) -> str:
    """`;` when the header has more semicolons than commas (French Excel), else `,`."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def _split_header(header_line: str) -> list[str]:
    return next(csv.reader([header_line.rstrip("\r\n")], delimiter=delimiter_of(header_line)), [])


def _problem(source: str, line: int, english: str, french: str) -> SourceProblem:
    return SourceProblem(Origin(source, line), english, french)


def read_csv_layout(text: str, source: str, mapping: Mapping[str, Any] | None = None) -> Inventory:
    """Every row of `text` as an item, with every problem located; `mapping` is the `csv:` section
    of the mapping file (`collapse:` rules), or None."""
    rules = collapse_rules(mapping)
    text = text.lstrip(_BOM)
    header_line = text.split("\n", 1)[0]
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(header_line))
    header = next(rows, None)
    if not header or not any(cell.strip() for cell in header):
        problem = _problem(
            source,
            1,
            "the file is empty; its first line names the columns (id, kind, ...)",
            "le fichier est vide ; sa première ligne nomme les colonnes (id, kind, ...)",
        )
        return Inventory(items=(), problems=(problem,), source=source)
    columns = [cell.strip().lower() for cell in header]
    problems = list(_header_problems(columns, source))
    if any(column not in columns for column in REQUIRED_COLUMNS):
        return Inventory(items=(), problems=tuple(problems), source=source)
    items: list[InventoryItem] = []
    first_line: dict[str, int] = {}
    line = rows.line_num
    for cells in rows:
        line, row_line = rows.line_num, line + 1
        if not any(cell.strip() for cell in cells):
            continue
        item, row_problems = _read_row(columns, cells, source, row_line, first_line)
        problems.extend(row_problems)
        if item is not None:
            items.append(item)
    if rules:
        items = collapse(items, rules)
    return Inventory(
        items=tuple(items),
        sites=_named(item.site for item in items),
        segments=_segments(items),
        suppliers=_named(item.supplier for item in items),
        problems=tuple(problems),
        source=source,
    )


def _header_problems(columns: list[str], source: str) -> Iterable[SourceProblem]:
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            yield _problem(
                source,
                1,
                f'the column "{column}" is given twice',
                f"la colonne « {column} » est donnée deux fois",
            )
        seen.add(column)
        if column not in COLUMNS:
            yield _problem(
                source,
                1,
                f'unknown column "{column}"{did_you_mean(column, COLUMNS)}; the columns are {", ".join(COLUMNS)}',
                f"colonne inconnue « {column} »{did_you_mean(column, COLUMNS, 'fr')} ; "
                f"les colonnes sont {', '.join(COLUMNS)}",
            )
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            yield _problem(
                source,
                1,
                f'the column "{required}" is missing; only id and kind are required',
                f"la colonne « {required} » manque ; seules id et kind sont obligatoires",
            )


def _read_row(
    columns: list[str], cells: list[str], source: str, line: int, first_line: dict[str, int]
) -> tuple[InventoryItem | None, list[SourceProblem]]:
    problems: list[SourceProblem] = []
    if len(cells) > len(columns):
        problems.append(
            _problem(
                source,
                line,
                f"the row has {len(cells)} cells but the header names {len(columns)} columns",
                f"la ligne a {len(cells)} cellules mais l'en-tête nomme {len(columns)} colonnes",
            )
        )
    row = {column: cell.strip() for column, cell in zip(columns, cells, strict=False)}
    item_id, kind = row.get("id", ""), row.get("kind", "").lower()
    if not item_id:
        problems.append(_problem(source, line, "the id is empty", "l'identifiant est vide"))
    elif item_id in first_line:
        problems.append(
            _problem(
                source,
                line,
                f'duplicate id "{item_id}" (first at line {first_line[item_id]})',
                f"identifiant « {item_id} » en double (d'abord à la ligne {first_line[item_id]})",
            )
        )
    else:
        first_line[item_id] = line
    if kind not in KINDS:
        problems.append(
            _problem(
                source,
                line,
                f'kind "{kind}" is neither asset nor application{did_you_mean(kind, KINDS)}',
                f"le genre (kind) « {kind} » n'est ni asset ni application{did_you_mean(kind, KINDS, 'fr')}",
            )
        )
    restore_hours = _number(
        row.get("restore_hours", ""), "restore_hours", source, line, problems, whole=False
    )
    count = _number(row.get("count", ""), "count", source, line, problems, whole=True)
    if problems:
        return None, problems
    item = InventoryItem(
        id=item_id,
        kind=kind,  # type: ignore[arg-type]  # checked against KINDS above
        origin=Origin(source, line),
        name=row.get("name", ""),
        type=row.get("type", ""),
        site=row.get("site", ""),
        segment=row.get("segment", ""),
        supplier=row.get("supplier", ""),
        needs=_list(row.get("needs", "")),
        restore_hours=restore_hours,
        skills=_list(row.get("skills", "")),
        count=None if count is None else int(count),
    )
    return item, []


def _number(
    text: str, column: str, source: str, line: int, problems: list[SourceProblem], *, whole: bool
) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ".")) if not whole else float(int(text))
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (value < 1 if whole else value <= 0):
        what = ("a whole number, at least 1", "un nombre entier, au moins 1")
        if not whole:
            what = ("a positive number of hours", "un nombre d'heures positif")
        problems.append(
            _problem(
                source,
                line,
                f'{column} "{text}" is not {what[0]}',
                f"{column} « {text} » n'est pas {what[1]}",
            )
        )
        return None
    return value


def _list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(LIST_SEPARATOR) if part.strip())


def _named(ids: Iterable[str]) -> tuple[NamedThing, ...]:
    return tuple(NamedThing(name) for name in dict.fromkeys(i for i in ids if i))


def _segments(items: Iterable[InventoryItem]) -> tuple[NamedThing, ...]:
    """Each segment once, on the site of the first item in it."""
    sites: dict[str, str] = {}
    for item in items:
        if item.segment and item.segment not in sites:
            sites[item.segment] = item.site
    return tuple(NamedThing(segment, site=site) for segment, site in sites.items())


# --- collapsing pools ------------------------------------------------------------------------

_COLLAPSE_BY: Final = ("segment", "site", "supplier")


def collapse_rules(mapping: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """The `collapse:` rules of the `csv:` mapping section as (type, by) pairs; a mapping that
    cannot be read is refused at once (it is the user's file, not the inventory)."""
    if not mapping:
        return ()
    unknown = [key for key in mapping if key != "collapse"]
    if unknown:
        raise UserError(
            f'The csv mapping has an unknown key "{unknown[0]}"{did_you_mean(str(unknown[0]), ["collapse"])}; '
            "it takes only collapse.",
            fr=f"La correspondance csv a une clé inconnue « {unknown[0]} »"
            f"{did_you_mean(str(unknown[0]), ['collapse'], 'fr')} ; elle ne prend que collapse.",
        )
    rules = []
    for rule in mapping.get("collapse") or ():
        if (
            not isinstance(rule, Mapping)
            or not isinstance(rule.get("type"), str)
            or rule.get("by", "segment") not in _COLLAPSE_BY
        ):
            raise UserError(
                f"Each csv collapse rule is {{type: TYPE, by: segment|site|supplier}}, not {rule!r}.",
                fr=f"Chaque règle csv collapse s'écrit {{type: TYPE, by: segment|site|supplier}}, pas {rule!r}.",
            )
        rules.append((rule["type"], str(rule.get("by", "segment"))))
    return tuple(rules)


def collapse(items: list[InventoryItem], rules: Iterable[tuple[str, str]]) -> list[InventoryItem]:
    """Identical items of a collapsed type (same needs, skills, hours, supplier, site, segment) become
    one pool, `<type>-<by value>`, whose count is their sum; nothing needs a pooled member by its id
    any more: such needs name the pool."""
    by_type = dict(rules)
    pools: dict[tuple[Any, ...], list[InventoryItem]] = {}
    kept: list[InventoryItem | tuple[Any, ...]] = []
    for item in items:
        if item.type not in by_type:
            kept.append(item)
            continue
        key: tuple[Any, ...] = (item.type, by_type[item.type], item.kind, item.site, item.segment)
        key += (item.supplier, item.needs, item.skills, item.restore_hours)
        if key not in pools:
            pools[key] = []
            kept.append(key)
        pools[key].append(item)
    taken = {item.id for item in items}
    renamed: dict[str, str] = {}
    result: list[InventoryItem] = []
    for entry in kept:
        if isinstance(entry, InventoryItem):
            result.append(entry)
            continue
        members = pools[entry]
        if len(members) == 1:
            result.append(members[0])
            continue
        first = members[0]
        pool_id = _free_id(f"{first.type}-{getattr(first, entry[1]) or 'all'}", taken)
        taken.add(pool_id)
        renamed.update({member.id: pool_id for member in members})
        total = sum(member.count or 1 for member in members)
        label = f"{first.type} ({getattr(first, entry[1]) or '-'})"
        result.append(replace(first, id=pool_id, name=label, count=total))
    if not renamed:
        return result
    return [
        replace(item, needs=tuple(dict.fromkeys(renamed.get(need, need) for need in item.needs)))
        for item in result
    ]


def _free_id(wanted: str, taken: set[str]) -> str:
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    return candidate


# --- writing ---------------------------------------------------------------------------------


def write_csv(hospital_map: HospitalMap) -> str:
    """The map's assets and applications in our layout (comma, LF, UTF-8). A CSV holds plain ids
    only: requirement groups (`{any: ...}`) and `optional` stay hand-written in the map (`--into`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for node in (*hospital_map.assets, *hospital_map.applications):
        is_asset = isinstance(node, Asset)
        needs = [r.members[0] for r in node.needs if not r.grouped]
        writer.writerow(
            [
                node.id,
                node.name,
                "asset" if is_asset else "application",
                node.kind if isinstance(node, Asset) else "",
                (node.site or "") if isinstance(node, Asset) else "",
                node.segment or "",
                node.supplier or "",
                LIST_SEPARATOR.join(needs),
                f"{node.restore_hours:g}",
                LIST_SEPARATOR.join(node.skills),
                str(node.count) if isinstance(node, Asset) and node.count != 1 else "",
            ]
        )
    return buffer.getvalue()
