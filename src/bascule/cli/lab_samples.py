"""`bascule lab collect|scan|run|result|confirm|late|samples|results|labels|manifest`: samples tracked on paper and
barcode and results without the laboratory system (issue 19). A USB barcode scanner types a code
and Enter: `lab scan` without codes reads one per line from stdin and answers each line."""

from __future__ import annotations

import json
import sys
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from bascule.cli.context import make_console
from bascule.cli.lab import lab_app
from bascule.cli.options import (
    DownOption,
    IsolateOption,
    LangOption,
    ScenarioOption,
    StoreOption,
    SupplierOption,
    acting,
    map_and_scenario,
    map_lang,
    output_lang,
)
from bascule.errors import UserError
from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import label_of
from bascule.i18n import Lang, t
from bascule.i18n import register as register_messages
from bascule.impact import assess
from bascule.laboratory.menu import reduced_menu
from bascule.laboratory.samples import log
from bascule.laboratory.samples.labels import write_manifest, write_sample_labels
from bascule.laboratory.samples.sample import Sample, state_fr
from bascule.laboratory.texts import flag_name, priority_name

register_messages(
    "lab_samples",
    {
        "collected": {
            "fr": "{number} : {test} prélevé ({priority}), unité {unit}.",
            "en": "{number}: {test} collected ({priority}), unit {unit}.",
        },
        "run_started": {
            "fr": "Navette {run} vers {destination} ouverte.",
            "en": "Run {run} to {destination} open.",
        },
        "run_added": {
            "fr": "{count} échantillon(s) dans la navette {run}.",
            "en": "{count} sample(s) in run {run}.",
        },
        "run_departed": {"fr": "Navette {run} partie.", "en": "Run {run} departed."},
        "run_received": {
            "fr": "Navette {run} reçue : {arrived} arrivé(s), {missing} manquant(s).",
            "en": "Run {run} received: {arrived} arrived, {missing} missing.",
        },
        "missing": {"fr": "Manquant au transport : {number}", "en": "Missing in transport: {number}"},
        "result": {"fr": "{number} : résultat saisi ({flag}).", "en": "{number}: result entered ({flag})."},
        "held": {
            "fr": "{number} : valeur critique retenue jusqu'à confirmation par une deuxième personne.",
            "en": "{number}: critical value held until a second person confirms it.",
        },
        "amended": {"fr": "{number} : résultat corrigé.", "en": "{number}: result amended."},
        "confirmed": {
            "fr": "{number} : valeur critique confirmée, visible des services.",
            "en": "{number}: critical value confirmed, visible to the wards.",
        },
        "late": {
            "fr": "{count} échantillon(s) sans résultat après {hours} h ; {missing} manquant(s) au transport.",
            "en": "{count} sample(s) without a result after {hours} h; {missing} missing in transport.",
        },
        "none": {"fr": "Aucun échantillon.", "en": "No sample."},
        "awaiting": {
            "fr": "{count} valeur(s) critique(s) en attente de confirmation par une deuxième personne.",
            "en": "{count} critical value(s) awaiting a second person's confirmation.",
        },
        "no_result": {"fr": "Aucun résultat.", "en": "No result."},
        "written": {"fr": "{path} écrit ({pages} page(s)).", "en": "{path} written ({pages} page(s))."},
    },
)

MapOption = Annotated[
    str, typer.Option("--map", metavar="MAP", help="The hospital map ('demo': the embedded one).")
]
AsOption = Annotated[
    str | None, typer.Option("--as", metavar="NAME", help="Who does it (default: the login).")
]
WhenOption = Annotated[
    str | None,
    typer.Option(
        "--when", metavar="TIME", help="When it happened (ISO 8601; default: now), for paper entered late."
    ),
]
CodesArgument = Annotated[
    list[str] | None, typer.Argument(metavar="CODE...", help="Sample numbers (scanned).")
]


