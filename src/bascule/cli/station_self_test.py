"""`bascule station configure DIR`: what the monthly self-test of `station check` uses (a test
patient's MRN, the ward's printer queue), and the lines `station check` prints for that test.

The self-test itself (station.self_test) opens the viewer's web stack; it is imported only when it
runs, so `station check --no-self-test` and `station configure` stay quick.

Exit codes of `configure`: 0 done; 2 not a station, or a setting refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import output_lang
from bascule.i18n import Lang, t
from bascule.station.self_test_settings import SelfTestSettings, load_settings, save_settings

if TYPE_CHECKING:
    from bascule.station.self_test import SelfTest

i18n.register(
    "station_self_test",
    {
        "saved": {
            "fr": "Réglages d'autotest du poste enregistrés.",
            "en": "Station self-test settings saved.",
        },
        "setting": {"fr": "{name} : {value}", "en": "{name}: {value}"},
        "unset": {"fr": "(non configuré)", "en": "(not configured)"},
        "test_patient": {"fr": "patient de test (IPP)", "en": "test patient (MRN)"},
        "printer": {"fr": "imprimante (file CUPS)", "en": "printer (CUPS queue)"},
        "cups_server": {"fr": "serveur CUPS", "en": "CUPS server"},
        "check_viewer": {"fr": "visualiseur", "en": "viewer"},
        "check_test_patient": {"fr": "patient de test", "en": "test patient"},
        "check_printer": {"fr": "imprimante", "en": "printer"},
        "line": {
            "fr": "Autotest, {check} : {verdict} : {detail}.",
            "en": "Self-test, {check}: {verdict}: {detail}.",
        },
        "ok": {"fr": "ok", "en": "ok"},
        "failed": {"fr": "ÉCHEC", "en": "FAILED"},
        "warning": {"fr": "attention", "en": "warning"},
    },
)


def register(station_app: typer.Typer) -> None:
    @station_app.command("configure")
    def configure_command(
        folder: Annotated[Path, typer.Argument(metavar="DIR", help="The station folder.")],
        test_patient: Annotated[
            str | None,
            typer.Option(
                "--test-patient", metavar="MRN", help="MRN of the hospital's test patient ('' forgets it)."
            ),
        ] = None,
        printer: Annotated[
            str | None,
            typer.Option("--printer", metavar="QUEUE", help="The ward's CUPS queue ('' forgets it)."),
        ] = None,
        cups_server: Annotated[
            str | None,
            typer.Option(
                "--cups-server",
                metavar="HOST_OR_SOCKET",
                help="CUPS server holding the queue, when not the default ('' forgets it).",
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="The settings as one JSON object.")] = False,
        lang: Annotated[
            str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")
        ] = None,
    ) -> None:
        """Set what `station check` self-tests (test patient, printer); without options, list them."""
        language = output_lang(lang)
        settings = load_settings(folder)
        if (test_patient, printer, cups_server) != (None, None, None):
            settings = settings.changed(test_patient=test_patient, printer=printer, cups_server=cups_server)
            save_settings(folder, settings)
            if not as_json:
                make_console().print(t("station_self_test.saved", language))
        if as_json:
            print(json.dumps(settings.to_json(), ensure_ascii=False))
        else:
            print_settings(settings, language, make_console())


def print_settings(settings: SelfTestSettings, lang: Lang, console: Console) -> None:
    unset = t("station_self_test.unset", lang)
    for name, value in settings.to_json().items():
        label = t(f"station_self_test.{name}", lang)
        console.print(t("station_self_test.setting", lang, name=label, value=value or unset), highlight=False)


def print_self_test(result: SelfTest, lang: Lang, console: Console) -> None:
    for check in result.checks:
        verdict = {True: "ok", False: "failed", None: "warning"}[check.ok]
        console.print(
            t(
                "station_self_test.line",
                lang,
                check=t(f"station_self_test.check_{check.check}", lang),
                verdict=t(f"station_self_test.{verdict}", lang),
                detail=check.detail(lang),
            ),
            style={"ok": "", "failed": "bold red", "warning": "yellow"}[verdict],
            highlight=False,
        )
