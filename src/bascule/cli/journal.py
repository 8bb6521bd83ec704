"""`bascule journal verify|export`: check the crisis journal's hash chain, take it out as CSV or PDF."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.context import environment
from bascule.cli.serve import DataOption, DbOption
from bascule.durable import PRIVATE, write_atomically
from bascule.errors import UserError

journal_app = typer.Typer(help="Check and export the crisis journal.", no_args_is_help=True)

EXIT_BROKEN = 3


def register(app: typer.Typer) -> None:
    app.add_typer(journal_app, name="journal")

    @journal_app.command("verify")
    def verify(db: DbOption = None, data: DataOption = None) -> None:
        """Exit 0 when the chain is intact, 3 naming the first broken entry otherwise."""
        from bascule.crisis import runtime

        runtime.from_environment(
            environment().variables, str(data) if data else None, str(db) if db else None
        )
        from bascule.crisis import journal_store
        from bascule.crisis.models import JournalRecord

        broken = journal_store.verify_chain()
        if broken is not None:
            raise UserError(
                f"The journal is broken at entry {broken.seq}: {broken.reason}.", exit_code=EXIT_BROKEN
            )
        typer.echo(f"The journal is intact: {JournalRecord.objects.count()} entries checked.")

    @journal_app.command("export")
    def export(
        csv: Annotated[bool, typer.Option("--csv", help="Export as CSV.")] = False,
        pdf: Annotated[bool, typer.Option("--pdf", help="Export as PDF.")] = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="File to write (default: standard output for CSV).")
        ] = None,
        lang: Annotated[str, typer.Option("--lang", help="fr or en (PDF headings).")] = "fr",
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Write the whole journal as CSV or PDF."""
        from bascule.i18n import parse_lang

        if csv == pdf:
            raise UserError("Choose one format: --csv or --pdf.")
        if pdf and out is None:
            raise UserError("A PDF needs a file: add --out journal.pdf.")
        language = parse_lang(lang)
        from bascule.crisis import runtime

        runtime.from_environment(
            environment().variables, str(data) if data else None, str(db) if db else None
        )
        from bascule.crisis import journal_store, reports
        from bascule.crisis.models import JournalRecord

        records = JournalRecord.objects.order_by("seq")
        if csv:
            text = reports.journal_csv(records)
            if out is None:
                sys.stdout.write(text)
                return
            write_atomically(out, text.encode("utf-8"), PRIVATE)
        else:
            assert out is not None
            write_atomically(
                out, reports.journal_pdf(records, journal_store.verify_chain(), language), PRIVATE
            )
        typer.echo(f"Journal written to {out}.", err=True)
