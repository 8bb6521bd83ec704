"""`bascule station init|check`: a downtime station that believes only the crisis cell's pinned keys.

Exit codes of `check`: 0 good; 2 usage or damaged state; 3 refused; 4 stale or no bundle; 5 quarantined;
6 a self-test check failed (viewer, test patient or printer: see station.self_test). The bundle's codes
come first: a station whose data is refused or stale is fixed before its printer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import output_lang
from bascule.durations import parse_duration
from bascule.hospital.loading import DEMO, load_map
from bascule.i18n import Lang, t
from bascule.snapshot.freshness import format_age, format_instant
from bascule.station.check import DEFAULT_MAX_AGE, StationReport, check_station
from bascule.station.self_test_settings import load_settings
from bascule.station.state import init_station

i18n.register(
    "station",
    {
        "created": {
            "fr": "Poste créé dans {folder} pour {hospital} : {keys} clé(s) de confiance ({ids}) ; "
            "les lots arrivent dans {inbox}.",
            "en": "Station created in {folder} for {hospital}: {keys} trusted key(s) ({ids}); "
            "bundles arrive in {inbox}.",
        },
        "in_use": {
            "fr": "{folder} : lot {sequence} de {hospital} en service (clé {key_id}), données du {data_time}, "
            "il y a {age} (seuil {max_age}).",
            "en": "{folder}: bundle {sequence} of {hospital} in use (key {key_id}), data of {data_time}, "
            "{age} old (threshold {max_age}).",
        },
        "stale": {
            "fr": "ALERTE : les données ont {age}, plus que les {max_age} permises : le flux est arrêté ; "
            "traitez-les comme anciennes.",
            "en": "ALARM: the data is {age} old, more than the {max_age} allowed: the feed has stopped; "
            "treat it as stale.",
        },
        "empty": {
            "fr": "ALERTE : aucun lot vérifié dans {folder} : ce poste n'a aucune donnée pour soigner.",
            "en": "ALARM: no verified bundle in {folder}: this station has no data to care with.",
        },
        "trusted": {
            "fr": "Nouvelle clé de confiance {key_id}, par une déclaration signée de la clé {signer}{retired}.",
            "en": "New trusted key {key_id}, through a statement signed by key {signer}{retired}.",
        },
        "retired": {"fr": ", qui est retirée", "en": ", which is retired"},
        "refused": {"fr": "Refusé : {bundle} : {reason}", "en": "Refused: {bundle}: {reason}"},
        "older": {
            "fr": "{count} lot(s) plus ancien(s) que celui en service ignoré(s).",
            "en": "{count} bundle(s) older than the one in use ignored.",
        },
    },
)

station_app = typer.Typer(
    help="A downtime station: pinned keys, its own copy of the newest good bundle.", no_args_is_help=True
)
LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]


@station_app.command("init")
def init_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The station folder (new or empty).")],
    hospital: Annotated[
        str, typer.Option("--hospital", metavar="ID", help="The hospital this station serves.")
    ],
    trust: Annotated[
        list[Path],
        typer.Option("--trust", metavar="CELL.pub", help="A crisis cell's minisign key (repeatable)."),
    ],
    identity: Annotated[
        Path, typer.Option("--identity", metavar="STATION.age", help="The station's age identity.")
    ],
    lang: LangOption = None,
) -> None:
    """Create the station folder, its inbox/ and its private state (0700) with the pinned keys."""
    language = output_lang(lang)
    state = init_station(folder, hospital, trust, identity)
    make_console().print(
        t(
            "station.created",
            language,
            folder=folder,
            hospital=hospital,
            keys=len(state.pinned),
            ids=", ".join(sorted(state.pinned)),
            inbox=folder / "inbox",
        )
    )


@station_app.command("check")
def check_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The station folder.")],
    max_age: Annotated[str | None, typer.Option("--max-age", metavar="DURATION", help="e.g. 2h.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    self_test: Annotated[
        bool,
        typer.Option(
            "--self-test/--no-self-test", help="Then test the viewer, the test patient and the printer."
        ),
    ] = True,
    map_path: Annotated[
        str, typer.Option("--map", metavar="MAP", help="The hospital map the viewer serves with.")
    ] = DEMO,
    lang: LangOption = None,
) -> None:
    """Use the newest bundle that verifies; say which, how old, and why others were refused; then
    self-test the viewer, the test patient and the printer (bascule station configure)."""
    language = output_lang(lang)
    threshold = parse_duration(max_age, "--max-age") if max_age else DEFAULT_MAX_AGE
    report = check_station(folder, threshold)
    # A bad map or settings file is refused before any line is printed.
    tested = (load_settings(folder), load_map(map_path)) if self_test else None
    document = report.to_json()
    exit_code = report.exit_code
    if not as_json:
        print_report(report, language, make_console())
    if tested is not None:
        from bascule.cli.station_self_test import print_self_test
        from bascule.scratch import memory_folder
        from bascule.station.self_test import run_self_test

        result = run_self_test(report, *tested, memory=memory_folder())
        document["self_test"] = [check.to_json(language) for check in result.checks]
        exit_code = exit_code or result.exit_code
        if not as_json:
            print_self_test(result, language, make_console())
    if as_json:
        print(json.dumps(document, ensure_ascii=False))
    if exit_code:
        raise typer.Exit(exit_code)


def print_report(report: StationReport, lang: Lang, console: Console) -> None:
    for rotation in report.rotations:
        retired = t("station.retired", lang) if rotation.retired_signer else ""
        console.print(
            t("station.trusted", lang, key_id=rotation.key_id, signer=rotation.signer, retired=retired),
            style="bold",
        )
    older = 0
    for refusal in report.refused:
        if report.seal is not None and not refusal.statement and refusal.sequence < report.seal.sequence:
            older += 1
        else:
            console.print(
                t("station.refused", lang, bundle=refusal.bundle, reason=refusal.reason), style="bold red"
            )
    if older:
        console.print(t("station.older", lang, count=older))
    if report.seal is None or report.age is None:
        console.print(t("station.empty", lang, folder=report.root), style="bold red")
        return
    console.print(
        t(
            "station.in_use",
            lang,
            folder=report.root,
            sequence=report.seal.sequence,
            hospital=report.seal.hospital,
            key_id=report.key_id,
            data_time=format_instant(report.seal.data_time),
            age=format_age(report.age),
            max_age=format_age(report.max_age),
        )
    )
    if report.stale:
        console.print(
            t("station.stale", lang, age=format_age(report.age), max_age=format_age(report.max_age)),
            style="bold red",
        )


def register(app: typer.Typer) -> None:
    """Add the station group to `app`; its `serve` and `configure` commands are added to the group
    only once, though a process may build both the whole command line and the station's alone
    (bascule.cli)."""
    from bascule.cli import station_self_test, station_serve

    if not any(command.name == "serve" for command in station_app.registered_commands):
        station_serve.register(station_app)
        station_self_test.register(station_app)
    app.add_typer(station_app, name="station")
