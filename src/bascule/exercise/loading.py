"""Loading an exercise script from YAML or JSON, refusing it with every problem located; and the
JSON-able document a crisis database keeps so that a run never needs the script file again.

A script names its map (`map: demo`, or a path relative to the script's folder) and its scenario
(an embedded scenario's name, a scenario file relative to the script's folder, or written inline).
`ExerciseScript.map_ref` keeps the map as written; `script_map` resolves it against the script's
folder (or the `base_dir` given). The embedded scripts (src/bascule/demo/exercises/) are played on
the demo map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bascule.errors import NotFoundError, ScenarioError, ScriptError
from bascule.exercise.checks import (
    FORMAT_KEY,
    FORMAT_VERSION,
    check_document,
    hours_of,
    minutes_of,
    problem,
)
from bascule.exercise.map_checks import check_against_map
from bascule.exercise.model import Criterion, Effects, ExerciseScript, ExpectedDecision, Inject
from bascule.hospital.loading import DEMO, demo_map_path, load_map
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import did_you_mean
from bascule.hospital.validation import Problem
from bascule.impact import Hits
from bascule.located import YAML_LOADER, locate
from bascule.scenario import Scenario, load_scenario

_SCRIPT_SUFFIXES = (".yaml", ".yml", ".json")


def embedded_scripts_dir() -> Path:
    return Path(str(resources.files("bascule.demo").joinpath("exercises")))


def embedded_script_names() -> list[str]:
    """The exercise scripts shipped with Bascule, played on the demo map, by name."""
    folder = embedded_scripts_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def load_script(name_or_path: str, hospital_map: HospitalMap | None = None) -> ExerciseScript:
    """An embedded script by name, or a script file (.yaml, .yml, .json), checked against its map
    (or against `hospital_map` when given: the caller has loaded it already)."""
    path = Path(name_or_path)
    if path.suffix.lower() in _SCRIPT_SUFFIXES or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, IsADirectoryError):
            raise NotFoundError(
                f"There is no exercise script file at {name_or_path}.",
                fr=f"Il n'y a pas de fichier de script d'exercice à {name_or_path}.",
            ) from None
        except UnicodeDecodeError:
            raise ScriptError(
                name_or_path,
                [f"{name_or_path}: the file is not UTF-8 text"],
                fr_problems=[f"{name_or_path} : le fichier n'est pas du texte UTF-8"],
            ) from None
        except OSError as error:
            raise NotFoundError(
                f"Cannot read the exercise script {name_or_path}: {error.strerror}.",
                fr=f"Impossible de lire le script d'exercice {name_or_path} : {error.strerror}.",
            ) from None
        is_json = path.suffix.lower() == ".json"
        return parse_script(text, name_or_path, is_json, base_dir=path.parent, hospital_map=hospital_map)
    names = embedded_script_names()
    if name_or_path not in names:
        raise NotFoundError(
            f'There is no exercise script "{name_or_path}"{did_you_mean(name_or_path, names)}; '
            f"give a script file or one of: {', '.join(names)}.",
            fr=f"Il n'y a pas de script d'exercice « {name_or_path} »{did_you_mean(name_or_path, names, 'fr')} ; "
            f"donnez un fichier de script ou l'un de : {', '.join(names)}.",
        )
    file = embedded_scripts_dir() / f"{name_or_path}.yaml"
    return parse_script(
        file.read_text(encoding="utf-8"), name_or_path, base_dir=file.parent, hospital_map=hospital_map
    )


def parse_script(
    text: str,
    source: str,
    is_json: bool = False,
    base_dir: Path | None = None,
    *,
    hospital_map: HospitalMap | None = None,
) -> ExerciseScript:
    """The script in `text` (read from `source`), checked whole and against its map; ScriptError
    lists every problem, located `file:line path: message`. Relative map and scenario paths are
    taken from `base_dir` (default: the current folder). `hospital_map`: the map to check against
    instead of loading the script's own."""
    document = _parse(text, source, is_json)
    problems = check_document(document)
    folder = base_dir or Path()
    scenario: Scenario | None = None
    if isinstance(document, dict):
        reference = document.get("scenario")
        if isinstance(reference, str) and reference.strip():
            scenario = _named_scenario(reference, folder, problems)
        reference = document.get("map")
        if hospital_map is None and isinstance(reference, str) and reference.strip():
            hospital_map = _script_map(reference, folder, problems)
    if problems:
        _refuse(problems, text, source)
    script = build_script(document, source, scenario)
    if hospital_map is not None:
        problems = check_against_map(script, hospital_map, inline_scenario=scenario is None)
        if problems:
            _refuse(problems, text, source)
    return script