def moment(value: str | None) -> datetime:
    if value is None:
        return datetime.now().astimezone()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"{value!r} is not a time written like 2026-12-06T08:30+01:00.",
            fr=f"{value!r} n'est pas une heure écrite comme 2026-12-06T08:30+01:00.",
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def _codes(given: list[str] | None) -> list[str]:
    """The codes on the command line, else one per line from stdin (a USB scanner types into it)."""
    return given if given else [line.strip() for line in sys.stdin if line.strip()]


def _state(state: str, lang: Lang) -> str:
    return state_fr(state) if lang == "fr" else state


@lab_app.command("collect")
def collect_command(
    store: StoreOption,
    patient: Annotated[
        str, typer.Option("--patient", metavar="REF", help="The patient's MRN or downtime number.")
    ],
    test: Annotated[str, typer.Option("--test", metavar="ID", help="The test, as the map names it.")],
    unit: Annotated[str, typer.Option("--unit", metavar="UNIT", help="The care unit that collected it.")],
    priority: Annotated[
        str | None, typer.Option("--priority", metavar="critical|urgent|routine", help="Default: the test's.")
    ] = None,
    map_path: MapOption = "demo",
    down: DownOption = None,
    isolate: IsolateOption = None,
    supplier: SupplierOption = None,
    scenario: ScenarioOption = None,
    by: AsOption = None,
    when: WhenOption = None,
    lang: LangOption = None,
) -> None:
    """Record a sample collected, if the laboratory's menu takes it; print its number."""
    hospital_map, chosen = map_and_scenario(map_path, scenario, down, isolate, supplier)
    language = output_lang(lang, hospital_map)
    menu = reduced_menu(hospital_map, assess(hospital_map, chosen.hits))
    sample = log.collect(
        store,
        hospital_map,
        menu,
        patient=patient,
        test_id=test,
        unit=unit,
        by=acting(by),
        at=moment(when),
        priority=priority,
    )
    typer.echo(
        t(
            "lab_samples.collected",
            language,
            number=sample.number,
            test=sample.test,
            priority=priority_name(sample.priority, language),
            unit=sample.unit,
        )
    )


