"""The `map import` use-case: read a source (a file in our CSV layout or a GLPI list export,
`glpi:URL`, `netbox:URL`), draft the map, merge it into an existing one, and say what changed.

The environment (tokens) is passed in, never read here; adapters are imported when used (the GLPI
and NetBox ones bring HTTP clients that a CSV import does not need).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from bascule.errors import NotFoundError, UserError, _ProblemsError
from bascule.hospital.loading import load_map, load_map_text, resolve_map_path
from bascule.hospital.naming import did_you_mean
from bascule.inventory.csv_layout import looks_like_our_csv, read_csv_layout
from bascule.inventory.draft import Draft, build_draft, imported_ids, render_draft
from bascule.inventory.items import Inventory
from bascule.inventory.map_diff import MapDiff, diff_maps
from bascule.located import YAML_LOADER

MAPPING_SECTIONS: Final = ("csv", "glpi", "netbox")
GLPI_TOKENS: Final = ("BASCULE_GLPI_USER_TOKEN", "BASCULE_GLPI_APP_TOKEN")
NETBOX_TOKEN: Final = "BASCULE_NETBOX_TOKEN"


class InventoryError(_ProblemsError):
    """An import whose source or resulting map has problems, each located in the source."""

    def __init__(self, source: str, problems: list[str], *, fr_problems: list[str]) -> None:
        super().__init__(source, problems, fr_problems=fr_problems, what="inventory", fr="L'inventaire")


@dataclass(frozen=True, slots=True)
class ImportResult:
    draft: Draft
    text: str
    diff: MapDiff | None


def _read_text(path: Path, what: str, quoi: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFoundError(
            f"There is no {what} at {path}.", fr=f"Il n'y a pas de {quoi} à {path}."
        ) from None
    except UnicodeDecodeError:
        raise UserError(
            f"{path} is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel).",
            fr=f"{path} n'est pas du texte UTF-8 ; enregistrez-le en UTF-8 (CSV UTF-8 dans Excel).",
        ) from None
    except OSError as error:
        raise UserError(
            f"Cannot read {path}: {error.strerror}.", fr=f"Impossible de lire {path} : {error.strerror}."
        ) from None


def _yaml_mapping(text: str, path: Path, what: str, quoi: str) -> dict[str, Any]:
    try:
        document = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise UserError(
            f"The {what} {path}{line} is not readable YAML.",
            fr=f"{quoi} {path}{line} n'est pas du YAML lisible.",
        ) from None
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise UserError(
            f"The {what} {path} must be a mapping of sections.",
            fr=f"{quoi} {path} doit être un dictionnaire de sections.",
        )
    return document


def load_mapping(path: Path | None) -> dict[str, Any]:
    """The mapping file: a section per source (`csv:`, `glpi:`, `netbox:`), each a plain mapping."""
    if path is None:
        return {}
    document = _yaml_mapping(_read_text(path, "mapping file", "fichier de correspondance"), path, "mapping file",
                             "Le fichier de correspondance")  # fmt: skip
    for key, value in document.items():
        if key not in MAPPING_SECTIONS:
            raise UserError(
                f'The mapping file {path} has an unknown section "{key}"{did_you_mean(str(key), MAPPING_SECTIONS)}; '
                "its sections are csv, glpi and netbox.",
                fr=f"Le fichier de correspondance {path} a une section inconnue « {key} »"
                f"{did_you_mean(str(key), MAPPING_SECTIONS, 'fr')} ; ses sections sont csv, glpi et netbox.",
            )
        if value is not None and not isinstance(value, dict):
            raise UserError(
                f"The {key} section of the mapping file {path} must be a mapping.",
                fr=f"La section {key} du fichier de correspondance {path} doit être un dictionnaire.",
            )
    return document


def _adapter(module: str, function: str) -> Callable[..., Inventory]:
    reader: Callable[..., Inventory] = getattr(importlib.import_module(module), function)
    return reader


def _token(environ: Mapping[str, str], name: str, source: str) -> str:
    value = environ.get(name, "")
    if not value:
        raise UserError(
            f"Set {name} to read {source} (tokens never go on the command line).",
            fr=f"Définissez {name} pour lire {source} (les jetons ne passent jamais par la ligne de commande).",
        )
    return value


def read_inventory(source: str, mapping: Mapping[str, Any], environ: Mapping[str, str]) -> Inventory:
    """The inventory `source` names: `glpi:URL`, `netbox:URL`, or a file (ours or a GLPI export,
    told apart by its header)."""
    if source.startswith("glpi:"):
        user, app = (_token(environ, name, source) for name in GLPI_TOKENS)
        read_api = _adapter("bascule.inventory.glpi", "read_glpi_api")
        return read_api(source.removeprefix("glpi:"), user, app, mapping.get("glpi"))
    if source.startswith("netbox:"):
        token = _token(environ, NETBOX_TOKEN, source)
        read_netbox = _adapter("bascule.inventory.netbox", "read_netbox")
        return read_netbox(source.removeprefix("netbox:"), token, mapping.get("netbox"))
    text = _read_text(Path(source), "inventory file", "fichier d'inventaire")
    if looks_like_our_csv(text.split("\n", 1)[0]):
        return read_csv_layout(text, source, mapping.get("csv"))
    read_export = _adapter("bascule.inventory.glpi_export", "read_glpi_export")
    return read_export(text, source, mapping.get("glpi"))


def default_header(source: str, out: Path, hospital: str | None, name: str | None) -> dict[str, Any]:
    """`--hospital ID --name NAME`, by default from the source file's stem (the output's for an API)."""
    stem = out.stem if ":" in source.split("/", 1)[0] else Path(source).stem
    hospital_id = hospital or re.sub(r"[^a-z0-9_-]+", "-", stem.lower()).strip("-") or "hospital"
    return {"id": hospital_id, "name": name or hospital_id}


def import_map(
    inventory: Inventory,
    header: Mapping[str, Any],
    into: Path | None,
    *,
    lang: str = "en",
) -> ImportResult:
    """The draft of `inventory` merged into the map at `into`, its YAML text, and what changed."""
    into_document: dict[str, Any] | None = None
    into_text: str | None = None
    imported: frozenset[str] = frozenset()
    if into is not None:
        into_text = _read_text(into, "map", "carte")
        into_document = _yaml_mapping(into_text, into, "map", "La carte")
        imported = imported_ids(into_text)
    draft = build_draft(
        inventory,
        header,
        into_document,
        into_source=None if into is None else str(into),
        into_text=into_text,
        imported=imported,
    )
    diff = None if into_document is None else diff_maps(into_document, draft.document)
    return ImportResult(draft, render_draft(draft, lang), diff)


def refuse_if_invalid(result: ImportResult, out: Path) -> None:
    """Raise the located problems of a draft that is no map; check a clean one loads as a map."""
    problems = result.draft.problems
    if problems:
        raise InventoryError(
            result.draft.source,
            [problem.located("en") for problem in problems],
            fr_problems=[problem.located("fr") for problem in problems],
        )
    load_map_text(result.text, source=str(out))


def map_document(path: str) -> dict[str, Any]:
    """A map checked by the map's loader (refused with every problem located), as its document."""
    load_map(path)
    file = resolve_map_path(path)
    text = file.read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.load(text, Loader=YAML_LOADER)
    return document
