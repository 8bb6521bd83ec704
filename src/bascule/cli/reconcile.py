"""`bascule reconcile match`: downtime registrations matched to the continuity store's patients."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import JsonOption, output_lang
from bascule.clinical.records import Patient
from bascule.i18n import t
from bascule.snapshot.store import ContinuityStore

i18n.register(
    "reconcile",
    {
        "col_downtime": {"fr": "N° de secours", "en": "Downtime number"},
        "col_decision": {"fr": "Décision", "en": "Decision"},
        "col_patient": {"fr": "Patient", "en": "Patient"},
        "col_score": {"fr": "Score", "en": "Score"},
        "col_reasons": {"fr": "Pourquoi", "en": "Why"},
        "col_count": {"fr": "Nombre", "en": "Count"},
        "auto": {"fr": "automatique", "en": "auto"},
        "review": {"fr": "à revoir", "en": "review"},
        "new": {"fr": "nouveau", "en": "new"},
        "summary": {
            "fr": "{total} enregistrements : {auto} rapprochés automatiquement, {review} à revoir, {new} nouveaux.",
            "en": "{total} registrations: {auto} matched automatically, {review} to review, {new} new.",
        },
    },
)

reconcile_app = typer.Typer(
    name="reconcile",
    help="Reconciliation of downtime records: match registrations to known patients.",
    no_args_is_help=True,
)

StoreOption = Annotated[Path, typer.Option("--store", metavar="FILE", help="The continuity store.")]
DowntimeOption = Annotated[
    Path,
    typer.Option("--downtime", metavar="FILE", help="Downtime registrations (JSON Lines, contract 6)."),
]
LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]


def _reason(code: str, language: str) -> str:
    from bascule.reconcile.decision import REASONS

    english, french = REASONS[code]
    return french if language == "fr" else english


@reconcile_app.command("match")
def match_command(
    store: StoreOption, downtime: DowntimeOption, json_: JsonOption = False, lang: LangOption = None
) -> None:
    """Match each downtime registration to a stored patient: auto, review or new."""
    # Imported here: the string-similarity and check-digit libraries load only for this command.
    from bascule.reconcile.decision import DECISIONS
    from bascule.reconcile.interchange import read_registrations
    from bascule.reconcile.match import counts, match_registrations

    language = output_lang(lang)
    registrations = read_registrations(downtime)
    with ContinuityStore.open(store, readonly=True) as opened:
        matches = match_registrations(registrations, opened.records(Patient))
    if json_:
        typer.echo(
            json.dumps({"matches": [match.to_json() for match in matches]}, ensure_ascii=False, indent=1)
        )
        return
    console = make_console()
    table = Table(show_edge=False)
    for column in ("col_downtime", "col_decision", "col_patient", "col_score", "col_reasons"):
        table.add_column(t(f"reconcile.{column}", language))
    for match in matches:
        table.add_row(
            match.downtime_id,
            t(f"reconcile.{match.decision}", language),
            match.patient_id or "-",
            f"{match.score:.4f}",
            "; ".join(_reason(code, language) for code in match.reasons),
        )
    console.print(table)
    found = counts(matches)
    totals = Table(show_edge=False)
    totals.add_column(t("reconcile.col_decision", language))
    totals.add_column(t("reconcile.col_count", language), justify="right")
    for decision in DECISIONS:
        totals.add_row(t(f"reconcile.{decision}", language), str(found[decision]))
    console.print(totals)
    console.print(t("reconcile.summary", language, total=len(matches), **found))


def register(app: typer.Typer) -> None:
    app.add_typer(reconcile_app)
