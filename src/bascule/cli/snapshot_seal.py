"""`bascule snapshot seal|verify|open|watch|status`: the sealed copy of the critical data.

Exit codes: 0 good; 2 usage; 3 tampered, wrong key or replayed; 4 stale (older than the threshold);
5 quarantined by the ransomware guard.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bascule.cli.context import make_console
from bascule.cli.options import PassphraseFileOption, PubkeyOption, output_lang
from bascule.cli.snapshot import snapshot_app
from bascule.durations import parse_duration
from bascule.errors import NotFoundError, UserError
from bascule.hospital.loading import load_map
from bascule.i18n import Lang, t
from bascule.snapshot.bundle import BreakGlass
from bascule.snapshot.folder import DEFAULT_KEEP, BundleFolder, SealingFolder
from bascule.snapshot.freshness import format_age, format_instant
from bascule.snapshot.guard import GuardPolicy, policy_from
from bascule.snapshot.keys import (
    load_identities,
    load_public_key,
    load_signing_key,
    new_key_set,
    parse_recipients,
    read_passphrase,
)
from bascule.snapshot.opening import open_bundle
from bascule.snapshot.seal_texts import quarantine_sentence, sealed_sentence
from bascule.snapshot.sealing import SealOutcome, SealRequest, seal
from bascule.snapshot.station import DEFAULT_MAX_AGE
from bascule.snapshot.verify import EXIT_QUARANTINED, EXIT_STALE, verify_bundle
from bascule.snapshot.watch import RunReport, WatchPlan, watch
from bascule.sources.fhir_pull import incremental_since, pull
from bascule.sources.fhir_source import FhirSource, HttpFhirSource, RetryPolicy
from bascule.station.reading import trusted_bundle
from bascule.station.state import is_station

LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]
ToOption = Annotated[
    list[str], typer.Option("--to", metavar="RECIPIENT|FILE", help="age recipient (age1...) or file of them.")
]
SignOption = Annotated[Path, typer.Option("--sign", metavar="KEY", help="minisign secret key (NAME.key).")]
OutOption = Annotated[Path, typer.Option("--out", metavar="DIR", help="The sealing folder.")]
PassphraseOption = Annotated[
    Path | None,
    typer.Option("--passphrase-file", metavar="F", help="Also seal for this break-glass passphrase."),
]
SignPassphraseOption = Annotated[
    Path | None, typer.Option("--sign-passphrase-file", metavar="F", help="Passphrase of the signing key.")
]
KeepOption = Annotated[int, typer.Option("--keep", min=1, help="How many bundles to keep.")]
MaxChangeOption = Annotated[
    float | None,
    typer.Option(
        "--max-change",
        min=0.0,
        max=1.0,
        help="Share of records (and of each table's) a refresh may change (default: the map's, or 0.3).",
    ),
]
GuardMapOption = Annotated[
    str | None,
    typer.Option("--map", metavar="MAP", help="The hospital map whose guard: section sets the thresholds."),
]
HospitalOption = Annotated[
    str | None, typer.Option("--hospital", metavar="ID", help="Hospital id, if the store does not name it.")
]
MaxGarbledOption = Annotated[
    float | None,
    typer.Option(
        "--max-garbled",
        min=0.0,
        max=1.0,
        help="Share of records that may look garbled (default: the map's, or 0.05).",
    ),
]


def _request(
    store: Path,
    to: list[str],
    sign: Path,
    out: Path,
    passphrase_file: Path | None,
    sign_passphrase_file: Path | None,
    keep: int,
    max_change: float | None,
    max_garbled: float | None,
    hospital: str | None,
    map_path: str | None,
) -> SealRequest:
    settings = load_map(map_path).guard if map_path is not None else None
    policy = policy_from(settings, max_change=max_change, max_garbled=max_garbled)
    recipients = tuple(parse_recipients(to))
    signing_passphrase = read_passphrase(sign_passphrase_file) if sign_passphrase_file else None
    breakglass = BreakGlass.from_passphrase(read_passphrase(passphrase_file)) if passphrase_file else None
    return SealRequest(
        store,
        recipients,
        load_signing_key(sign, signing_passphrase),
        out,
        breakglass,
        keep,
        policy,
        hospital,
    )


def _report_seal(outcome: SealOutcome, out: Path, lang: Lang, console: Console, seconds: float) -> None:
    if outcome.quarantined:
        last = SealingFolder(out).current()
        console.print(quarantine_sentence(outcome, last, lang), style="bold red")
        raise typer.Exit(EXIT_QUARANTINED)
    console.print(sealed_sentence(outcome, lang, seconds))


@snapshot_app.command("seal")
def seal_command(
    store: Annotated[Path, typer.Option("--store", metavar="FILE", help="The continuity store (SQLite).")],
    to: ToOption,
    sign: SignOption,
    out: OutOption,
    passphrase_file: PassphraseOption = None,
    sign_passphrase_file: SignPassphraseOption = None,
    keep: KeepOption = DEFAULT_KEEP,
    max_change: MaxChangeOption = None,
    max_garbled: MaxGarbledOption = None,
    map_path: GuardMapOption = None,
    hospital: HospitalOption = None,
    lang: LangOption = None,
) -> None:
    """Seal the store into a new encrypted, signed bundle (quarantined if it looks like an attack)."""
    language = output_lang(lang)
    request = _request(
        store,
        to,
        sign,
        out,
        passphrase_file,
        sign_passphrase_file,
        keep,
        max_change,
        max_garbled,
        hospital,
        map_path,
    )
    started = time.perf_counter()
    outcome = seal(request)
    _report_seal(outcome, out, language, make_console(), time.perf_counter() - started)


BundleArgument = Annotated[
    Path,
    typer.Argument(
        metavar="BUNDLE|DIR", help="A .tar.age file, its folder or `current` pointer, or a station folder."
    ),
]


@snapshot_app.command("verify")
def verify_command(
    bundle: BundleArgument,
    pubkey: PubkeyOption = None,
    max_age: Annotated[str | None, typer.Option("--max-age", metavar="DURATION", help="e.g. 2h.")] = None,
    state: Annotated[Path | None, typer.Option("--state", metavar="FILE", help="Sequences seen.")] = None,
    lang: LangOption = None,
) -> None:
    """Check signature, rollback and data age without opening (exit 0, 3 tampered, 4 stale, 5 quarantined)."""
    language = output_lang(lang)
    threshold = parse_duration(max_age, "--max-age") if max_age else None
    trusted = trusted_bundle(bundle, pubkey, state=state, max_age=threshold, strict=True)
    verified = trusted.verified
    make_console().print(
        t(
            "seal.verified",
            language,
            sequence=verified.seal.sequence,
            hospital=verified.seal.hospital,
            key_id=trusted.key_id,
            data_time=format_instant(verified.seal.data_time),
            age=format_age(verified.age),
        )
    )


@snapshot_app.command("open")
def open_command(
    bundle: BundleArgument,
    into: Annotated[Path, typer.Option("--into", metavar="DIR", help="Where to put store.sqlite.")],
    identity: Annotated[
        Path | None,
        typer.Option("--identity", metavar="KEY", help="age identity (NAME.age); a station knows its own."),
    ] = None,
    pubkey: PubkeyOption = None,
    passphrase_file: PassphraseFileOption = None,
    state: Annotated[Path | None, typer.Option("--state", metavar="FILE", help="Sequences seen.")] = None,
    lang: LangOption = None,
) -> None:
    """Verify (with --pubkey, or a station's pinned keys), decrypt, check the SHA-256, write store.sqlite."""
    language = output_lang(lang)
    trusted = trusted_bundle(bundle, pubkey, state=state)
    identity_file = identity or trusted.identity
    if identity_file is None:
        raise UserError(
            f"Opening {bundle} needs its age identity: add --identity KEY.",
            fr=f"Ouvrir {bundle} demande son identité age : ajoutez --identity CLÉ.",
        )
    passphrase = read_passphrase(passphrase_file) if passphrase_file else None
    identities = load_identities(identity_file, passphrase)
    opened = open_bundle(
        trusted.verified.archive,
        identities,
        into,
        identity_source=str(identity_file),
        verified=trusted.verified,
    )
    manifest = opened.manifest
    age = datetime.now(UTC) - manifest.data_time
    make_console().print(
        t(
            "seal.opened",
            language,
            sequence=manifest.sequence,
            hospital=manifest.hospital,
            path=opened.store,
            records=sum(manifest.counts.values()),
            data_time=format_instant(manifest.data_time),
            age=format_age(age),
            checked=t("seal.sig_checked", language),
        )
    )


@snapshot_app.command("status")
def status_command(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="A station, bundle or sealing folder.")],
    max_age: Annotated[str, typer.Option("--max-age", metavar="DURATION", help="Alarm threshold.")] = "2h",
    pubkey: PubkeyOption = None,
    lang: LangOption = None,
) -> None:
    """Say which bundle a station holds and how old its data is; alarm (exit 4) past the threshold."""
    language = output_lang(lang)
    threshold = parse_duration(max_age, "--max-age") if max_age else DEFAULT_MAX_AGE
    console = make_console()
    if not folder.is_dir():
        raise NotFoundError(
            f"The station folder {folder} does not exist.", fr=f"Le dossier de poste {folder} n'existe pas."
        )
    if not is_station(folder) and BundleFolder(folder).current() is None:
        console.print(t("seal.status_empty", language, folder=folder), style="bold red")
        raise typer.Exit(EXIT_STALE)
    verified = trusted_bundle(folder, pubkey).verified
    console.print(
        t(
            "seal.status_line",
            language,
            folder=folder,
            sequence=verified.seal.sequence,
            hospital=verified.seal.hospital,
            data_time=format_instant(verified.seal.data_time),
            age=format_age(verified.age),
            checked=t("seal.sig_checked", language),
        )
    )
    if verified.age > threshold:
        console.print(
            t(
                "seal.status_stale",
                language,
                folder=folder,
                age=format_age(verified.age),
                max_age=format_age(threshold),
            ),
            style="bold red",
        )
        raise typer.Exit(EXIT_STALE)


