"""`bascule synth`: the synthetic hospital, as FHIR bulk NDJSON or straight into a continuity store."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.snapshot_feed import print_census_summary
from bascule.clinical.settings import HospitalSettings, settings_of
from bascule.errors import UserError
from bascule.i18n import Lang, parse_lang, t
from bascule.snapshot.store import ContinuityStore
from bascule.sources.bulk import write_ndjson
from bascule.sources.synthetic.hospital import SyntheticHospital, generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units

DEMO_SEED = 42

i18n.register(
    "synth",
    {
        "made": {
            "fr": "Hôpital synthétique (graine {seed}) : {inpatients} patients hospitalisés "
            "dans {units} unités, "
            "{resources} ressources écrites dans {target} en {seconds:.1f} s.",
            "en": "Synthetic hospital (seed {seed}): {inpatients} inpatients in {units} units, "
            "{resources} resources written to {target} in {seconds:.1f} s.",
        },
        "building": {
            "fr": "Construction de l'hôpital synthétique…",
            "en": "Building the synthetic hospital…",
        },
        "demo_store": {
            "fr": "Magasin de continuité de l'hôpital synthétique : {path}",
            "en": "Continuity store of the synthetic hospital: {path}",
        },
    },
)


def _anchor(at: str | None) -> datetime:
    if at is None:
        return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        raise UserError(
            f"--at {at!r} is not an ISO 8601 time; write it like 2026-03-10T08:00:00Z.",
            fr=f"--at {at!r} n'est pas une heure ISO 8601 ; écrivez-la comme 2026-03-10T08:00:00Z.",
        ) from None
    if moment.utcoffset() is None:
        raise UserError(
            f"--at {at!r} has no time zone; add Z or an offset such as +01:00.",
            fr=f"--at {at!r} n'a pas de fuseau horaire ; ajoutez Z ou un décalage comme +01:00.",
        )
    return moment


def build(seed: int, lang: Lang, map_path: str, at: datetime) -> tuple[SyntheticHospital, int]:
    """The hospital, and the number of care units it fills."""
    units = map_units(map_path)
    return generate(seed, lang, units, at), len(units)


def _hospital_facts(map_path: str) -> tuple[str, HospitalSettings | None]:
    """The map's hospital id and reading settings (time zone, MRN systems, unit locations)."""
    try:
        from bascule.hospital.loading import load_map

        hospital_map = load_map(map_path)
    except Exception:  # a map without a usable hospital section still gets a synthetic store
        return "synthetic", None
    return hospital_map.hospital.id, settings_of(hospital_map)


def synth(
    seed: Annotated[
        int, typer.Option("--seed", help="Seed: the same seed gives the same hospital.")
    ] = DEMO_SEED,
    lang: Annotated[
        str, typer.Option("--lang", metavar="fr|en", help="French or English names and labels.")
    ] = "fr",
    store: Annotated[
        Path | None, typer.Option("--store", metavar="FILE", help="Write into this store.")
    ] = None,
    ndjson: Annotated[
        Path | None, typer.Option("--ndjson", metavar="DIR", help="Write FHIR NDJSON here.")
    ] = None,
    map_path: Annotated[
        str, typer.Option("--map", metavar="MAP", help="Take care units from this map.")
    ] = "demo",
    at: Annotated[
        str | None, typer.Option("--at", metavar="ISO", help="Time the data is seen at (default: this hour).")
    ] = None,
) -> None:
    """Make the synthetic hospital: fictional patients in the map's beds, with what downtime needs."""
    language = parse_lang(lang)
    if (store is None) == (ndjson is None):
        raise UserError(
            "Give exactly one of --store FILE or --ndjson DIR.",
            fr="Donnez exactement un de --store FICHIER ou --ndjson DOSSIER.",
        )
    anchor = _anchor(at)
    if store is not None and not store.parent.is_dir():
        raise UserError(
            f"The folder {store.parent} does not exist; create it first.",
            fr=f"Le dossier {store.parent} n'existe pas ; créez-le d'abord.",
        )
    console = make_console()
    started = time.perf_counter()
    with make_console(stderr=True).status(t("synth.building", language)):
        hospital, unit_count = build(seed, language, map_path, anchor)
        if store is not None:
            store_hospital(hospital, store, *_hospital_facts(map_path))
        else:
            assert ndjson is not None
            write_ndjson(hospital.resources, ndjson)
    counts = hospital.counts()
    console.print(
        t(
            "synth.made",
            language,
            seed=seed,
            inpatients=counts["Encounter"],
            units=unit_count,
            resources=sum(counts.values()),
            target=store or ndjson,
            seconds=time.perf_counter() - started,
        )
    )


def demo_part(out_dir: Path, lang: Lang, console: Console) -> Path:
    """Build the demo's synthetic hospital (seed 42) in out_dir/store.sqlite and print its census."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "store.sqlite"
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    hospital, _units = build(DEMO_SEED, lang, "demo", datetime.now(UTC).replace(microsecond=0))
    store_hospital(hospital, path, *_hospital_facts("demo"))
    console.print(t("synth.demo_store", lang, path=path))
    with ContinuityStore.open(path, readonly=True) as opened:
        print_census_summary(opened, console, lang)
    return path


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
