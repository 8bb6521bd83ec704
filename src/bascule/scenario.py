"""Scenarios: what is hit, and when outside things come back (contract 2 of DESIGN.md).

A scenario file (YAML or JSON) holds `down`, `isolate`, `suppliers`, and for planning
`reconnect: {segment: hours}` and `supplier_back: {supplier: hours}`; `title` and
`description` ({fr, en}) are for people. The demo map embeds named scenarios.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bascule.errors import NotFoundError, ScenarioError
from bascule.hospital.loading import DEMO, demo_map_path
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import did_you_mean, missing
from bascule.i18n import Lang
from bascule.impact import Hits, refuse_unknown

_KEYS = ("title", "description", "down", "isolate", "suppliers", "reconnect", "supplier_back")


@dataclass(frozen=True)
class Scenario:
    name: str = ""
    hits: Hits = field(default_factory=Hits)
    reconnect: Mapping[str, float] = field(default_factory=dict)
    supplier_back: Mapping[str, float] = field(default_factory=dict)
    title: Mapping[str, str] = field(default_factory=dict)
    description: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for hours in (*self.reconnect.values(), *self.supplier_back.values()):
            if hours < 0:
                raise ValueError("return times must not be negative")

    @property
    def down(self) -> tuple[str, ...]:
        return self.hits.down

    @property
    def isolate(self) -> tuple[str, ...]:
        return self.hits.isolate

    @property
    def suppliers(self) -> tuple[str, ...]:
        return self.hits.suppliers

    def title_in(self, lang: Lang) -> str:
        return self.title.get(lang) or self.title.get("en") or self.name

    def plus(
        self, *, down: Iterable[str] = (), isolate: Iterable[str] = (), suppliers: Iterable[str] = ()
    ) -> Scenario:
        """This scenario with more hits (from command-line flags)."""
        return Scenario(
            self.name,
            self.hits.plus(down=down, isolate=isolate, suppliers=suppliers),
            self.reconnect,
            self.supplier_back,
            self.title,
            self.description,
        )

    def check_against(self, hospital_map: HospitalMap) -> None:
        """Refuse ids the map does not have, all in one sentence."""
        segments = [g.id for g in hospital_map.segments]
        suppliers = [g.id for g in hospital_map.suppliers]
        refuse_unknown(
            hospital_map,
            [
                *self.hits.unknown_in(hospital_map),
                *missing("segment", self.reconnect, segments, " in reconnect"),
                *missing("supplier", self.supplier_back, suppliers, " in supplier_back"),
            ],
        )


def embedded_scenarios_dir() -> Path:
    return Path(str(resources.files("bascule.demo").joinpath("scenarios")))


def embedded_scenario_names() -> list[str]:
    folder = embedded_scenarios_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def is_demo(hospital_map: HospitalMap) -> bool:
    return hospital_map.source == DEMO or Path(hospital_map.source) == demo_map_path()


def load_scenario(name_or_path: str, hospital_map: HospitalMap | None = None) -> Scenario:
    """A scenario file, or an embedded scenario of the demo map by name; checked against the map."""
    path = Path(name_or_path)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        if not path.is_file():
            raise NotFoundError(
                f"There is no scenario file at {name_or_path}.",
                fr=f"Il n'y a pas de fichier de scénario à {name_or_path}.",
            )
        scenario = parse_scenario(
            path.read_text(encoding="utf-8"), path.stem, str(path), path.suffix == ".json"
        )
    else:
        names = embedded_scenario_names()
        if name_or_path not in names:
            hint = did_you_mean(name_or_path, names)
            raise NotFoundError(
                f'There is no scenario "{name_or_path}"{hint}; give a scenario file or one of: {", ".join(names)}.',
                fr=f"Il n'y a pas de scénario « {name_or_path} »{did_you_mean(name_or_path, names, 'fr')} ; donnez un fichier de scénario ou l'un de : {', '.join(names)}.",
            )
        file = embedded_scenarios_dir() / f"{name_or_path}.yaml"
        scenario = parse_scenario(file.read_text(encoding="utf-8"), name_or_path, name_or_path, False)
    if hospital_map is not None:
        _refuse_another_maps(scenario, name_or_path, hospital_map)
        scenario.check_against(hospital_map)
    return scenario


_FEW_UNKNOWN = 3  # up to this many, under half or all typos, each unknown id is listed with a suggestion


def _refuse_another_maps(scenario: Scenario, source: str, hospital_map: HospitalMap) -> None:
    """One sentence, not a list of dozens of ids, for a scenario written for another map."""
    segments = [g.id for g in hospital_map.segments]
    suppliers = [g.id for g in hospital_map.suppliers]
    named = [
        *((i, list(hospital_map.nodes)) for i in scenario.down),
        *((i, segments) for i in (*scenario.isolate, *scenario.reconnect)),
        *((i, suppliers) for i in (*scenario.suppliers, *scenario.supplier_back)),
    ]
    unknown = list(dict.fromkeys(i for i, known in named if i not in known))
    total = len({i for i, _ in named})
    typos = all(did_you_mean(i, known) for i, known in named if i not in known)
    if len(unknown) <= _FEW_UNKNOWN and (2 * len(unknown) < total or typos):
        return
    examples = ", ".join(f'"{i}"' for i in unknown[:_FEW_UNKNOWN])
    more = ", ..." if len(unknown) > _FEW_UNKNOWN else ""
    raise ScenarioError(
        f"The scenario {source} names {len(unknown)} of its {total} ids that are not in the map "
        f"{hospital_map.source} ({examples}{more}): it was probably written for another map.",
        fr=f"Le scénario {source} nomme {len(unknown)} de ses {total} identifiants qui ne sont pas dans la carte "
        f"{hospital_map.source} ({examples}{more}) : il a sans doute été écrit pour une autre carte.",
    )


def parse_scenario(text: str, name: str, source: str, is_json: bool) -> Scenario:
    try:
        document = json.loads(text) if is_json else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise ScenarioError(
            f"The scenario {source} cannot be read: {_first_line(error)}.",
            fr=f"Le scénario {source} ne peut pas être lu : {_first_line(error)}.",
        ) from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise ScenarioError(
            f"The scenario {source} must be a mapping with down, isolate and suppliers.",
            fr=f"Le scénario {source} doit être une table avec down, isolate et suppliers.",
        )
    unknown = [k for k in document if k not in _KEYS]
    if unknown:
        raise ScenarioError(
            f'The scenario {source} has an unknown key "{unknown[0]}"{did_you_mean(str(unknown[0]), _KEYS)}; '
            f"allowed: {', '.join(_KEYS)}.",
            fr=f"Le scénario {source} a une clé inconnue « {unknown[0]} »{did_you_mean(str(unknown[0]), _KEYS, 'fr')} ; "
            f"clés permises : {', '.join(_KEYS)}.",
        )
    return Scenario(
        name=name,
        hits=Hits(
            _ids(document, "down", source),
            _ids(document, "isolate", source),
            _ids(document, "suppliers", source),
        ),
        reconnect=_hours(document, "reconnect", source),
        supplier_back=_hours(document, "supplier_back", source),
        title=_texts(document, "title", source),
        description=_texts(document, "description", source),
    )


def _ids(document: Mapping[str, Any], key: str, source: str) -> tuple[str, ...]:
    values = document.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ScenarioError(
            f"In the scenario {source}, {key} must be a list of ids.",
            fr=f"Dans le scénario {source}, {key} doit être une liste d'identifiants.",
        )
    return tuple(values)


def _hours(document: Mapping[str, Any], key: str, source: str) -> dict[str, float]:
    values = document.get(key) or {}
    if not isinstance(values, dict):
        raise ScenarioError(
            f"In the scenario {source}, {key} must map ids to hours.",
            fr=f"Dans le scénario {source}, {key} doit associer des identifiants à des heures.",
        )
    hours: dict[str, float] = {}
    for item, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ScenarioError(
                f'In the scenario {source}, {key} of "{item}" must be a number of hours, not {value!r}.',
                fr=f"Dans le scénario {source}, {key} de « {item} » doit être un nombre d'heures, pas {value!r}.",
            )
        hours[str(item)] = float(value)
    return hours


def _texts(document: Mapping[str, Any], key: str, source: str) -> dict[str, str]:
    value = document.get(key)
    if value is None:
        return {}
    if isinstance(value, str):
        return {"fr": value, "en": value}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ScenarioError(
            f"In the scenario {source}, {key} must be text or {{fr: ..., en: ...}}.",
            fr=f"Dans le scénario {source}, {key} doit être un texte ou {{fr: ..., en: ...}}.",
        )
    return {str(k): v for k, v in value.items()}


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0].rstrip(".")
