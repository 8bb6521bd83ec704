"""`bascule kits`: print the paper kits of care units from a continuity store or a sealed bundle."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bascule.cli.context import make_console
from bascule.cli.options import PassphraseFileOption, PubkeyOption, output_lang
from bascule.durations import parse_duration
from bascule.errors import UserError
from bascule.hospital.loading import DEMO, load_map
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.kits.assemble import KitFile
from bascule.kits.batch import DEFAULT_WORKERS, KitRun, print_kits
from bascule.kits.frame import PAPERS, Paper
from bascule.kits.source import store_from_bundle, store_from_file
from bascule.snapshot.keys import read_passphrase
from bascule.snapshot.store import ContinuityStore, peek_meta
from bascule.station.reading import trusted_bundle

DEMO_UNITS = ("urgences", "reanimation")


def _source(
    store: Path | None,
    bundle: Path | None,
    identity: Path | None,
    pubkey: Path | None,
    passphrase_file: Path | None,
) -> contextlib.AbstractContextManager[Path]:
    if (store is None) == (bundle is None):
        raise UserError(
            "Give exactly one of --store FILE or --bundle BUNDLE (with --pubkey PUB, or a station folder).",
            fr="Donnez exactement un de --store FICHIER ou --bundle PAQUET (avec --pubkey PUB, ou un dossier de poste).",
        )
    if store is not None:
        if identity is not None or pubkey is not None:
            raise UserError(
                "--identity and --pubkey go with --bundle, not with --store.",
                fr="--identity et --pubkey vont avec --bundle, pas avec --store.",
            )
        return store_from_file(store)
    assert bundle is not None
    trusted = trusted_bundle(bundle, pubkey)  # refused without --pubkey or a station folder
    identity_file = identity or trusted.identity
    if identity_file is None:
        raise UserError(
            f"Opening the bundle {bundle} needs its age identity: add --identity KEY.",
            fr=f"Ouvrir le paquet {bundle} demande son identité age : ajoutez --identity CLÉ.",
        )
    passphrase = read_passphrase(passphrase_file) if passphrase_file else None
    return store_from_bundle(trusted.verified, identity_file, passphrase)


def _check_map(store: Path, hospital_map: HospitalMap, map_name: str) -> None:
    hospital = peek_meta(store).get("hospital_id", "")
    if hospital and hospital != hospital_map.hospital.id:
        raise UserError(
            f"The store is hospital {hospital!r} but the map {map_name} describes {hospital_map.hospital.id!r}; "
            "give that hospital's map with --map.",
            fr=f"La base est celle de l'hôpital {hospital!r} mais la carte {map_name} décrit {hospital_map.hospital.id!r} ; "
            "donnez la carte de cet hôpital avec --map.",
        )


@contextlib.contextmanager
def _progress(lang: Lang) -> Iterator[Progress]:
    progress = Progress(
        TextColumn(t("kits.writing", lang)),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=make_console(stderr=True),
        transient=True,
    )
    with progress:
        yield progress


def kits_command(
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder for the PDFs (one per unit).")],
    store: Annotated[
        Path | None, typer.Option("--store", metavar="FILE", help="The continuity store.")
    ] = None,
    bundle: Annotated[
        Path | None,
        typer.Option(
            "--bundle",
            metavar="BUNDLE|DIR",
            help="A sealed snapshot (.tar.age, its folder or `current` pointer), or a station folder.",
        ),
    ] = None,
    identity: Annotated[
        Path | None, typer.Option("--identity", metavar="KEY", help="age identity that opens the bundle.")
    ] = None,
    pubkey: PubkeyOption = None,
    passphrase_file: PassphraseFileOption = None,
    unit: Annotated[
        list[str] | None, typer.Option("--unit", metavar="UNIT", help="A care unit id (repeatable).")
    ] = None,
    all_units: Annotated[bool, typer.Option("--all", help="Every care unit of the store.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the kits.")] = None,
    paper: Annotated[str, typer.Option("--paper", metavar="a4|letter", help="Paper size.")] = "a4",
    map_path: Annotated[
        str, typer.Option("--map", metavar="MAP", help="The hospital map (procedures per unit).")
    ] = DEMO,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=16, help="Parallel processes.")
    ] = DEFAULT_WORKERS,
    max_age: Annotated[
        str,
        typer.Option(
            "--max-age", metavar="DURATION", help="Older data is printed marked STALE on every page."
        ),
    ] = "2h",
) -> None:
    """Print paper kits: cover, census, patient sheets with medication chart, blank forms, procedures."""
    if bool(unit) == all_units:
        raise UserError(
            "Give the care units to print with --unit UNIT (repeatable), or --all.",
            fr="Donnez les unités de soins à imprimer avec --unit UNITÉ (répétable), ou --all.",
        )
    if paper not in PAPERS:
        raise UserError(
            f"Unknown paper size {paper!r}; use a4 or letter.",
            fr=f"Format de papier inconnu {paper!r} ; utilisez a4 ou letter.",
        )
    threshold = parse_duration(max_age, "--max-age")
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot create the folder {out}: {error.strerror or error}.",
            fr=f"Impossible de créer le dossier {out} : {error.strerror or error}.",
        ) from None
    with _source(store, bundle, identity, pubkey, passphrase_file) as store_path:
        _check_map(store_path, hospital_map, map_path)
        chosen = None if all_units else list(unit or ())
        run = _print(store_path, hospital_map, chosen, out, language, cast(Paper, paper), workers, threshold)
    console = make_console()
    console.print(run.summary(language, out))
    console.print(run.freshness(language), style="bold red" if run.stale else None)


def _print(
    store_path: Path,
    hospital_map: HospitalMap,
    units: list[str] | None,
    out: Path,
    lang: Lang,
    paper: Paper,
    workers: int,
    max_age: timedelta,
) -> KitRun:
    if units is None:
        with ContinuityStore.open(store_path, readonly=True) as store:
            total = len(store.units())
    else:
        total = len(units)
    with _progress(lang) as progress:
        task = progress.add_task("kits", total=total)

        def advance(_kit: KitFile) -> None:
            progress.advance(task)

        return print_kits(
            store_path,
            hospital_map,
            units,
            out,
            lang,
            paper,
            workers=workers,
            on_kit=advance,
            max_age=max_age,
        )


def demo_part(store_path: Path, out_dir: Path, lang: Lang, console: Console) -> None:
    """`bascule demo`: the paper kits of the emergency and intensive care units, in out_dir/kits."""
    hospital_map = load_map(DEMO)
    target = out_dir / "kits"
    with store_from_file(store_path) as readable:
        run = print_kits(readable, hospital_map, list(DEMO_UNITS), target, lang, "a4")
    console.print(run.summary(lang, target))
    for kit in run.files:
        console.print(f"  {kit.path} ({kit.pages} p.)")


def register(app: typer.Typer) -> None:
    app.command("kits")(kits_command)