def script_map(script: ExerciseScript, base_dir: Path | None = None) -> HospitalMap:
    """The map the script is played on: the demo map for "demo"; else `map_ref` as a path, relative
    to `base_dir`, by default the folder of the script's file (`script.source`)."""
    if script.map_ref == DEMO:
        return load_map(DEMO)
    folder = base_dir if base_dir is not None else Path(script.source).parent
    return load_map(folder / script.map_ref)


def _script_map(reference: str, folder: Path, problems: list[Problem]) -> HospitalMap | None:
    try:
        return load_map(reference if reference == DEMO else folder / reference)
    except NotFoundError as error:
        problems.append(
            problem(("map",), error.message.rstrip("."), (error.french or error.message).rstrip("."))
        )
        return None


def _named_scenario(reference: str, folder: Path, problems: list[Problem]) -> Scenario | None:
    is_file = Path(reference).suffix.lower() in _SCRIPT_SUFFIXES
    try:
        return load_scenario(str(folder / reference) if is_file else reference)
    except (ScenarioError, NotFoundError) as error:
        problems.append(
            problem(("scenario",), error.message.rstrip("."), (error.french or error.message).rstrip("."))
        )
        return None


def _refuse(problems: list[Problem], text: str, source: str) -> None:
    english, french = locate(problems, text, source)
    raise ScriptError(source, english, fr_problems=french)


