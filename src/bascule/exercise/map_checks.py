"""Checks a built exercise script against its hospital map: every id it names, located by path.

What each id must be: effects' `down` a node, `isolate` and `reconnect` segments, `suppliers` and
`supplier_back` suppliers, `lift` something hit (by the scenario or an inject released no later);
criteria: `down` an asset or an application (a care process is not declared down, it follows),
`isolate` a segment, `supplier` a supplier, `lift` anything the exercise hits, `procedure` a care
process that has a fallback procedure to start.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from bascule.errors import ScenarioError
from bascule.exercise.checks import problem
from bascule.exercise.model import Effects, ExerciseScript
from bascule.hospital.model import CareProcess, HospitalMap
from bascule.hospital.validation import Path, Problem
from bascule.hospital.value_checks import hint


def check_against_map(
    script: ExerciseScript, hospital_map: HospitalMap, *, inline_scenario: bool
) -> list[Problem]:
    """Every id of `script` that `hospital_map` lacks or that is of the wrong kind.

    `inline_scenario`: the scenario was written in the script (its ids are located one by one);
    otherwise it came from a name or a file and its problems are located at `scenario`."""
    return list(_problems(script, hospital_map, inline_scenario))


def _problems(script: ExerciseScript, hospital_map: HospitalMap, inline_scenario: bool) -> Iterator[Problem]:
    nodes = list(hospital_map.nodes)
    segments = [s.id for s in hospital_map.segments]
    suppliers = [s.id for s in hospital_map.suppliers]
    scenario = script.scenario
    if inline_scenario:
        yield from _ids(("scenario", "down"), scenario.down, nodes, "node", "nœud")
        yield from _ids(("scenario", "isolate"), scenario.isolate, segments, "segment", "segment")
        yield from _ids(("scenario", "suppliers"), scenario.suppliers, suppliers, "supplier", "fournisseur")
        yield from _keys(("scenario", "reconnect"), scenario.reconnect, segments, "segment", "segment")
        yield from _keys(
            ("scenario", "supplier_back"), scenario.supplier_back, suppliers, "supplier", "fournisseur"
        )
    else:
        try:
            scenario.check_against(hospital_map)
        except ScenarioError as error:
            yield problem(
                ("scenario",), error.message.rstrip("."), (error.french or error.message).rstrip(".")
            )
    hit = {*scenario.down, *scenario.isolate, *scenario.suppliers}
    # Hit from the start and never lifted: the cell cannot declare it again (an active hit is refused).
    held = hit - {target for inject in script.injects for target in inject.effects.lift}
    everything_hit = hit | {target for inject in script.injects for target in _hits(inject.effects)}
    for index, inject in enumerate(script.injects):
        yield from _effects(("injects", index, "effects"), inject.effects, nodes, segments, suppliers, hit)
        hit |= set(_hits(inject.effects))
    processes = {p.id: p for p in hospital_map.processes}
    for index, decision in enumerate(script.expected):
        criterion = decision.criterion
        if criterion is None:
            continue
        path: Path = ("expected", index, "when", criterion.kind)
        if criterion.kind in ("down", "isolate", "supplier") and set(criterion.targets) <= held:
            yield problem(
                path,
                "everything it names is hit by the starting scenario, and the cell cannot declare it "
                "again: this decision can never be met (expect a decision's words instead)",
                "tout ce qu'elle nomme est touché dès le scénario de départ, et la cellule ne peut pas le "
                "déclarer à nouveau : cette décision ne peut jamais être prise (attendez plutôt des mots "
                "d'une décision)",
            )
        if criterion.kind == "down":
            yield from _not_processes(path, criterion.targets, processes)
            yield from _ids(path, [t for t in criterion.targets if t not in processes], nodes, "node", "nœud")
        elif criterion.kind == "isolate":
            yield from _ids(path, criterion.targets, segments, "segment", "segment")
        elif criterion.kind == "supplier":
            yield from _ids(path, criterion.targets, suppliers, "supplier", "fournisseur")
        elif criterion.kind == "lift":
            yield from _not_hit(path, criterion.targets, everything_hit, "the exercise", "l'exercice")
        elif criterion.kind == "procedure":
            yield from _procedures(path, criterion.targets, processes)


def _hits(effects: Effects) -> Iterable[str]:
    return (*effects.down, *effects.isolate, *effects.suppliers)


def _effects(
    path: Path,
    effects: Effects,
    nodes: Sequence[str],
    segments: Sequence[str],
    suppliers: Sequence[str],
    hit: set[str],
) -> Iterator[Problem]:
    yield from _ids((*path, "down"), effects.down, nodes, "node", "nœud")
    yield from _ids((*path, "isolate"), effects.isolate, segments, "segment", "segment")
    yield from _ids((*path, "suppliers"), effects.suppliers, suppliers, "supplier", "fournisseur")
    yield from _keys((*path, "reconnect"), effects.reconnect, segments, "segment", "segment")
    yield from _keys((*path, "supplier_back"), effects.supplier_back, suppliers, "supplier", "fournisseur")
    now_hit = hit | set(_hits(effects))
    yield from _not_hit(
        (*path, "lift"),
        effects.lift,
        now_hit,
        "the scenario or an inject released by then",
        "le scénario ou un inject diffusé avant",
    )


def _ids(path: Path, wanted: Iterable[str], known: Sequence[str], kind: str, genre: str) -> Iterator[Problem]:
    present = set(known)
    for index, item in enumerate(wanted):
        if item not in present:
            said = hint(item, known)
            yield problem(
                (*path, index),
                f'the map has no {kind} "{item}"{said.en}',
                f"la carte n'a pas de {genre} « {item} »{said.fr}",
            )


def _keys(
    path: Path, wanted: Iterable[str], known: Sequence[str], kind: str, genre: str
) -> Iterator[Problem]:
    present = set(known)
    for item in wanted:
        if item not in present:
            said = hint(item, known)
            yield problem(
                (*path, item),
                f'the map has no {kind} "{item}"{said.en}',
                f"la carte n'a pas de {genre} « {item} »{said.fr}",
            )


def _not_hit(path: Path, wanted: Iterable[str], hit: set[str], by: str, par: str) -> Iterator[Problem]:
    for index, item in enumerate(wanted):
        if item not in hit:
            said = hint(item, sorted(hit))
            yield problem(
                (*path, index),
                f'"{item}" is not hit by {by}: there is nothing to lift{said.en}',
                f"« {item} » n'est pas touché par {par} : il n'y a rien à lever{said.fr}",
            )


def _not_processes(path: Path, wanted: Iterable[str], processes: dict[str, CareProcess]) -> Iterator[Problem]:
    for index, item in enumerate(wanted):
        if item in processes:
            yield problem(
                (*path, index),
                f'"{item}" is a care process: the cell declares assets and applications down, processes follow',
                f"« {item} » est un processus de soins : la cellule déclare des équipements et des applications en panne, les processus suivent",
            )


def _procedures(path: Path, wanted: Iterable[str], processes: dict[str, CareProcess]) -> Iterator[Problem]:
    with_fallback = [p for p, process in processes.items() if process.fallback]
    for index, item in enumerate(wanted):
        process = processes.get(item)
        if process is None:
            said = hint(item, with_fallback)
            yield problem(
                (*path, index),
                f'the map has no care process "{item}"{said.en}',
                f"la carte n'a pas de processus de soins « {item} »{said.fr}",
            )
        elif not process.fallback:
            yield problem(
                (*path, index),
                f'the care process "{item}" has no fallback procedure: there is none to start',
                f"le processus de soins « {item} » n'a pas de procédure dégradée : il n'y en a aucune à démarrer",
            )
