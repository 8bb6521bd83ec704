"""`bascule reconcile ...`: what the wards did during the outage, back into the record: `import` a
station's export of entries, `match` downtime registrations to the store's patients, `status`.

Exit codes of `import`: 0 done (entries already held are skipped); 2 usage; 3 refused (signature,
chain, another hospital, two histories under one station code): nothing is written. Of `status`:
0 everything is back in the record; 4 not yet (numbers missing, entries not sent). Of `send`: 0 every
entry acknowledged; 2 usage; 3 the target cannot be reached; 4 some entries refused or waiting.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import JsonOption, output_lang
from bascule.clinical.records import Patient
from bascule.i18n import Lang, t

if TYPE_CHECKING:
    from bascule.reconcile.match import Match
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
        "confirmed": {
            "fr": "{number} relié à {patient}.",
            "en": "{number} linked to {patient}.",
        },
        "unlinked": {"fr": "Lien de {number} défait.", "en": "Link of {number} undone."},
        "waiting": {
            "fr": "{count} numéro(s) attendent une décision.",
            "en": "{count} number(s) wait for a decision.",
        },
        "status_numbers": {
            "fr": "Numéros dégradés alloués : {total} ({states}).",
            "en": "Downtime numbers handed out: {total} ({states}).",
        },
        "status_entries": {
            "fr": "Saisies reçues des postes : {total} ({states}).",
            "en": "Entries received from the stations: {total} ({states}).",
        },
        "status_missing": {
            "fr": "Jamais vus (retrouvez le papier dans le service) : {numbers}.",
            "en": "Never seen (the ward must find the paper): {numbers}.",
        },
        "status_done": {"fr": "Tout est rendu au dossier.", "en": "Everything is back in the record."},
        "status_open": {
            "fr": "Pas encore terminé : tout n'est pas rendu au dossier.",
            "en": "Not finished yet: not everything is back in the record.",
        },
        "sending": {"fr": "Envoi au DPI", "en": "Sending to the EHR"},
        "sent": {
            "fr": "Vers {target} : {sent} saisie(s) acquittée(s) maintenant, {already} déjà, {refused} refusée(s), "
            "{waiting} en attente d'un lien.",
            "en": "To {target}: {sent} entry(ies) acknowledged now, {already} before, {refused} refused, "
            "{waiting} waiting for a link.",
        },
        "imported": {
            "fr": "{station} : {new} saisie(s) nouvelle(s), {already} déjà connue(s), dans {store}.",
            "en": "{station}: {new} new entry(ies), {already} already held, in {store}.",
        },
    },
)

EXIT_NOT_DONE = 4
reconcile_app = typer.Typer(
    name="reconcile",
    help="Get what was done during the outage back into the record: import, match, send, status.",
    no_args_is_help=True,
)

StoreOption = Annotated[Path, typer.Option("--store", metavar="FILE", help="The continuity store.")]
DowntimeOption = Annotated[
    Path | None,
    typer.Option(
        "--downtime",
        metavar="FILE",
        help="Downtime registrations (JSON Lines, contract 6); without it, those imported into the store.",
    ),
]
LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]


def _reason(code: str, language: str) -> str:
    from bascule.reconcile.decision import REASONS

    english, french = REASONS[code]
    return french if language == "fr" else english


def _matches_table(matches: Iterable[Match], language: Lang) -> Table:
    """One row per match: number, decision, candidate, score, reasons in the reader's language."""
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
    return table


