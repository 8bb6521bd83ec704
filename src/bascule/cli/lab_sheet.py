"""`bascule lab sheet`: the ward's printed results sheet (issue 19): per patient reference, the
results released to the wards (a critical value once a second person confirmed it) and how many
wait for confirmation ("call the laboratory"), never their values."""

from __future__ import annotations

from typing import Annotated

import typer

from bascule.cli.lab import lab_app
from bascule.cli.lab_samples import (
    MapOption,
    OutOption,
    hospital_zone,
    moment,
    test_names,
)
from bascule.cli.options import LangOption, StoreOption, output_lang
from bascule.hospital.loading import load_map
from bascule.i18n import t
from bascule.laboratory.samples.ward import ward_results
from bascule.laboratory.samples.ward_sheet import write_ward_sheet

PrintedOption = Annotated[
    str | None,
    typer.Option("--when", metavar="TIME", help="The time printed on the sheet (ISO 8601; default: now)."),
]


@lab_app.command("sheet")
def sheet_command(
    store: StoreOption,
    unit: Annotated[
        str, typer.Option("--unit", metavar="UNIT", help="The care unit whose results to print.")
    ],
    out: OutOption,
    map_path: MapOption = "demo",
    when: PrintedOption = None,
    lang: LangOption = None,
) -> None:
    """Print a ward's results sheet: per patient reference, released results, and how many wait
    for a second person's confirmation (call the laboratory), never their values."""
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    ward = ward_results(store, hospital_map, unit.strip())
    name = next((u.name or u.id for u in hospital_map.units if u.id == ward.unit), ward.unit)
    pages = write_ward_sheet(
        ward, name, test_names(hospital_map), moment(when), out, language, hospital_zone(hospital_map)
    )
    typer.echo(t("lab_samples.written", language, path=out, pages=pages))


def register(app: typer.Typer) -> None:
    """The command joins `lab_app` when this module is imported."""
