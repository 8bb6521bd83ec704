"""`bascule snapshot pull|import|listen`: keep the continuity store fed from the hospital's systems."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from bascule import i18n
from bascule.cli.context import environment, make_console
from bascule.cli.feed_report import feed_document, local_time, print_notes, print_outcome
from bascule.cli.options import JsonOption
from bascule.cli.snapshot import snapshot_app
from bascule.cli.unplaced import report_unplaced
from bascule.clinical.settings import HospitalSettings, settings_of
from bascule.errors import UserError
from bascule.hospital.loading import load_map
from bascule.i18n import Lang, parse_lang, t
from bascule.snapshot.store import ContinuityStore
from bascule.sources.bulk import ImportReport, import_export
from bascule.sources.fhir_export import export_store
from bascule.sources.fhir_pull import PullReport, incremental_since, pull
from bascule.sources.fhir_source import HttpFhirSource, RetryPolicy
from bascule.sources.hl7_listener import Hl7Listener

i18n.register(
    "feed",
    {
        "unit": {"fr": "Unité", "en": "Unit"},
        "beds": {"fr": "Lits", "en": "Beds"},
        "occupied": {"fr": "Patients", "en": "Patients"},
        "allergic": {"fr": "Allergies", "en": "Allergies"},
        "no_blood_group": {"fr": "Sans groupe", "en": "No blood group"},
        "census_title": {"fr": "Recensement par unité", "en": "Census by unit"},
        "total": {"fr": "Total", "en": "Total"},
        "data_age": {
            "fr": "Données du {data_time} (il y a {age}), rafraîchies le {refreshed_at}.",
            "en": "Data as of {data_time} ({age} old), refreshed at {refreshed_at}.",
        },
        "no_data_time": {
            "fr": "Rafraîchi le {refreshed_at} ; la source n'a donné aucune heure pour ses données.",
            "en": "Refreshed at {refreshed_at}; the source gave no time for its data.",
        },
        "never": {
            "fr": "Le magasin n'a encore jamais été rafraîchi.",
            "en": "The store has never been refreshed.",
        },
        "imported": {
            "fr": "{kept} ressources importées de {files} fichier(s) dans {store} ({rejected} rejetée(s)).",
            "en": "{kept} resources imported from {files} file(s) into {store} ({rejected} rejected).",
        },
        "pulled": {
            "fr": "{kept} ressources reçues de {source} dans {store} "
            "({rejected} rejetée(s), {seconds:.1f} s).",
            "en": "{kept} resources pulled from {source} into {store} "
            "({rejected} rejected, {seconds:.1f} s).",
        },
        "not_served": {
            "fr": "Le serveur ne fournit pas : {types} ; ces données ne sont pas rafraîchies.",
            "en": "The server does not serve: {types}; that data is not refreshed.",
        },
        "removed": {
            "fr": "{count} enregistrement(s) retiré(s) : le serveur ne les a plus.",
            "en": "{count} record(s) removed: the server no longer has them.",
        },
        "exported": {
            "fr": "{count} ressources FHIR écrites dans {folder}.",
            "en": "{count} FHIR resources written to {folder}.",
        },
        "reading": {"fr": "Lecture", "en": "Reading"},
        "listening": {
            "fr": "Écoute HL7 v2 (MLLP) sur {host}:{port} ; Ctrl-C pour arrêter.",
            "en": "Listening for HL7 v2 (MLLP) on {host}:{port}; Ctrl-C to stop.",
        },
        "listen_done": {
            "fr": "Arrêt : {accepted} message(s) acceptés, {refused} refusé(s).",
            "en": "Stopped: {accepted} message(s) accepted, {refused} refused.",
        },
    },
)

StoreOption = Annotated[
    Path, typer.Option("--store", metavar="FILE", help="The continuity store (SQLite file).")
]
LangOption = Annotated[str, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]
MapSettingsOption = Annotated[
    str | None,
    typer.Option(
        "--map",
        metavar="MAP",
        help="The hospital map whose time zone, MRN systems, med times and unit locations read the "
        "source (recorded in the store; default: what the store recorded before).",
    ),
]


def map_settings(map_path: str | None) -> HospitalSettings | None:
    """The reading settings of the map given with --map, or None without one."""
    return None if map_path is None else settings_of(load_map(map_path))


def _age(seconds: float, lang: Lang) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d}"
    return f"{hours // 24} {'j' if lang == 'fr' else 'd'}"


def print_data_age(store: ContinuityStore, console: Console, lang: Lang, now: datetime | None = None) -> None:
    """How old the store's data is, its times in the hospital's zone."""
    data_time, refreshed_at = store.data_time, store.refreshed_at
    if refreshed_at is None:
        console.print(t("feed.never", lang))
        return
    moment = now or datetime.now(UTC)
    zone = store.timezone
    if data_time is None:
        console.print(t("feed.no_data_time", lang, refreshed_at=local_time(refreshed_at, zone, moment)))
        return
    console.print(
        t(
            "feed.data_age",
            lang,
            data_time=local_time(data_time, zone, moment),
            age=_age(max(0, (moment - data_time).total_seconds()), lang),
            refreshed_at=local_time(refreshed_at, zone, moment),
        )
    )


def print_census_summary(
    store: ContinuityStore, console: Console, lang: Lang, now: datetime | None = None
) -> None:
    """One line per care unit: beds, patients, patients with an allergy, patients without a blood group."""
    table = Table(title=t("feed.census_title", lang))
    for key in ("unit", "beds", "occupied", "allergic", "no_blood_group"):
        table.add_column(t(f"feed.{key}", lang), justify="left" if key == "unit" else "right")
    totals = [0, 0, 0, 0]
    for unit in store.census(at=now):
        row = [
            unit.beds,
            unit.occupied,
            sum(p.has_allergy for p in unit.patients),
            sum(p.blood_group is None for p in unit.patients),
        ]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        table.add_row(unit.name, *(str(value) for value in row))
    table.add_row(t("feed.total", lang), *(str(value) for value in totals), style="bold")
    console.print(table)
    print_data_age(store, console, lang, now)


@snapshot_app.command("import")
def import_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder of a FHIR bulk export (*.ndjson).")],
    store_path: StoreOption,
    map_path: MapSettingsOption = None,
    data_time: Annotated[
        str | None,
        typer.Option(
            "--data-time",
            metavar="ISO",
            help="When the export was taken (with its offset), for an export that does not say it: "
            "no $export manifest with its transactionTime in the folder.",
        ),
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = "en",
) -> None:
    """Import a FHIR R4 bulk export (NDJSON files) into the continuity store, streamed, in one
    transaction: an import that fails or is stopped leaves the store as it was."""
    language = parse_lang(lang)
    console = make_console()
    settings = map_settings(map_path)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=make_console(stderr=True),
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task(t("feed.reading", language), total=None)
        report = import_export(
            folder,
            store_path,
            settings=settings,
            stated_time=_stated_time(data_time),
            on_start=lambda total: progress.update(task, total=total),
            on_bytes=lambda count: progress.advance(task, count),
        )
    if as_json:
        print_json(report, store_path)
        return
    summary = t(
        "feed.imported",
        language,
        kept=report.kept,
        files=report.files,
        store=store_path,
        rejected=report.rejected,
    )
    print_refresh(report, store_path, summary, console, language, import_hint=True)


def report_document(report: ImportReport | PullReport) -> dict[str, Any]:
    """The --json document of an import or a pull (contract in feed_report)."""
    document = feed_document(
        kept=report.kept,
        skipped=report.skipped,
        rejects=report.rejects,
        rejected=report.rejected,
        warnings=report.warnings,
        warned=report.warned,
        written=report.written,
        data_time=report.data_time,
        data_time_from=report.data_time_from,
        store_data_time=report.store_data_time,
    )
    if isinstance(report, PullReport):
        document["removed"] = sum(report.written.removed.values())
        document["not_served"] = list(report.not_served)
    return document


def _stated_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise UserError(
            f"--data-time {value!r} is not an ISO 8601 time with its offset; "
            "write it like 2026-03-10T08:00:00+01:00 or 2026-03-10T07:00:00Z.",
            fr=f"--data-time {value!r} n'est pas une heure ISO 8601 avec son décalage ; "
            "écrivez-la comme 2026-03-10T08:00:00+01:00 ou 2026-03-10T07:00:00Z.",
        )
    if moment > datetime.now(UTC):
        raise UserError(
            f"--data-time {value!r} is in the future; give the time the export was taken.",
            fr=f"--data-time {value!r} est dans le futur ; donnez l'heure à laquelle l'export a été fait.",
        )
    return moment.astimezone(UTC)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"--since {value!r} is not an ISO 8601 time; write it like 2026-03-10T08:00:00Z.",
            fr=f"--since {value!r} n'est pas une heure ISO 8601 ; écrivez-la comme 2026-03-10T08:00:00Z.",
        ) from None
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment


def _password(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError:
        raise UserError(
            f"Cannot read the password file {path}; check its path and permissions.",
            fr=f"Impossible de lire le fichier de mot de passe {path} ; vérifiez son chemin et ses permissions.",
        ) from None


@snapshot_app.command("export")
def export_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to write the NDJSON files into.")],
    store_path: StoreOption,
    lang: LangOption = "en",
) -> None:
    """Write the continuity store as FHIR R4 bulk data (one NDJSON file per resource type)."""
    language = parse_lang(lang)
    if not store_path.is_file():
        raise UserError(
            f"There is no continuity store at {store_path}; check the path.",
            fr=f"Il n'y a pas de base de continuité à {store_path} ; vérifiez le chemin.",
        )
    if folder.exists() and any(folder.glob("*.ndjson")):
        raise UserError(
            f"The folder {folder} already holds NDJSON files; give an empty or new folder.",
            fr=f"Le dossier {folder} contient déjà des fichiers NDJSON ; donnez un dossier vide ou nouveau.",
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot create the folder {folder} ({error.strerror}).",
            fr=f"Impossible de créer le dossier {folder} ({error.strerror}).",
        ) from None
    with ContinuityStore.open(store_path, readonly=True) as store:
        counts = export_store(store, folder)
    make_console().print(t("feed.exported", language, count=sum(counts.values()), folder=folder))


@snapshot_app.command("pull")
def pull_command(
    fhir: Annotated[str, typer.Option("--fhir", metavar="URL", help="Base URL of the FHIR R4 server.")],
    store_path: StoreOption,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="T",
            help="Bearer token (default: $BASCULE_FHIR_TOKEN, kept off the "
            "command line where other users can see it).",
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", metavar="U", help="User for basic authentication.")
    ] = None,
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", metavar="F", help="File holding the basic-auth password."),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="ISO",
            help="Only what changed after this time (default: "
            "the store's newest data from this server; a new store gets everything).",
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="S", help="Seconds to wait for each answer.")
    ] = 30.0,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Pull everything, and remove what this server no longer has (not HL7's)."
        ),
    ] = False,
    retries: Annotated[
        int, typer.Option("--retries", metavar="N", help="Retries on 429, 5xx and timeouts.")
    ] = 5,
    count: Annotated[
        int, typer.Option("--count", metavar="N", help="Resources asked per page (_count).")
    ] = 1000,
    map_path: MapSettingsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = "en",
) -> None:
    """Refresh the continuity store from a FHIR R4 server; a failed pull leaves the store unchanged."""
    language = parse_lang(lang)
    settings = map_settings(map_path)
    if token is None and user is None:
        token = environment().get("BASCULE_FHIR_TOKEN") or None
    if (user is None) != (password_file is None):
        raise UserError(
            "Give both --user and --password-file for basic authentication, or neither.",
            fr="Donnez à la fois --user et --password-file pour l'authentification basique, ou aucun des deux.",
        )
    if full and since is not None:
        raise UserError(
            "Give either --full or --since, not both.", fr="Donnez --full ou --since, pas les deux."
        )
    if retries < 0 or count < 1:
        raise UserError(
            "--retries must be 0 or more and --count 1 or more.",
            fr="--retries doit valoir 0 ou plus et --count 1 ou plus.",
        )
    if token is not None and user is not None:
        raise UserError(
            "Give either --token or --user/--password-file, not both.",
            fr="Donnez --token ou --user/--password-file, pas les deux.",
        )
    if not store_path.parent.is_dir():
        raise UserError(
            f"The folder {store_path.parent} does not exist; create it first.",
            fr=f"Le dossier {store_path.parent} n'existe pas ; créez-le d'abord.",
        )
    password = _password(password_file)
    since_time = _since(since)
    source = HttpFhirSource(
        fhir,
        token=token,
        basic=(user, password) if user and password is not None else None,
        timeout=timeout,
        page_size=count,
        retry=RetryPolicy(attempts=retries + 1),
    )
    console = make_console()
    try:
        if since_time is None and not full:
            since_time = incremental_since(store_path, source)
        with Progress(
            TextColumn("{task.description:<26}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=make_console(stderr=True),
            transient=True,
            disable=as_json,
        ) as progress:
            tasks: dict[str, TaskID] = {}

            def on_page(resource_type: str, seen: int, total: int | None) -> None:
                if resource_type not in tasks:
                    tasks[resource_type] = progress.add_task(resource_type, total=total)
                progress.update(
                    tasks[resource_type], completed=seen, total=total if total is not None else seen
                )

            report = pull(
                source, store_path, since=since_time, on_page=on_page, reconcile=full, settings=settings
            )
    finally:
        source.close()
    if as_json:
        print_json(report, store_path)
        return
    removed = sum(report.written.removed.values())
    if removed:
        console.print(t("feed.removed", language, count=removed))
    if report.not_served:
        console.print(t("feed.not_served", language, types=", ".join(report.not_served)), style="yellow")
    summary = t(
        "feed.pulled",
        language,
        kept=report.kept,
        source=report.source,
        store=store_path,
        rejected=report.rejected,
        seconds=report.seconds,
    )
    print_refresh(report, store_path, summary, console, language)


def print_json(report: ImportReport | PullReport, store_path: Path) -> None:
    """The --json document, with how many patients the store now leaves in no care unit."""
    document = report_document(report)
    with ContinuityStore.open(store_path, readonly=True) as store:
        document["not_placed"] = len(store.unplaced_stay_ids())
        document["stays_without_patient"] = len(store.stays_without_patient())
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


def print_refresh(
    report: ImportReport | PullReport,
    store_path: Path,
    summary: str,
    console: Console,
    language: Lang,
    import_hint: bool = False,
) -> None:
    """What a person reads after an import or a pull: rejects and doubts, what changed, the time of
    the data, the one-line summary, its age, and the patients placed in no unit."""
    print_notes(report.rejects, report.rejected, console, language)
    print_notes(report.warnings, report.warned, console, language, doubts=True)
    with ContinuityStore.open(store_path, readonly=True) as store:
        print_outcome(
            skipped=report.skipped,
            written=report.written,
            data_time=report.data_time,
            data_time_from=report.data_time_from,
            store_data_time=report.store_data_time,
            zone=store.timezone,
            console=console,
            lang=language,
            import_hint=import_hint,
        )
        console.print(summary)
        print_data_age(store, console, language)
    report_unplaced(store_path, console, language)


@snapshot_app.command("listen")
def listen_command(
    port: Annotated[int, typer.Option("--port", metavar="N", help="TCP port to listen on (MLLP).")],
    store_path: StoreOption,
    host: Annotated[str, typer.Option("--host", metavar="ADDR", help="Address to listen on.")] = "127.0.0.1",
    map_path: MapSettingsOption = None,
    lang: LangOption = "en",
) -> None:
    """Take the HL7 v2 live feed (ADT A01-A04/A08, ORU^R01 over MLLP) into the store until stopped."""
    language = parse_lang(lang)
    settings = map_settings(map_path)
    if not 0 <= port <= 65535:
        raise UserError(
            f"--port {port} is not a TCP port; give a number from 1 to 65535.",
            fr=f"--port {port} n'est pas un port TCP ; donnez un nombre de 1 à 65535.",
        )
    if not store_path.parent.is_dir():
        raise UserError(
            f"The folder {store_path.parent} does not exist; create it first.",
            fr=f"Le dossier {store_path.parent} n'existe pas ; créez-le d'abord.",
        )
    console = make_console()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    feed_log = logging.getLogger("bascule.hl7")
    feed_log.addHandler(handler)
    feed_log.setLevel(logging.INFO)
    with ContinuityStore.open(store_path) as store:
        listener = Hl7Listener(store, settings=settings)

        async def run() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signal_number in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signal_number, stop.set)

            def ready(bound: int) -> None:
                console.print(t("feed.listening", language, host=host, port=bound))

            try:
                await listener.serve(host, port, stop, ready)
            except OSError as error:
                raise UserError(
                    f"Cannot listen on {host}:{port} ({error.strerror}); choose another port.",
                    fr=f"Impossible d'écouter sur {host}:{port} ({error.strerror}) ; choisissez un autre port.",
                ) from None

        try:
            asyncio.run(run())
        finally:
            feed_log.removeHandler(handler)
    console.print(t("feed.listen_done", language, accepted=listener.accepted, refused=listener.refused))


def register(app: typer.Typer) -> None:
    """The commands are attached to the shared `snapshot` group when this module is imported."""
