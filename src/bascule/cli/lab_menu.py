"""`bascule lab menu`: the laboratory's menu under an incident (issue 19): the tests still run
without the laboratory system, by whom and how many a day, then those off the menu and why."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bascule.cli.context import make_console
from bascule.cli.lab import lab_app
from bascule.cli.lab_samples import AsOption
from bascule.cli.options import (
    DownOption,
    IsolateOption,
    JsonOption,
    LangOption,
    MapArgument,
    ScenarioOption,
    SupplierOption,
    acting,
    map_and_scenario,
    output_lang,
)
from bascule.hospital.naming import label_of
from bascule.i18n import Lang, t
from bascule.i18n import register as register_messages
from bascule.impact import assess
from bascule.laboratory.menu import Menu, MenuLine, reduced_menu
from bascule.laboratory.publication import publish_menu
from bascule.laboratory.texts import priority_name

register_messages(
    "lab_menu",
    {
        "title_full": {
            "fr": "Menu du laboratoire — {hospital} : complet (le système du laboratoire fonctionne)",
            "en": "Laboratory menu — {hospital}: full (the laboratory system works)",
        },
        "title_downtime": {
            "fr": "Menu dégradé du laboratoire — {hospital}",
            "en": "Laboratory downtime menu — {hospital}",
        },
        "col_test": {"fr": "Examen", "en": "Test"},
        "col_priority": {"fr": "Priorité", "en": "Priority"},
        "col_runners": {"fr": "Réalisé par", "en": "Run by"},
        "col_daily": {"fr": "Par jour", "en": "A day"},
        "off_title": {"fr": "Hors menu :", "en": "Off the menu:"},
        "none": {
            "fr": "La carte ne décrit aucun examen de laboratoire.",
            "en": "The map describes no laboratory test.",
        },
        "summary": {
            "fr": "{on} examen(s) au menu, {off} hors menu.",
            "en": "{on} test(s) on the menu, {off} off it.",
        },
        "published": {
            "fr": "Menu publié aux services par {by} : les postes des services l'afficheront au prochain envoi.",
            "en": "Menu published to the wards by {by}: their stations show it from the next bundle.",
        },
    },
)


def _label(line: MenuLine) -> str:
    return f"{line.test.name} ({line.id})" if line.test.name else line.id


def menu_json(menu: Menu, lang: Lang) -> dict[str, object]:
    return {
        "tests": [
            {
                "id": line.id,
                "name": line.test.name,
                "priority": line.test.priority,
                "state": line.state,
                "runners_up": list(line.runners_up),
                "runners_down": list(line.runners_down),
                "daily": line.test.daily,
                "why": line.why(lang),
            }
            for line in menu.lines
        ]
    }


def lab_menu_command(
    map_path: MapArgument,
    down: DownOption = None,
    isolate: IsolateOption = None,
    supplier: SupplierOption = None,
    scenario: ScenarioOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
    publish: Annotated[
        Path | None,
        typer.Option(
            "--publish",
            metavar="STORE",
            help="Also publish this menu to the wards: their stations show it from the next bundle of this store.",
        ),
    ] = None,
    by: AsOption = None,
) -> None:
    """Show the laboratory's menu under these hits: the tests still run, by whom, how many a day."""
    hospital_map, chosen = map_and_scenario(map_path, scenario, down, isolate, supplier)
    language = output_lang(lang, hospital_map)
    menu = reduced_menu(hospital_map, assess(hospital_map, chosen.hits))
    if publish is not None:
        published = publish_menu(publish, menu, by=acting(by), at=datetime.now().astimezone())
        typer.echo(t("lab_menu.published", language, by=published.by), err=as_json)
    if as_json:
        typer.echo(json.dumps(menu_json(menu, language), ensure_ascii=False, indent=2))
        return
    console = make_console()
    title = "lab_menu.title_downtime" if menu.restricted else "lab_menu.title_full"
    console.print(t(title, language, hospital=hospital_map.hospital.name), style="bold")
    if not menu.lines:
        console.print(t("lab_menu.none", language))
        return
    table = Table(header_style="bold")
    for column in ("col_test", "col_priority", "col_runners", "col_daily"):
        table.add_column(t(f"lab_menu.{column}", language), overflow="fold")
    for line in menu.on_menu:
        table.add_row(
            _label(line),
            priority_name(line.test.priority, language),
            "\n".join(label_of(hospital_map, runner) for runner in line.runners_up),
            str(line.test.daily) if menu.restricted else "",
        )
    console.print(table)
    if menu.off_menu:
        console.print(t("lab_menu.off_title", language), style="bold")
        for line in menu.off_menu:
            console.print(f"  {_label(line)} — {line.why(language)}")
    console.print(t("lab_menu.summary", language, on=len(menu.on_menu), off=len(menu.off_menu)), style="bold")


def register(app: typer.Typer) -> None:
    lab_app.command("menu")(lab_menu_command)
