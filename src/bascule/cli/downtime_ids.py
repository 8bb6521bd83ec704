"""`bascule downtime-ids allocate|list`: downtime numbers handed to stations, recorded in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import StoreOption, acting, output_lang
from bascule.downtime.labels import write_label_sheets
from bascule.downtime.numbers import DowntimeNumber
from bascule.downtime.registry import allocate, allocations
from bascule.errors import UserError
from bascule.i18n import t

i18n.register(
    "downtime",
    {
        "allocated": {
            "fr": "{count} numéros de secours pour l'unité {unit}, poste {station} du site {site} : {first} à {last}.",
            "en": "{count} downtime numbers for unit {unit}, station {station} of site {site}: {first} to {last}.",
        },
        "labels": {"fr": "Étiquettes : {path} ({pages} pages).", "en": "Labels: {path} ({pages} pages)."},
        "none": {
            "fr": "Aucun numéro de secours attribué dans {store}.",
            "en": "No downtime number allocated in {store}.",
        },
        "col_range": {"fr": "Numéros", "en": "Numbers"},
        "col_count": {"fr": "Nombre", "en": "Count"},
        "col_mapped": {"fr": "Rapprochés", "en": "Reconciled"},
        "col_at": {"fr": "Attribués le", "en": "Allocated"},
        "col_by": {"fr": "Par", "en": "By"},
        "col_unit": {"fr": "Unité", "en": "Unit"},
    },
)

downtime_app = typer.Typer(
    name="downtime-ids",
    help="Downtime numbers: allocate ranges to stations, print labels, list them.",
    no_args_is_help=True,
)

LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]


@downtime_app.command("allocate")
def allocate_command(
    store: StoreOption,
    site: Annotated[str, typer.Option("--site", metavar="S", help="Site code (1-8 letters or digits).")],
    station: Annotated[
        str, typer.Option("--station", metavar="ST", help="Station code, unique in its site.")
    ],
    unit: Annotated[str, typer.Option("--unit", metavar="U", help="The care unit the numbers are for.")],
    count: Annotated[int, typer.Option("--count", metavar="N", help="How many numbers.")],
    labels: Annotated[
        Path | None, typer.Option("--labels", metavar="FILE.pdf", help="Also print them as label sheets.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="NAME", help="Who allocates (default: login).")
    ] = None,
    lang: LangOption = None,
) -> None:
    """Allocate the next N numbers of a station for a unit, record them in the store, print labels."""
    language = output_lang(lang)
    if labels is not None and not labels.parent.is_dir():
        raise UserError(
            f"The folder {labels.parent} does not exist; create it first.",
            fr=f"Le dossier {labels.parent} n'existe pas ; créez-le d'abord.",
        )
    allocation = allocate(
        store, site=site, station=station, unit=unit, count=count, allocated_by=by or acting()
    )
    numbers = allocation.numbers()
    console = make_console()
    console.print(
        t(
            "downtime.allocated",
            language,
            count=allocation.count,
            unit=unit,
            station=allocation.station,
            site=allocation.site,
            first=numbers[0],
            last=numbers[-1],
        )
    )
    if labels is not None:
        pages = write_label_sheets(numbers, unit, labels, language)
        console.print(t("downtime.labels", language, path=labels, pages=pages))


@downtime_app.command("list")
def list_command(
    store: StoreOption,
    unit: Annotated[str | None, typer.Option("--unit", metavar="U", help="Only this unit's numbers.")] = None,
    lang: LangOption = None,
) -> None:
    """List the ranges of downtime numbers handed out, and how many are reconciled."""
    language = output_lang(lang)
    found = allocations(store, unit)
    console = make_console()
    if not found:
        console.print(t("downtime.none", language, store=store))
        return
    table = Table(show_edge=False)
    for column in ("col_range", "col_count", "col_mapped", "col_at", "col_by", "col_unit"):
        table.add_column(t(f"downtime.{column}", language))
    for allocation in found:
        first = DowntimeNumber(allocation.site, allocation.station, allocation.first)
        last = DowntimeNumber(allocation.site, allocation.station, allocation.last)
        table.add_row(
            f"{first} … {last}",
            str(allocation.count),
            str(allocation.mapped),
            allocation.allocated_at.strftime("%Y-%m-%d %H:%M"),
            allocation.allocated_by,
            allocation.unit,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(downtime_app)
