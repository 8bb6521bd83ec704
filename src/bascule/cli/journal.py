"""`bascule journal verify|export`: check the crisis journal (keyed chain, signed checkpoints, note
digests), take it out as CSV or PDF. Django is imported only inside the commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.context import environment
from bascule.cli.serve import AnchorOption, DataOption, DbOption
from bascule.durable import PRIVATE, write_atomically
from bascule.errors import UserError

journal_app = typer.Typer(help="Check and export the crisis journal.", no_args_is_help=True)

EXIT_BROKEN = 3


def register(app: typer.Typer) -> None:
    app.add_typer(journal_app, name="journal")

    @journal_app.command("verify")
    def verify(
        db: DbOption = None,
        data: DataOption = None,
        anchor: AnchorOption = None,
        pubkey: Annotated[
            Path | None,
            typer.Option(
                "--pubkey",
                metavar="PUB",
                help="The minisign public key the checkpoints must be signed with "
                "(default: the one kept in the data folder).",
            ),
        ] = None,
        json_output: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
        lang: Annotated[str | None, typer.Option("--lang", metavar="fr|en")] = None,
    ) -> None:
        """Check chain, seals, checkpoints and note digests: exit 0 intact, 3 naming the first entry that differs."""
        from bascule.cli.options import output_lang

        language = output_lang(lang)
        for folder in anchor or ():
            if not folder.is_dir():
                raise UserError(
                    f"The anchor folder {folder} does not exist; mount the share or fix the path.",
                    fr=f"Le dossier d'ancrage {folder} n'existe pas ; montez le partage ou corrigez le chemin.",
                )
        if pubkey is not None and not pubkey.is_file():
            raise UserError(
                f"The public key {pubkey} does not exist; give the cell's minisign .pub file.",
                fr=f"La clé publique {pubkey} n'existe pas ; donnez le fichier .pub minisign de la cellule.",
            )
        from bascule.incident import wiring

        wiring.crisis_store(environment().variables, data, db)
        report = wiring.audit_journal(anchor or (), pubkey)
        if json_output:
            typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        else:
            lines = report.lines(language)
            typer.echo("\n".join(lines), err=not report.intact)
        if not report.intact:
            raise typer.Exit(EXIT_BROKEN)

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
            raise UserError("Choose one format: --csv or --pdf.", fr="Choisissez un format : --csv ou --pdf.")
        if pdf and out is None:
            raise UserError(
                "A PDF needs a file: add --out journal.pdf.",
                fr="Un PDF a besoin d'un fichier : ajoutez --out journal.pdf.",
            )
        language = parse_lang(lang)
        from bascule.incident import wiring

        wiring.crisis_store(environment().variables, data, db)
        if csv:
            text = wiring.journal_csv()
            if out is None:
                sys.stdout.write(text)
                return
            write_atomically(out, text.encode("utf-8"), PRIVATE)
        else:
            assert out is not None
            write_atomically(out, wiring.journal_pdf(language), PRIVATE)
        typer.echo(f"Journal written to {out}.", err=True)