@snapshot_app.command("watch")
def watch_command(
    fhir: Annotated[str, typer.Option("--fhir", metavar="URL", help="FHIR R4 base URL to pull from.")],
    store: Annotated[Path, typer.Option("--store", metavar="FILE", help="The continuity store.")],
    to: ToOption,
    sign: SignOption,
    out: OutOption,
    every: Annotated[str, typer.Option("--every", metavar="DURATION", help="Period, e.g. 30s.")] = "30s",
    copy_to: Annotated[
        list[str] | None,
        typer.Option("--copy-to", metavar="STATION_DIR", help="Station folder (repeatable)."),
    ] = None,
    max_runs: Annotated[int | None, typer.Option("--max-runs", min=1, help="Stop after N runs.")] = None,
    passphrase_file: PassphraseOption = None,
    sign_passphrase_file: SignPassphraseOption = None,
    keep: KeepOption = DEFAULT_KEEP,
    max_change: MaxChangeOption = None,
    max_garbled: MaxGarbledOption = None,
    map_path: GuardMapOption = None,
    hospital: HospitalOption = None,
    lang: LangOption = None,
) -> None:
    """Pull, seal and copy to the station folders every period; keep the last good bundle on failure."""
    language = output_lang(lang)
    period = parse_duration(every, "--every")
    request = _request(
        store,
        to,
        sign,
        out,
        passphrase_file,
        sign_passphrase_file,
        keep,
        max_change,
        max_garbled,
        hospital,
        map_path,
    )
    plan = WatchPlan(request, tuple(Path(p) for p in copy_to or ()), period, max_runs)
    console = make_console()
    source = HttpFhirSource(fhir, retry=RetryPolicy(attempts=2))
    try:
        tally = watch(plan, fhir_refresh(source, store), lambda report: print_run(report, language, console))
    finally:
        source.close()
    if tally.sealed == 0 and tally.runs:
        raise typer.Exit(EXIT_QUARANTINED if tally.quarantined else EXIT_STALE)