@lab_app.command("scan")
def scan_command(
    store: StoreOption,
    step: Annotated[str, typer.Option("--step", metavar="sent|received|rejected", help="The step scanned.")],
    place: Annotated[
        str, typer.Option("--at", metavar="PLACE", help="Where: the unit, the lab or a partner lab.")
    ],
    codes: CodesArgument = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why a sample is rejected.")] = None,
    by: AsOption = None,
    when: WhenOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Scan samples at a step; without CODE, one code per line from stdin (a barcode scanner)."""
    language = map_lang(lang, map_path)
    read = _codes(codes)
    answers = log.scan(store, read, step, actor=acting(by), place=place, at=moment(when), reason=reason)
    for answer in answers:
        text = answer.french if language == "fr" else answer.message
        typer.echo(text, err=not answer.ok)
    if any(not answer.ok for answer in answers):
        raise typer.Exit(2)


run_app = typer.Typer(help="Transport runs to mutual-aid laboratories.", no_args_is_help=True)
lab_app.add_typer(run_app, name="run")


@run_app.command("start")
def run_start_command(
    store: StoreOption,
    destination: Annotated[str, typer.Argument(metavar="FACILITY", help="The laboratory the run goes to.")],
    map_path: MapOption = "demo",
    by: AsOption = None,
    when: WhenOption = None,
    lang: LangOption = None,
) -> None:
    """Open a run to a partner laboratory."""
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    run = log.start_run(store, hospital_map, destination, by=acting(by), at=moment(when))
    typer.echo(t("lab_samples.run_started", language, run=run.id, destination=run.destination))


@run_app.command("add")
def run_add_command(
    store: StoreOption,
    run: Annotated[str, typer.Argument(metavar="RUN")],
    codes: CodesArgument = None,
    by: AsOption = None,
    when: WhenOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Scan samples into an open run (they become sent); without CODE, read stdin."""
    language = map_lang(lang, map_path)
    read = _codes(codes)
    added = log.add_to_run(store, run, read, actor=acting(by), at=moment(when))
    typer.echo(t("lab_samples.run_added", language, count=len(added), run=run.upper()))


@run_app.command("depart")
def run_depart_command(
    store: StoreOption,
    run: Annotated[str, typer.Argument(metavar="RUN")],
    when: WhenOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """The run leaves: no more samples can be added."""
    departed = log.depart(store, run, at=moment(when))
    typer.echo(t("lab_samples.run_departed", map_lang(lang, map_path), run=departed.id))


@run_app.command("receive")
def run_receive_command(
    store: StoreOption,
    run: Annotated[str, typer.Argument(metavar="RUN")],
    codes: CodesArgument = None,
    by: AsOption = None,
    when: WhenOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """The run arrives: the samples scanned on arrival are received, the others missing."""
    language = map_lang(lang, map_path)
    read = _codes(codes)
    arrived, missing = log.receive_run(store, run, read, actor=acting(by), at=moment(when))
    typer.echo(
        t("lab_samples.run_received", language, run=run.upper(), arrived=len(arrived), missing=len(missing))
    )
    for sample in missing:
        typer.echo(t("lab_samples.missing", language, number=sample.number))


@lab_app.command("result")
def result_command(
    store: StoreOption,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The sample number.")],
    value: Annotated[str, typer.Option("--value", help="The value.")],
    flag: Annotated[str, typer.Option("--flag", metavar="normal|abnormal|critical")],
    unit: Annotated[str, typer.Option("--unit", help="The value's unit.")] = "",
    phone: Annotated[bool, typer.Option("--phone", help="Taken by phone from a partner lab.")] = False,
    read_back: Annotated[
        bool, typer.Option("--read-back", help="Read back to the caller and agreed.")
    ] = False,
    amend: Annotated[bool, typer.Option("--amend", help="Correct a result already entered.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is corrected.")] = None,
    by: AsOption = None,
    when: WhenOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Enter a sample's result once (or correct it with --amend and --reason)."""
    language = map_lang(lang, map_path)
    if amend:
        amended = log.amend_result(
            store,
            code,
            value=value,
            unit=unit,
            flag=flag,
            reason=reason or "",
            by=acting(by),
            at=moment(when),
        )
        typer.echo(t("lab_samples.amended", language, number=amended.sample))
        result = amended
    else:
        result = log.enter_result(
            store,
            code,
            value=value,
            unit=unit,
            flag=flag,
            by=acting(by),
            at=moment(when),
            channel="phone" if phone else "lab",
            read_back=read_back,
        )
        typer.echo(
            t("lab_samples.result", language, number=result.sample, flag=flag_name(result.flag, language))
        )
    if not result.released:
        typer.echo(t("lab_samples.held", language, number=result.sample))


@lab_app.command("confirm")
def confirm_command(
    store: StoreOption,
    code: Annotated[str, typer.Argument(metavar="CODE", help="The sample number.")],
    by: AsOption = None,
    when: WhenOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Confirm a critical value as the second person: it is released to the wards."""
    confirmed = log.confirm_result(store, code, by=acting(by), at=moment(when))
    typer.echo(t("lab_samples.confirmed", map_lang(lang, map_path), number=confirmed.sample))


def _sample_json(sample: Sample) -> dict[str, object]:
    return {
        "number": sample.number,
        "patient": sample.patient,
        "test": sample.test,
        "priority": sample.priority,
        "unit": sample.unit,
        "collected_at": sample.collected_at.isoformat(),
        "state": sample.state,
        "lab": sample.lab,
        "run": sample.run,
        "reason": sample.reason,
    }


@lab_app.command("late")
def late_command(
    store: StoreOption,
    map_path: MapOption = "demo",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    when: WhenOption = None,
    lang: LangOption = None,
) -> None:
    """The samples without a result after the map's late_after_hours, and those lost in transport."""
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    late = log.late_samples(store, hospital_map, moment(when))
    missing = log.lost_in_transport(store)
    hours = hospital_map.laboratory.late_after_hours
    if as_json:
        document = {
            "late_after_hours": hours,
            "late": [_sample_json(s) for s in late],
            "missing_in_transport": [_sample_json(s) for s in missing],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    typer.echo(t("lab_samples.late", language, count=len(late), hours=f"{hours:g}", missing=len(missing)))
    for sample in late:
        typer.echo(f"  {sample.number}  {sample.test}  {_state(sample.state, language)}  {sample.unit}")
    for sample in missing:
        typer.echo(t("lab_samples.missing", language, number=sample.number))


@lab_app.command("samples")
def samples_command(
    store: StoreOption,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Every sample of the log and its state."""
    language = map_lang(lang, map_path)
    found = log.all_samples(store)
    if as_json:
        typer.echo(json.dumps({"samples": [_sample_json(s) for s in found]}, ensure_ascii=False, indent=2))
        return
    if not found:
        typer.echo(t("lab_samples.none", language))
        return
    console = make_console()
    for sample in found:
        console.print(
            f"{sample.number}  {sample.test}  {priority_name(sample.priority, language)}  "
            f"{_state(sample.state, language)}  {sample.unit}"
        )


@lab_app.command("results")
def results_command(
    store: StoreOption,
    patient: Annotated[
        str, typer.Option("--patient", metavar="REF", help="The patient's MRN or downtime number.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """What a ward sees of a patient's results: released values; critical ones only once confirmed."""
    language = map_lang(lang, map_path)
    view = log.results_for_patient(store, patient)
    rows = [
        {
            "sample": r.sample,
            "test": r.test,
            "value": r.current_value,
            "unit": r.current_unit,
            "flag": r.current_flag,
            "entered_at": r.entered_at.isoformat(),
            "amended": bool(r.amendments),
        }
        for r in view.released
    ]
    if as_json:
        document = {"results": rows, "awaiting_confirmation": view.awaiting_confirmation}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    for row in rows:
        typer.echo(
            f"{row['sample']}  {row['test']}  {row['value']} {row['unit']}  {flag_name(str(row['flag']), language)}"
        )
    if view.awaiting_confirmation:
        typer.echo(t("lab_samples.awaiting", language, count=view.awaiting_confirmation))
    elif not rows:
        typer.echo(t("lab_samples.no_result", language))


OutOption = Annotated[Path, typer.Option("--out", metavar="FILE", help="The PDF to write.")]


def hospital_zone(hospital_map: HospitalMap) -> tzinfo | None:
    return ZoneInfo(hospital_map.hospital.timezone) if hospital_map.hospital.timezone else None


def test_names(hospital_map: HospitalMap) -> dict[str, str]:
    return {test.id: test.name for test in hospital_map.laboratory.tests if test.name}


@lab_app.command("labels")
def labels_command(
    store: StoreOption,
    out: OutOption,
    codes: CodesArgument = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Print the labels of samples (number and barcode, patient reference, test, time, unit)."""
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    found = log.samples_by_number(store, codes or [])
    if not found:
        raise UserError("Name the samples to label.", fr="Indiquez les échantillons à étiqueter.")
    pages = write_sample_labels(found, test_names(hospital_map), out, language, hospital_zone(hospital_map))
    typer.echo(t("lab_samples.written", language, path=out, pages=pages))


@lab_app.command("manifest")
def manifest_command(
    store: StoreOption,
    run: Annotated[str, typer.Argument(metavar="RUN")],
    out: OutOption,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Print a run's manifest: destination, departure, its samples (no names), signature lines."""
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    value, aboard = log.run_and_samples(store, run)
    destination = label_of(hospital_map, value.destination)
    pages = write_manifest(
        value, aboard, test_names(hospital_map), destination, out, language, hospital_zone(hospital_map)
    )
    typer.echo(t("lab_samples.written", language, path=out, pages=pages))


def register(app: typer.Typer) -> None:
    """The commands join `lab_app` when this module is imported."""