def _parse(text: str, source: str, is_json: bool) -> Any:
    try:
        return json.loads(text) if is_json else yaml.load(text, Loader=YAML_LOADER)
    except json.JSONDecodeError as error:
        raise ScriptError(
            source,
            [f"{source}:{error.lineno}: malformed JSON: {error.msg}"],
            fr_problems=[f"{source}:{error.lineno} : JSON mal formé : {error.msg}"],
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        said = error.problem or error.context or "unreadable"
        raise ScriptError(
            source,
            [f"{source}{line}: malformed YAML: {said}"],
            fr_problems=[f"{source}{line} : YAML mal formé : {said}"],
        ) from None
    except yaml.YAMLError as error:
        raise ScriptError(
            source,
            [f"{source}: malformed YAML: {error}"],
            fr_problems=[f"{source} : YAML mal formé : {error}"],
        ) from None
    except RecursionError:
        raise ScriptError(
            source,
            [f"{source}: nested too deeply to be an exercise script"],
            fr_problems=[f"{source} : imbriqué trop profondément pour être un script d'exercice"],
        ) from None


def build_script(document: dict[str, Any], source: str, scenario: Scenario | None = None) -> ExerciseScript:
    """Build the frozen script from a document `check_document` found no problem in; `scenario`
    is the one the document names (None: it is written inline)."""
    return ExerciseScript(
        id=document["id"],
        title=dict(document["title"]),
        map_ref=document["map"],
        scenario=scenario if scenario is not None else _inline_scenario(document["scenario"], document["id"]),
        duration_minutes=_minutes(document["duration"]),
        injects=tuple(_inject(entry) for entry in document["injects"]),
        expected=tuple(_expected(entry) for entry in document["expected"]),
        briefing=dict(document.get("briefing") or {}),
        source=source,
    )


def _minutes(value: Any) -> float:
    minutes = minutes_of(value)
    assert minutes is not None  # checked by check_document
    return minutes


def _hours(values: Mapping[str, Any] | None) -> dict[str, float]:
    hours = {str(key): hours_of(value) for key, value in (values or {}).items()}
    return {key: value for key, value in hours.items() if value is not None}


def _inline_scenario(section: Mapping[str, Any], script_id: str) -> Scenario:
    return Scenario(
        name=section.get("name") or script_id,
        hits=Hits(
            tuple(section.get("down") or ()),
            tuple(section.get("isolate") or ()),
            tuple(section.get("suppliers") or ()),
        ),
        reconnect=_hours(section.get("reconnect")),
        supplier_back=_hours(section.get("supplier_back")),
        title=dict(section.get("title") or {}),
        description=dict(section.get("description") or {}),
    )


def _inject(entry: Mapping[str, Any]) -> Inject:
    effects = entry.get("effects") or {}
    return Inject(
        id=entry["id"],
        minute=_minutes(entry["at"]),
        channel=entry["channel"],
        text=dict(entry["text"]),
        sender=dict(entry.get("from") or {}),
        effects=Effects(
            down=tuple(effects.get("down") or ()),
            isolate=tuple(effects.get("isolate") or ()),
            suppliers=tuple(effects.get("suppliers") or ()),
            reconnect=_hours(effects.get("reconnect")),
            supplier_back=_hours(effects.get("supplier_back")),
            lift=tuple(effects.get("lift") or ()),
        ),
        facilitator_notes=dict(entry.get("facilitator") or {}),
    )


def _expected(entry: Mapping[str, Any]) -> ExpectedDecision:
    when = entry.get("when")
    criterion = None
    if when is not None:
        ((kind, targets),) = when.items()
        words = () if kind == "sitrep" else tuple(targets if isinstance(targets, list) else [targets])
        criterion = Criterion(kind, words)
    return ExpectedDecision(
        id=entry["id"],
        text=dict(entry["text"]),
        within_minutes=_minutes(entry["within"]),
        after=entry.get("after"),
        criterion=criterion,
        weight=float(entry.get("weight", 1.0)),
    )


def to_document(script: ExerciseScript) -> dict[str, Any]:
    """The script as a JSON-able document in the script format, its scenario written inline and
    its map as written (`map_ref`), plus `source` (where it was read from): what a crisis database
    keeps, so that a run never needs the script file again. `from_document` reads it back."""
    scenario = script.scenario
    inline: dict[str, Any] = {"name": scenario.name}
    for key, value in (
        ("title", dict(scenario.title)),
        ("description", dict(scenario.description)),
        ("down", list(scenario.down)),
        ("isolate", list(scenario.isolate)),
        ("suppliers", list(scenario.suppliers)),
        ("reconnect", dict(scenario.reconnect)),
        ("supplier_back", dict(scenario.supplier_back)),
    ):
        if value:
            inline[key] = value
    document: dict[str, Any] = {
        FORMAT_KEY: FORMAT_VERSION,
        "id": script.id,
        "title": dict(script.title),
        "map": script.map_ref,
        "scenario": inline,
        "duration": script.duration_minutes,
        "injects": [_inject_document(inject) for inject in script.injects],
        "expected": [_expected_document(decision) for decision in script.expected],
        "source": script.source,
    }
    if script.briefing:
        document["briefing"] = dict(script.briefing)
    return document


def _inject_document(inject: Inject) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": inject.id,
        "at": inject.minute,
        "channel": inject.channel,
        "text": dict(inject.text),
    }
    if inject.sender:
        entry["from"] = dict(inject.sender)
    effects = inject.effects
    if not effects.empty:
        entry["effects"] = {
            key: value
            for key, value in (
                ("down", list(effects.down)),
                ("isolate", list(effects.isolate)),
                ("suppliers", list(effects.suppliers)),
                ("reconnect", dict(effects.reconnect)),
                ("supplier_back", dict(effects.supplier_back)),
                ("lift", list(effects.lift)),
            )
            if value
        }
    if inject.facilitator_notes:
        entry["facilitator"] = dict(inject.facilitator_notes)
    return entry


def _expected_document(decision: ExpectedDecision) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": decision.id,
        "text": dict(decision.text),
        "within": decision.within_minutes,
        "weight": decision.weight,
    }
    if decision.after is not None:
        entry["after"] = decision.after
    criterion = decision.criterion
    if criterion is not None:
        entry["when"] = {criterion.kind: True if criterion.kind == "sitrep" else list(criterion.targets)}
    return entry


def from_document(document: Mapping[str, Any]) -> ExerciseScript:
    """The script a `to_document` document holds (its scenario inline); not checked against a map:
    it was when the script was loaded. ScriptError if the document is not a script's."""
    fields = dict(document)
    source = str(fields.pop("source", "<document>"))
    problems = check_document(fields)
    if not problems and not isinstance(fields.get("scenario"), dict):
        problems.append(
            problem(
                ("scenario",),
                "must be written inline in a document",
                "doit être écrit en ligne dans un document",
            )
        )
    if problems:
        _refuse(problems, "", source)
    return build_script(fields, source)


def script_map_path(script: ExerciseScript, base_dir: Path | None = None) -> Path:
    """The file of the map the script is played on (see `script_map`)."""
    if script.map_ref == DEMO:
        return demo_map_path()
    folder = base_dir if base_dir is not None else Path(script.source).parent
    return folder / script.map_ref