def fhir_refresh(source: FhirSource, store: Path) -> Callable[[], None]:
    """One incremental pull from the FHIR source into the store (the data feed's `pull`)."""

    def refresh() -> None:
        pull(source, store, since=incremental_since(store, source))

    return refresh


def print_run(report: RunReport, lang: Lang, console: Console) -> None:
    last = report.last_good
    age = format_age(report.data_age) if report.data_age is not None else "?"
    if report.source_error is not None or report.seal_error is not None:
        console.print(
            t(
                "seal.watch_failed",
                lang,
                run=report.run,
                error=report.source_error or report.seal_error,
                sequence=last.sequence if last else "-",
                age=age,
            ),
            style="bold yellow",
        )
    elif report.outcome is not None and report.outcome.quarantined:
        console.print(quarantine_sentence(report.outcome, last, lang), style="bold red")
    elif report.outcome is not None:
        console.print(
            t(
                "seal.watch_sealed",
                lang,
                run=report.run,
                sequence=report.outcome.name.sequence,
                records=sum(report.outcome.manifest.counts.values()),
                age=age,
                stations=report.stations_copied,
            )
        )
    for station, error in report.station_errors:
        console.print(t("seal.watch_station_failed", lang, station=station, error=error), style="bold red")


def demo_part(store_path: Path, out_dir: Path, lang: Lang, console: Console) -> None:
    """`bascule demo`: make demo keys, seal the demo store, verify it, print one line."""
    keys_dir = out_dir / "keys"
    keys = new_key_set("demo", keys_dir) if not (keys_dir / "demo.key").exists() else None
    recipient = keys.recipient if keys else keys_dir / "demo.age.pub"
    # The demo regenerates its store at every run, so nearly every record changes from one run to
    # the next: the change test would quarantine a second run. Garbled records are still refused.
    request = SealRequest(
        store_path,
        tuple(parse_recipients([str(recipient)])),
        load_signing_key(keys_dir / "demo.key"),
        out_dir / "bundles",
        policy=GuardPolicy(max_change=1.0, max_shrink=1.0, anchor_change=1.0, anchor_shrink=1.0, floors={}),
    )
    started = time.perf_counter()
    outcome = seal(request)
    if outcome.quarantined:
        raise UserError(
            quarantine_sentence(outcome, None, "en"),
            exit_code=EXIT_QUARANTINED,
            fr=quarantine_sentence(outcome, None, "fr"),
        )
    verified = verify_bundle(outcome.archive, load_public_key(keys_dir / "demo.pub"))
    console.print(
        t(
            "seal.demo",
            lang,
            sequence=verified.seal.sequence,
            hospital=verified.seal.hospital,
            records=sum(outcome.manifest.counts.values()),
            mb=f"{outcome.archive_size / 1e6:.1f}",
            seconds=f"{time.perf_counter() - started:.1f}",
            path=outcome.archive,
        )
    )


def register(app: typer.Typer) -> None:
    """The commands are added to the shared `snapshot` group when this module is imported."""