@reconcile_app.command("match")
def match_command(
    store: StoreOption,
    downtime: DowntimeOption = None,
    json_: JsonOption = False,
    save: Annotated[
        bool,
        typer.Option(
            "--save", help="Link the numbers decided auto in the store (the rest wait for a person)."
        ),
    ] = False,
    lang: LangOption = None,
) -> None:
    """Match each downtime registration to a stored patient: auto, review or new."""
    # Imported here: the string-similarity and check-digit libraries load only for this command.
    from bascule.reconcile.decision import DECISIONS
    from bascule.reconcile.interchange import read_registrations
    from bascule.reconcile.match import counts, match_registrations, with_disagreements

    language = output_lang(lang)
    disagreeing: set[str] = set()
    if downtime is not None:
        registrations = read_registrations(downtime)
    else:
        from bascule.downtime.entries_import import registrations_in_store

        registrations, disagreeing = registrations_in_store(store)
    with ContinuityStore.open(store, readonly=True) as opened:
        matches = with_disagreements(match_registrations(registrations, opened.records(Patient)), disagreeing)
    if save:
        from bascule.downtime.links import save_auto

        save_auto(store, matches, datetime.now(UTC))
    if json_:
        typer.echo(
            json.dumps({"matches": [match.to_json() for match in matches]}, ensure_ascii=False, indent=1)
        )
        return
    console = make_console()
    table = _matches_table(matches, language)
    console.print(table)
    found = counts(matches)
    totals = Table(show_edge=False)
    totals.add_column(t("reconcile.col_decision", language))
    totals.add_column(t("reconcile.col_count", language), justify="right")
    for decision in DECISIONS:
        totals.add_row(t(f"reconcile.{decision}", language), str(found[decision]))
    console.print(totals)
    console.print(t("reconcile.summary", language, total=len(matches), **found))


@reconcile_app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="A station's export (entries-*.jsonl.age, with its .minisig) or registrations typed from paper (.jsonl).",
        ),
    ],
    store: Annotated[Path, typer.Option("--store", metavar="STORE", help="The continuity store.")],
    identity: Annotated[
        Path | None,
        typer.Option("--identity", metavar="CELL.age", help="The cell's age identity (station exports)."),
    ] = None,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust", metavar="STATION.pub", help="A station's public key (repeatable; station exports)."
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Take in a station's entries (signature, decryption, chain, each entry checked) or paper
    registrations (JSON Lines, refused whole on any bad line); importing twice changes nothing."""
    from bascule.downtime.entries_import import import_export, import_paper, read_export
    from bascule.errors import UserError
    from bascule.snapshot.keys import load_identities, load_public_key

    now = datetime.now(UTC)
    if file.name.endswith(".age"):
        if identity is None or not trust:
            raise UserError(
                "A station's export needs the cell's identity (--identity) and the station's key (--trust).",
                fr="Un export de poste demande l'identité de la cellule (--identity) et la clé du poste (--trust).",
            )
        export = read_export(file, load_identities(identity), [load_public_key(path) for path in trust])
        result = import_export(store, export, file.name, now)
    else:
        from bascule.reconcile.interchange import read_registrations

        result = import_paper(store, read_registrations(file), file.name, now)
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


@reconcile_app.command("status")
def status_command(
    store: Annotated[Path, typer.Option("--store", metavar="STORE", help="The continuity store.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
    lang: LangOption = None,
) -> None:
    """Account for every downtime number handed out and every entry recorded; exit 4 until all is done."""
    import json

    from bascule.reconcile.worklist import accounting as account_for

    accounting = account_for(store)
    language = output_lang(lang)
    if as_json:
        print(json.dumps(accounting.to_json(), ensure_ascii=False))
    else:
        console = make_console()
        console.print(
            t(
                "reconcile.status_numbers",
                language,
                total=len(accounting.numbers),
                states=", ".join(
                    f"{state} {count}" for state, count in sorted(accounting.numbers_by_state.items())
                )
                or "-",
            )
        )
        console.print(
            t(
                "reconcile.status_entries",
                language,
                total=sum(accounting.entries_by_state.values()),
                states=", ".join(
                    f"{state} {count}" for state, count in sorted(accounting.entries_by_state.items())
                )
                or "-",
            )
        )
        missing = [a.number for a in accounting.numbers if a.state == "missing"]
        if missing:
            console.print(
                t("reconcile.status_missing", language, numbers=", ".join(missing)), style="bold red"
            )
        console.print(
            t("reconcile.status_done" if accounting.all_done else "reconcile.status_open", language)
        )
    if not accounting.all_done:
        raise typer.Exit(EXIT_NOT_DONE)


NumberOption = Annotated[str, typer.Option("--downtime-id", metavar="NUMBER", help="The downtime number.")]
ByOption = Annotated[str, typer.Option("--by", metavar="NAME", help="Who decides.")]


@reconcile_app.command("confirm")
def confirm_command(
    store: StoreOption,
    number: NumberOption,
    by: ByOption,
    patient: Annotated[
        str | None, typer.Option("--patient", metavar="ID", help="The store's patient this number is.")
    ] = None,
    new: Annotated[bool, typer.Option("--new", help="A new patient: to be created in the EHR.")] = False,
    lang: LangOption = None,
) -> None:
    """A person's decision on a downtime number: a known patient (--patient) or a new one (--new)."""
    from bascule.errors import UserError
    from bascule.reconcile.worklist import decide

    if (patient is None) == (not new):
        raise UserError(
            "Say who the number is: --patient ID or --new, one of them.",
            fr="Dites qui est ce numéro : --patient ID ou --new, l'un des deux.",
        )
    link = decide(store, number, patient, by, datetime.now(UTC))
    make_console().print(
        t("reconcile.confirmed", output_lang(lang), number=link.downtime_id, patient=link.patient_id or "new")
    )


