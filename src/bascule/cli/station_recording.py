"""`bascule station recording|record|export`: what the ward writes on its station during the outage,
and the signed, encrypted export of it for the crisis cell.

Exit codes: 0 done; 2 usage, not a station, refused entry; 3 (`export`) the entries log is damaged:
nothing is exported.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import output_lang
from bascule.cli.station import station_app
from bascule.downtime.entries import KINDS, PatientRef
from bascule.errors import UserError
from bascule.i18n import t
from bascule.station.recording import StationRecording
from bascule.station.state import Layout

i18n.register(
    "station_recording",
    {
        "set_up": {
            "fr": "Le poste saisit sous le code {code}. Donnez sa clé publique {public} à la cellule de crise "
            "(elle l'utilise avec reconcile import --trust).",
            "en": "The station records as {code}. Give its public key {public} to the crisis cell "
            "(it uses it with reconcile import --trust).",
        },
        "recorded": {
            "fr": "Saisie {name} ({kind}) enregistrée.",
            "en": "Entry {name} ({kind}) recorded.",
        },
        "exported": {
            "fr": "{entries} saisie(s) du poste exportée(s) dans {path} (chiffré pour la cellule, signé par le poste).",
            "en": "{entries} entry(ies) of the station exported to {path} (encrypted for the cell, signed by the station).",
        },
    },
)
LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]


def _now() -> datetime:
    return datetime.now().astimezone()  # the station's local time, with its offset


@station_app.command("recording")
def recording_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The station folder.")],
    code: Annotated[
        str, typer.Option("--code", metavar="CODE", help="The station's code (as on its downtime numbers).")
    ],
    lang: LangOption = None,
) -> None:
    """Let the station record entries: its code and its own signing key (once, for good)."""
    public = StationRecording(Layout(folder)).set_up(code)
    make_console().print(t("station_recording.set_up", output_lang(lang), code=code, public=public))


def _fields(values: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for value in values:
        name, sep, content = value.partition("=")
        if not sep or not name:
            raise UserError(
                f"{value!r} is not NAME=VALUE.", fr=f"{value!r} n'est pas de la forme NOM=VALEUR."
            )
        fields[name] = content
    return fields


@station_app.command("record")
def record_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The station folder.")],
    kind: Annotated[str, typer.Option("--kind", metavar="|".join(KINDS), help="What is recorded.")],
    author: Annotated[
        str, typer.Option("--author", metavar="NAME", help="Who records it (a station account).")
    ],
    patient: Annotated[
        str | None, typer.Option("--patient", metavar="ID", help="A patient of the bundle.")
    ] = None,
    downtime_id: Annotated[
        str | None,
        typer.Option("--downtime-id", metavar="NUMBER", help="A patient registered under a downtime number."),
    ] = None,
    field: Annotated[
        list[str] | None, typer.Option("--set", metavar="NAME=VALUE", help="A field (repeatable).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Record one entry (what the viewer's forms do), e.g. --kind vitals --set at=... --set heart_rate=88."""
    recording = StationRecording(Layout(folder))
    if patient is not None:
        _check_patient(folder, patient)
    entry = recording.record(author, kind, PatientRef(patient, downtime_id), _fields(field or []), _now())
    make_console().print(t("station_recording.recorded", output_lang(lang), name=entry.key, kind=entry.kind))


def _check_patient(folder: Path, patient_id: str) -> None:
    """An entry for a patient the station's bundle does not hold would be filed under no one."""
    from bascule.station.check import DEFAULT_MAX_AGE
    from bascule.station.viewer.library import Library

    library = Library(folder, DEFAULT_MAX_AGE)
    try:
        library.refresh()
        with library.leased() as bundle:
            if bundle is None or bundle.index.get(patient_id) is None:
                raise UserError(
                    f"The station's data holds no patient {patient_id}: check the id, or register the patient "
                    "under a downtime number.",
                    fr=f"Les données du poste ne contiennent aucun patient {patient_id} : vérifiez l'identifiant, "
                    "ou enregistrez le patient sous un numéro dégradé.",
                )
    finally:
        library.close()


@station_app.command("export")
def export_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="The station folder.")],
    to: Annotated[
        Path, typer.Option("--to", metavar="CELL.age.pub", help="The crisis cell's age recipient.")
    ],
    out: Annotated[
        Path, typer.Option("--out", metavar="FOLDER", help="Where to write the export (a USB key, a share).")
    ],
    lang: LangOption = None,
) -> None:
    """Export every entry, encrypted to the cell and signed by the station (importing twice changes nothing)."""
    exported = StationRecording(Layout(folder)).export(to, out, _now())
    make_console().print(
        t("station_recording.exported", output_lang(lang), entries=exported.entries, path=exported.path)
    )


def register(app: typer.Typer) -> None:
    """The commands are on `station_app`, which cli.station adds to the command line."""
