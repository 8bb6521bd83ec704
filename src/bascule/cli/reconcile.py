"""`bascule reconcile ...`: what the wards did during the outage, back into the record.

Exit codes of `import`: 0 done (entries already held are skipped); 2 usage; 3 refused (signature,
chain, another hospital, two histories under one station code): nothing is written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import output_lang
from bascule.i18n import t

i18n.register(
    "reconcile",
    {
        "imported": {
            "fr": "{station} : {new} saisie(s) nouvelle(s), {already} déjà connue(s), dans {store}.",
            "en": "{station}: {new} new entry(ies), {already} already held, in {store}.",
        },
    },
)

reconcile_app = typer.Typer(
    help="Get what was done during the outage back into the record.", no_args_is_help=True
)
LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]


@reconcile_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A station's export (entries-*.jsonl.age).")],
    store: Annotated[Path, typer.Option("--store", metavar="STORE", help="The continuity store.")],
    identity: Annotated[
        Path, typer.Option("--identity", metavar="CELL.age", help="The cell's age identity.")
    ],
    trust: Annotated[
        list[Path],
        typer.Option("--trust", metavar="STATION.pub", help="A station's public key (repeatable)."),
    ],
    lang: LangOption = None,
) -> None:
    """Take in a station's entries: signature, decryption, chain, each entry checked; idempotent."""
    from bascule.downtime.entries_import import import_export, read_export
    from bascule.snapshot.keys import load_identities, load_public_key

    export = read_export(file, load_identities(identity), [load_public_key(path) for path in trust])
    result = import_export(store, export, file.name, datetime.now(UTC))
    make_console().print(
        t(
            "reconcile.imported",
            output_lang(lang),
            station=result.station,
            new=result.new,
            already=result.already,
            store=store,
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(reconcile_app, name="reconcile")
