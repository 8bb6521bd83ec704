"""`bascule notify queue|send|status|unreached`: tell every patient once, and list those not reached.

Nothing printed here carries a phone number or an address except the call-centre list, which is
written to the file the user names (CSV or PDF), never to the terminal.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bascule import i18n
from bascule.cli.context import environment, make_console
from bascule.cli.options import (
    DownOption,
    IsolateOption,
    LangOption,
    ScenarioOption,
    SupplierOption,
    map_and_scenario,
    output_lang,
)
from bascule.cli.triage import (
    DataOption,
    DaysOption,
    DbOption,
    FromOption,
    IncidentOption,
    StoreOption,
    incident_store,
    journal_approvals,
    run_triage,
    with_incident_hits,
)
from bascule.durations import parse_duration
from bascule.errors import UserError
from bascule.i18n import t
from bascule.notify.outbox import STATES, Outbox

i18n.register(
    "notify_cli",
    {
        "queued": {
            "fr": "{added} messages mis en file, {already} déjà en file ; {unreachable} patients sans "
            "contact utilisable (listés pour le centre d'appels).",
            "en": "{added} messages queued, {already} already queued; {unreachable} patients with no usable "
            "contact (listed for the call centre).",
        },
        "invalid_title": {
            "fr": "Patients sans contact utilisable (non envoyés)",
            "en": "Patients with no usable contact (not sent)",
        },
        "sent": {
            "fr": "{sent} messages remis à {gateway} en {seconds:.1f} s ({rate:.0f}/s) ; {retried} à "
            "réessayer, {failed} en échec ; {taken} confirmés et {requeued} remis en file après reprise.",
            "en": "{sent} messages handed to {gateway} in {seconds:.1f} s ({rate:.0f}/s); {retried} to retry, "
            "{failed} failed; {taken} confirmed and {requeued} queued again on restart.",
        },
        "unreached": {
            "fr": "{count} patients non joints : {path}",
            "en": "{count} patients not reached: {path}",
        },
        "state": {"fr": "État", "en": "State"},
        "count": {"fr": "Messages", "en": "Messages"},
        "exercise_prefix": {"fr": "[EXERCICE]", "en": "[EXERCISE]"},
        "exercise_to_file": {
            "fr": "EXERCICE (incident {incident}) : aucun message n'est remis à {gateway} ; ils sont écrits dans {file}.",
            "en": "EXERCISE (incident {incident}): no message is handed to {gateway}; they are written to {file}.",
        },
    },
)

notify_app = typer.Typer(
    help="Tell patients about triage decisions, and list those not reached.", no_args_is_help=True
)

OutboxOption = Annotated[Path, typer.Option("--outbox", help="The outbox file (SQLite).")]


def parse_rate(value: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(?:/s)?\s*", value)
    if match is None or float(match.group(1)) <= 0:
        raise UserError(
            f"--rate {value!r} is not a rate; write it like 100/s.",
            fr=f"--rate {value!r} n'est pas un débit ; écrivez-le comme 100/s.",
        )
    return float(match.group(1))


def _secret(value: str | None, variable: str) -> str:
    return value if value is not None else environment().get(variable, "") or ""


def register(app: typer.Typer) -> None:
    app.add_typer(notify_app, name="notify")

    @notify_app.command("queue")
    def queue(
        store: StoreOption,
        outbox: OutboxOption,
        map_path: Annotated[
            str, typer.Argument(metavar="[MAP]", help="The hospital map, or 'demo'.")
        ] = "demo",
        scenario: ScenarioOption = None,
        down: DownOption = None,
        isolate: IsolateOption = None,
        supplier: SupplierOption = None,
        first: FromOption = None,
        days: DaysOption = 7,
        call_centre: Annotated[
            str | None,
            typer.Option("--call-centre", help="Number patients call back (default: BASCULE_CALL_CENTRE)."),
        ] = None,
        incident: IncidentOption = None,
        data: DataOption = None,
        db: DbOption = None,
        approved_only: Annotated[
            bool,
            typer.Option(
                "--approved-only",
                help="Only activities in a group the crisis cell approved (needs --incident).",
            ),
        ] = False,
        lang: LangOption = None,
    ) -> None:
        """Triage, then put one message per decided activity in the outbox (twice is harmless)."""
        from bascule.notify.phone import InvalidPhone, country_of, normalise
        from bascule.notify.queueing import build_messages

        number = call_centre or environment().get("BASCULE_CALL_CENTRE")
        if not number:
            raise UserError(
                "Messages give the call-centre number: add --call-centre or set BASCULE_CALL_CENTRE.",
                fr="Les messages donnent le numéro du centre d'appels : ajoutez --call-centre ou définissez BASCULE_CALL_CENTRE.",
            )
        hospital_map, chosen = map_and_scenario(map_path, scenario, down, isolate, supplier)
        language = output_lang(lang, hospital_map)
        country = country_of(hospital_map.hospital)
        try:
            normalise(number, country)
        except InvalidPhone as refused:
            raise UserError(
                t("phone.call_centre", language, reason=refused.reason_in(language), country=country),
                fr=t("phone.call_centre", "fr", reason=refused.reason_in("fr"), country=country),
            ) from None
        if approved_only and incident is None:
            raise UserError(
                "--approved-only reads the crisis cell's approvals: add --incident N.",
                fr="--approved-only lit les approbations de la cellule de crise : ajoutez --incident N.",
            )
        crisis = incident_store(data, db, incident)
        approvals = journal_approvals(crisis, incident)
        chosen = with_incident_hits(hospital_map, chosen, crisis, incident)
        run = run_triage(hospital_map, chosen, store, first, days, approvals)
        proposals = run.proposals
        if approved_only and crisis is not None and incident is not None:
            from bascule.incident.triage import approved_groups

            approved = approved_groups(crisis, incident)
            proposals = [
                p
                for p in proposals
                if (p.day(run.zone).isoformat(), p.unit_id or "", p.kind, p.decision) in approved
            ]
        messages, unreachable = build_messages(
            proposals,
            run.scheduled,
            hospital_map,
            call_centre=number,
            lang=language,
            zone=run.zone,
            country=country,
            unit_names=run.unit_names,
        )
        opened = crisis.repository.incident(incident) if crisis is not None and incident is not None else None
        exercise = opened.id if opened is not None and opened.exercise else None
        if exercise is not None:
            # An exercise's messages say so, and only ever go to a file (see `notify send`).
            mark = t("notify_cli.exercise_prefix", language)
            messages = [
                dataclasses.replace(m, subject=f"{mark} {m.subject}", body=f"{mark} {m.body}")
                for m in messages
            ]
        with Outbox.open(outbox) as box:
            added, already = box.enqueue(messages, time.time(), exercise_incident=exercise)
        console = make_console()
        if unreachable:
            table = Table(title=t("notify_cli.invalid_title", language), title_justify="left")
            for column in ("activity", "patient", "problem"):
                table.add_column(column)
            for item in unreachable:
                table.add_row(item.activity_id, item.patient_id, item.problem)
            console.print(table)
        console.print(
            t("notify_cli.queued", language, added=added, already=already, unreachable=len(unreachable)),
            style="bold",
        )

    @notify_app.command("send")
    def send(
        outbox: OutboxOption,
        gateway: Annotated[
            str, typer.Option("--gateway", metavar="kannel|smtp|file", help="Where to hand messages.")
        ],
        rate: Annotated[str, typer.Option("--rate", metavar="N/s", help="Messages per second.")] = "50/s",
        kannel_url: Annotated[
            str, typer.Option("--kannel-url", help="Kannel smsbox sendsms address.")
        ] = "http://127.0.0.1:13013",
        kannel_user: Annotated[str, typer.Option("--kannel-user", help="Kannel sendsms user.")] = "bascule",
        kannel_password: Annotated[
            str | None,
            typer.Option(
                "--kannel-password", help="Kannel sendsms password (default: BASCULE_KANNEL_PASSWORD)."
            ),
        ] = None,
        connections: Annotated[
            int, typer.Option("--connections", help="Requests to Kannel in flight at once.")
        ] = 8,
        sender_id: Annotated[str, typer.Option("--from", help="Sender shown on the phone (Kannel).")] = "",
        dlr_port: Annotated[
            int,
            typer.Option(
                "--dlr-port", help="Port on 127.0.0.1 for Kannel's delivery reports (keep it fixed)."
            ),
        ] = 13099,
        smtp_host: Annotated[str, typer.Option("--smtp-host", help="SMTP server.")] = "127.0.0.1",
        smtp_port: Annotated[int, typer.Option("--smtp-port", help="SMTP port.")] = 25,
        smtp_from: Annotated[str, typer.Option("--smtp-from", help="Sender address.")] = "",
        smtp_user: Annotated[str, typer.Option("--smtp-user", help="SMTP login, if any.")] = "",
        smtp_password: Annotated[
            str | None,
            typer.Option("--smtp-password", help="SMTP password (default: BASCULE_SMTP_PASSWORD)."),
        ] = None,
        starttls: Annotated[bool, typer.Option("--starttls", help="Use STARTTLS.")] = False,
        file: Annotated[
            Path | None, typer.Option("--file", help="File gateway: the JSON-lines file.")
        ] = None,
        max_attempts: Annotated[
            int, typer.Option("--max-attempts", help="Tries before a message fails.")
        ] = 6,
        backoff: Annotated[
            float, typer.Option("--backoff", help="First retry delay in seconds (doubles).")
        ] = 2.0,
        reconcile_seconds: Annotated[
            float,
            typer.Option("--reconcile-seconds", help="How long to wait for reports of in-doubt messages."),
        ] = 15.0,
        wait_reports: Annotated[
            float,
            typer.Option("--wait-reports", help="Seconds to keep receiving delivery reports at the end."),
        ] = 0.0,
        lang: Annotated[str, typer.Option("--lang", metavar="fr|en")] = "en",
    ) -> None:
        """Hand queued messages to the gateway at the rate given, with retries and delivery reports."""
        import urllib.parse

        from bascule.i18n import parse_lang
        from bascule.notify.gateways.base import Gateway
        from bascule.notify.receiver import Receiver, ReceiverUnavailable, ensure_receiver, stop_receiver
        from bascule.notify.sender import GatewayStopped, SendSettings, send_all

        language = parse_lang(lang)
        try:
            settings = SendSettings(
                rate=parse_rate(rate),
                max_attempts=max_attempts,
                backoff_seconds=backoff,
                reconcile_seconds=reconcile_seconds,
                report_wait_seconds=wait_reports,
            )
        except ValueError as error:
            raise UserError(
                f"{str(error).capitalize()}.",
                fr="Le débit (--rate) doit être positif et --max-attempts valoir au moins 1.",
            ) from None
        box = Outbox.open(outbox, create=False)
        receiver: Receiver | None = None
        chosen: Gateway
        exercise = box.exercise_incident()
        if exercise is not None and gateway in ("kannel", "smtp"):
            # Whatever the configuration: no message of an exercise reaches a patient.
            file = file or box.path.with_name(box.path.name + ".exercise.jsonl")
            typer.echo(
                t("notify_cli.exercise_to_file", language, incident=exercise, gateway=gateway, file=file),
                err=True,
            )
            gateway = "file"
        try:
            if gateway == "kannel":
                from bascule.notify.gateways.kannel import KannelGateway, KannelSettings

                url = urllib.parse.urlsplit(kannel_url)
                if url.scheme != "http" or not url.hostname:
                    raise UserError(
                        f"--kannel-url {kannel_url!r} must be an http:// address of Kannel's smsbox.",
                        fr=f"--kannel-url {kannel_url!r} doit être une adresse http:// du smsbox de Kannel.",
                    )
                try:
                    receiver = ensure_receiver(outbox, dlr_port)
                except ReceiverUnavailable as error:
                    raise UserError(
                        f"Cannot receive delivery reports: {error}.",
                        fr=f"Impossible de recevoir les accusés de remise : {error}.",
                    ) from None
                chosen = KannelGateway(
                    KannelSettings(
                        url.hostname,
                        url.port or 80,
                        kannel_user,
                        _secret(kannel_password, "BASCULE_KANNEL_PASSWORD"),
                        receiver.base_url,
                        sender_id,
                        connections=connections,
                    )
                )
            elif gateway == "smtp":
                from bascule.notify.gateways.smtp import SmtpGateway, SmtpSettings

                if not smtp_from:
                    raise UserError(
                        "E-mails need a sender: add --smtp-from address@hospital.",
                        fr="Les courriels ont besoin d'un expéditeur : ajoutez --smtp-from adresse@hopital.",
                    )
                chosen = SmtpGateway(
                    SmtpSettings(
                        smtp_host,
                        smtp_port,
                        smtp_from,
                        smtp_user,
                        _secret(smtp_password, "BASCULE_SMTP_PASSWORD"),
                        starttls,
                    )
                )
            elif gateway == "file":
                from bascule.notify.gateways.file import FileGateway

                if file is None:
                    raise UserError(
                        "The file gateway writes to a file: add --file messages.jsonl.",
                        fr="La passerelle file écrit dans un fichier : ajoutez --file messages.jsonl.",
                    )
                chosen = FileGateway(file)
            else:
                raise UserError(
                    f"Unknown gateway {gateway!r}; use kannel, smtp or file.",
                    fr=f"Passerelle inconnue {gateway!r} ; utilisez kannel, smtp ou file.",
                )
            from rich.progress import Progress

            counts = box.counts()
            console = make_console(stderr=True)
            try:
                with Progress(console=console, transient=True, disable=not console.is_terminal) as progress:
                    task = progress.add_task(gateway, total=counts["queued"] + counts["sending"])
                    report = send_all(box, chosen, settings, lambda done: progress.advance(task, done))
            except GatewayStopped as error:
                raise UserError(
                    f"The gateway refused to send: {error}; check its settings.",
                    fr=f"La passerelle a refusé d'envoyer : {error} ; vérifiez ses réglages.",
                ) from None
            finally:
                chosen.close()
        finally:
            # Reports still awaited keep arriving at the receiver, which stops by itself when idle.
            if receiver is not None and not box.awaiting_report("kannel"):
                stop_receiver(receiver.port)
            box.close()
        typer.echo(
            t(
                "notify_cli.sent",
                language,
                sent=report.sent,
                gateway=gateway,
                seconds=report.elapsed_seconds,
                rate=report.rate,
                retried=report.retried,
                failed=report.failed,
                taken=report.reconciled_taken,
                requeued=report.reconciled_requeued,
            )
        )

    @notify_app.command("reports")
    def reports(
        outbox: OutboxOption,
        dlr_port: Annotated[int, typer.Option("--dlr-port", help="Port on 127.0.0.1.")] = 13099,
        idle: Annotated[
            float, typer.Option("--idle", help="Stop after this many seconds with no report awaited.")
        ] = 60.0,
    ) -> None:
        """Receive Kannel's delivery reports into the outbox (the sender starts this by itself)."""
        from bascule.notify.dlr import serve_until_idle

        with Outbox.open(outbox, create=False) as box:
            try:
                serve_until_idle(box, dlr_port, "kannel", idle)
            except OSError as error:
                raise UserError(
                    f"Cannot listen on 127.0.0.1:{dlr_port} ({error.strerror}).",
                    fr=f"Impossible d'écouter sur 127.0.0.1:{dlr_port} ({error.strerror}).",
                ) from None

    @notify_app.command("status")
    def status(
        outbox: OutboxOption,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
        lang: Annotated[str, typer.Option("--lang", metavar="fr|en")] = "en",
    ) -> None:
        """How many messages are in each state."""
        from bascule.i18n import parse_lang

        language = parse_lang(lang)
        with Outbox.open(outbox, create=False) as box:
            counts = box.counts()
        if as_json:
            typer.echo(json.dumps(counts))
            return
        table = Table()
        table.add_column(t("notify_cli.state", language))
        table.add_column(t("notify_cli.count", language), justify="right")
        for state in STATES:
            table.add_row(state, str(counts[state]))
        make_console().print(table)

    @notify_app.command("unreached")
    def unreached(
        outbox: OutboxOption,
        after: Annotated[
            str,
            typer.Option(
                "--after", help="A text not delivered this long after sending counts as not reached."
            ),
        ] = "30m",
        csv_path: Annotated[Path | None, typer.Option("--csv", help="Write the call list as CSV.")] = None,
        pdf_path: Annotated[
            Path | None, typer.Option("--pdf", help="Write the call list and script as PDF.")
        ] = None,
        store: Annotated[
            Path | None, typer.Option("--store", help="Continuity store, to add patients' names to the list.")
        ] = None,
        lang: Annotated[str, typer.Option("--lang", metavar="fr|en")] = "fr",
    ) -> None:
        """List the patients not reached, for the call centre (CSV and/or PDF with a call script)."""
        from bascule.i18n import parse_lang
        from bascule.notify.call_list import call_list, write_csv, write_pdf

        language = parse_lang(lang)
        if csv_path is None and pdf_path is None:
            raise UserError(
                "Say where to write the list: add --csv FILE and/or --pdf FILE.",
                fr="Dites où écrire la liste : ajoutez --csv FICHIER et/ou --pdf FICHIER.",
            )
        with Outbox.open(outbox, create=False) as box:
            entries = call_list(
                box,
                time.time()
                - parse_duration(after, "--after", zero_allowed=True, bare_unit="m").total_seconds(),
                store,
            )
        for path, writer in ((csv_path, write_csv), (pdf_path, write_pdf)):
            if path is not None:
                writer(path, entries, language)
                typer.echo(t("notify_cli.unreached", language, count=len(entries), path=path))
