"""`bascule exercise`: rehearse the worst day. This module holds the group and the commands that need
no crisis database: check a script, list the embedded ones, print a table-top pack."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.context import environment, make_console
from bascule.cli.options import output_lang
from bascule.cli.reader_language import reader_language
from bascule.durable import ORDINARY, write_atomically
from bascule.i18n import Lang, parse_lang, t
from bascule.i18n import register as register_messages

exercise_app = typer.Typer(
    name="exercise", help="Rehearse the worst day: exercise scripts, runs and reports.", no_args_is_help=True
)

register_messages(
    "exercise_cli",
    {
        "checked": {
            "fr": "{script} : valide sur la carte {map} — {injects} injects, {expected} décisions attendues, durée {duration}.",
            "en": "{script}: valid on the map {map} — {injects} injects, {expected} expected decisions, lasting {duration}.",
        },
        "col_id": {"fr": "Script", "en": "Script"},
        "col_title": {"fr": "Titre", "en": "Title"},
        "col_duration": {"fr": "Durée", "en": "Duration"},
        "col_injects": {"fr": "Injects", "en": "Injects"},
        "listed": {
            "fr": "{count} scripts embarqués, joués sur la carte de démonstration : bascule exercise check NOM.",
            "en": "{count} embedded scripts, played on the demo map: bascule exercise check NAME.",
        },
        "packed": {
            "fr": "Dossier de l'exercice écrit dans {out} : {pages} pages (fiche de l'animateur, {cards} cartes d'injects).",
            "en": "Exercise pack written to {out}: {pages} pages (facilitator's sheet, {cards} inject cards).",
        },
    },
)

ScriptArgument = Annotated[
    str,
    typer.Argument(
        metavar="SCRIPT", help="An exercise script (.yaml or .json), or an embedded script's name."
    ),
]
ReaderLangOption = Annotated[
    str | None,
    typer.Option(
        "--lang", metavar="fr|en", help="Language of the output (default: BASCULE_LANG, else the locale)."
    ),
]


def reader_lang(value: str | None) -> Lang:
    """--lang, else the reader's language (BASCULE_LANG, then the locale)."""
    if value is not None:
        return parse_lang(value)
    return reader_language([], environment().variables)


@exercise_app.command("check")
def check_command(script: ScriptArgument, lang: ReaderLangOption = None) -> None:
    """Check an exercise script against its map; every problem is listed with its file:line."""
    from bascule.exercise.loading import load_script
    from bascule.exercise.pack import duration_label

    language = reader_lang(lang)
    loaded = load_script(script)
    make_console().print(
        t(
            "exercise_cli.checked",
            language,
            script=script,
            map=loaded.map_ref,
            injects=len(loaded.injects),
            expected=len(loaded.expected),
            duration=duration_label(loaded.duration_minutes),
        )
    )


@exercise_app.command("list")
def list_command(lang: ReaderLangOption = None) -> None:
    """List the exercise scripts embedded for the demo hospital."""
    from rich.table import Table

    from bascule.exercise.loading import embedded_script_names, load_script
    from bascule.exercise.pack import duration_label
    from bascule.hospital.loading import DEMO, load_map

    language = reader_lang(lang)
    demo = load_map(DEMO)
    table = Table(
        t("exercise_cli.col_id", language),
        t("exercise_cli.col_title", language),
        t("exercise_cli.col_duration", language),
        t("exercise_cli.col_injects", language),
    )
    names = embedded_script_names()
    for name in names:
        loaded = load_script(name, demo)
        table.add_row(
            name, loaded.title_in(language), duration_label(loaded.duration_minutes), str(len(loaded.injects))
        )
    console = make_console()
    console.print(table)
    console.print(t("exercise_cli.listed", language, count=len(names)))


@exercise_app.command("pack")
def pack_command(
    script: ScriptArgument,
    out: Annotated[Path, typer.Option("--out", metavar="FILE.pdf", help="Where to write the PDF.")],
    lang: Annotated[
        str | None, typer.Option("--lang", metavar="fr|en", help="Language of the pack (default: the map's).")
    ] = None,
) -> None:
    """Print the table-top pack: the facilitator's sheet, then one card per inject to cut out."""
    from bascule.exercise.loading import load_script, script_map
    from bascule.exercise.pack import render_pack

    loaded = load_script(script)
    hospital_map = script_map(loaded)
    language = output_lang(lang, hospital_map)
    pack = render_pack(loaded, hospital_map, language)
    write_atomically(out, pack.pdf, ORDINARY)  # an exercise holds no patient data
    make_console().print(
        t("exercise_cli.packed", language, out=out, pages=pack.pages, cards=len(loaded.injects))
    )


def register(app: typer.Typer) -> None:
    app.add_typer(exercise_app, name="exercise")