@reconcile_app.command("unlink")
def unlink_command(store: StoreOption, number: NumberOption, by: ByOption, lang: LangOption = None) -> None:
    """Undo a link (refused once entries reached the EHR under it)."""
    from bascule.downtime.links import unlink

    unlink(store, number, by)
    make_console().print(t("reconcile.unlinked", output_lang(lang), number=number))


@reconcile_app.command("worklist")
def worklist_command(store: StoreOption, json_: JsonOption = False, lang: LangOption = None) -> None:
    """What a person must still decide: the registrations not linked yet, review first."""
    from bascule.reconcile.worklist import worklist

    language = output_lang(lang)
    waiting = [item.match for item in worklist(store)]
    if json_:
        typer.echo(json.dumps({"worklist": [m.to_json() for m in waiting]}, ensure_ascii=False, indent=1))
        return
    table = _matches_table(waiting, language)
    console = make_console()
    console.print(table)
    console.print(t("reconcile.waiting", language, count=len(waiting)))


@reconcile_app.command("send")
def send_command(
    store: StoreOption,
    fhir: Annotated[
        str | None, typer.Option("--fhir", metavar="URL", help="The recovered EHR's FHIR R4 base URL.")
    ] = None,
    mllp: Annotated[
        str | None,
        typer.Option("--mllp", metavar="HOST:PORT", help="The recovered EHR's HL7 v2 MLLP receiver."),
    ] = None,
    retry_refused: Annotated[
        bool, typer.Option("--retry-refused", help="Send again the entries the EHR refused before.")
    ] = False,
    json_: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Send the entries whose patient is known to the recovered EHR (FHIR or HL7 v2), each once;
    exit 4 while some are refused or wait for a link."""
    from bascule.errors import UserError
    from bascule.reconcile.sending import send

    if (fhir is None) == (mllp is None):
        raise UserError(
            "Say where to send: --fhir URL or --mllp HOST:PORT, one of them.",
            fr="Dites où envoyer : --fhir URL ou --mllp HÔTE:PORT, l'un des deux.",
        )
    target = fhir if fhir is not None else f"mllp://{mllp}"
    if json_:
        report = send(store, target, datetime.now(UTC), retry_refused=retry_refused)
    else:
        from rich.progress import Progress

        with Progress(console=make_console(), transient=True) as progress:
            task = progress.add_task(t("reconcile.sending", output_lang(lang)), total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = send(store, target, datetime.now(UTC), retry_refused=retry_refused, progress=advance)
    if json_:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False))
    else:
        make_console().print(
            t(
                "reconcile.sent",
                output_lang(lang),
                target=report.target,
                sent=report.sent,
                already=report.already,
                refused=report.refused + report.still_refused,
                waiting=report.waiting,
            )
        )
    if not report.all_sent:
        raise typer.Exit(EXIT_NOT_DONE)


def register(app: typer.Typer) -> None:
    app.add_typer(reconcile_app)
