"""`bascule triage`: what to do with the scheduled activity while the IT is down, with counts.

Reads the continuity store's activities, assesses the map under the scenario, proposes for each
activity (maintain, postpone, cancel, divert) and prints the counts by day, unit and type. The
proposals can be written as JSON or CSV (ids only). Exceptions approved in the crisis cell are
read from its journal (`--data`/`--db` and `--incident`). The triage itself is the application
layer's pipeline (bascule.incident.triage), the one the crisis cell's board uses.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
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
from bascule.durable import PRIVATE, write_atomically
from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.incident import triage as pipeline
from bascule.incident.ports import IncidentStore
from bascule.incident.triage import TriageWindow, triage_window
from bascule.scenario import Scenario
from bascule.triage import DECISIONS, Approval, Proposal, by_day_unit_kind, tally
from bascule.triage.texts import count_sentence, decision_text, kind_text

i18n.register(
    "triage_cli",
    {
        "title_day": {"fr": "Par jour", "en": "By day"},
        "title_unit": {"fr": "Par unité", "en": "By unit"},
        "title_kind": {"fr": "Par type", "en": "By type"},
        "day": {"fr": "Jour", "en": "Day"},
        "unit": {"fr": "Unité", "en": "Unit"},
        "kind": {"fr": "Type", "en": "Type"},
        "total": {"fr": "Total", "en": "Total"},
        "summary": {
            "fr": "{count} activités du {first} au {last} : {sentence}.",
            "en": "{count} activities from {first} to {last}: {sentence}.",
        },
        "written": {"fr": "Propositions écrites dans {path}.", "en": "Proposals written to {path}."},
        "demo_sent": {
            "fr": "{messages} messages écrits dans {path} ({unreachable} patients sans contact utilisable, "
            "pour le centre d'appels) en {seconds:.1f} s.",
            "en": "{messages} messages written to {path} ({unreachable} patients with no usable contact, "
            "for the call centre) in {seconds:.1f} s.",
        },
    },
)

DEMO_CALL_CENTRE = "01 99 00 10 00"


# The run the CLI prints is the application layer's triage window (one pipeline with the web).
TriageRun = TriageWindow


def parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"--from {value!r} is not a date; write it like 2026-03-10.",
            fr=f"--from {value!r} n'est pas une date ; écrivez-la comme 2026-03-10.",
        ) from None


def run_triage(
    hospital_map: HospitalMap,
    scenario: Scenario,
    store_path: Path,
    first: str | None,
    days: int,
    approvals: Sequence[Approval] = (),
) -> TriageRun:
    from bascule.snapshot.store import ContinuityStore

    if days < 1:
        raise UserError("--days must be at least 1.", fr="--days doit valoir au moins 1.")
    day = parse_day(first)
    with ContinuityStore.open(store_path, readonly=True) as store:
        return triage_window(hospital_map, scenario, store, day, days, approvals)


def summary_sentence(run: TriageRun, lang: Lang) -> str:
    last = run.last_day
    return t(
        "triage_cli.summary",
        lang,
        count=len(run.proposals),
        first=run.first_day.isoformat(),
        last=last.isoformat(),
        sentence=count_sentence(tally(run.proposals), lang),
    )


def _table(title: str, label: str, rows: dict[str, Counter[str]], lang: Lang) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(label)
    for decision in DECISIONS:
        table.add_column(decision_text(decision, lang), justify="right")
    table.add_column(t("triage_cli.total", lang), justify="right")
    for name, counts in rows.items():
        table.add_row(name, *(str(counts[d]) for d in DECISIONS), str(sum(counts.values())))
    return table


def print_triage(run: TriageRun, lang: Lang, console: Console) -> None:
    by_day: dict[str, Counter[str]] = {}
    by_unit: dict[str, Counter[str]] = {}
    by_kind: dict[str, Counter[str]] = {}
    for (day, unit, kind), proposals in by_day_unit_kind(run.proposals, run.zone).items():
        for proposal in proposals:
            by_day.setdefault(day.isoformat(), Counter())[proposal.decision] += 1
            by_unit.setdefault(run.unit_names.get(unit, unit) or "-", Counter())[proposal.decision] += 1
            by_kind.setdefault(kind_text(kind, lang, plural=True), Counter())[proposal.decision] += 1
    console.print(_table(t("triage_cli.title_day", lang), t("triage_cli.day", lang), by_day, lang))
    console.print(
        _table(
            t("triage_cli.title_unit", lang), t("triage_cli.unit", lang), dict(sorted(by_unit.items())), lang
        )
    )
    console.print(_table(t("triage_cli.title_kind", lang), t("triage_cli.kind", lang), by_kind, lang))
    console.print(summary_sentence(run, lang), style="bold")


def triage_document(run: TriageRun) -> dict[str, object]:
    counts = tally(run.proposals)
    groups = [
        {
            "day": day.isoformat(),
            "unit": unit or None,
            "kind": kind,
            **{decision: sum(p.decision == decision for p in proposals) for decision in DECISIONS},
            "by_exception": sum(p.by_exception for p in proposals),
        }
        for (day, unit, kind), proposals in by_day_unit_kind(run.proposals, run.zone).items()
    ]
    return {
        "from": run.first_day.isoformat(),
        "days": run.days,
        "counts": {
            decision: {kind: n for (d, kind), n in sorted(counts.by_decision_kind.items()) if d == decision}
            for decision in DECISIONS
        },
        "by_exception": counts.by_exception,
        "total": counts.total,
        "groups": groups,
        "proposals": [p.to_json() for p in run.proposals],
    }


CSV_FIELDS = (
    "activity",
    "patient",
    "kind",
    "unit",
    "start",
    "urgency",
    "activity_type",
    "decision",
    "reason",
    "process",
    "status",
    "via",
    "fallback",
    "facility",
    "approved_by",
    "cross_matched_units",
)


def proposals_csv(proposals: Sequence[Proposal]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for proposal in proposals:
        row = proposal.to_json()
        row["via"] = " ".join(row["via"])
        row["approved_by"] = " ".join(row["approved_by"])
        writer.writerow(row)
    return out.getvalue()


def write_proposals(path: Path, run: TriageRun) -> None:
    """JSON or CSV by the file's suffix, written atomically."""
    if path.suffix.lower() == ".csv":
        text = proposals_csv(run.proposals)
    elif path.suffix.lower() == ".json":
        text = json.dumps([p.to_json() for p in run.proposals], ensure_ascii=False, indent=1) + "\n"
    else:
        raise UserError(
            f"--out {path} must end in .json or .csv.", fr=f"--out {path} doit se terminer par .json ou .csv."
        )
    write_atomically(path, text.encode("utf-8"), PRIVATE)  # proposals name patients' activities


def incident_store(data: Path | None, db: Path | None, incident: int | None) -> IncidentStore | None:
    """The crisis database holding `incident` (None without one)."""
    if incident is None:
        if data is not None or db is not None:
            raise UserError(
                "Name the incident whose approvals to use: add --incident N.",
                fr="Nommez l'incident dont il faut utiliser les approbations : ajoutez --incident N.",
            )
        return None
    from bascule.incident import wiring

    return wiring.crisis_store(environment().variables, data, db)


def journal_approvals(store: IncidentStore | None, incident: int | None) -> list[Approval]:
    """Exception approvals recorded in the crisis cell's journal for `incident` (none without one)."""
    if store is None or incident is None:
        return []
    return pipeline.approvals(store, incident)


def with_incident_hits(
    hospital_map: HospitalMap, scenario: Scenario, store: IncidentStore | None, incident: int | None
) -> Scenario:
    """The scenario plus what the incident has declared hit, checked against the map."""
    if store is None or incident is None:
        return scenario
    return pipeline.incident_scenario(store, incident, scenario, hospital_map)


StoreOption = Annotated[
    Path, typer.Option("--store", help="The continuity store (SQLite) with the scheduled activities.")
]
FromOption = Annotated[
    str | None, typer.Option("--from", metavar="DATE", help="First day (default: the store's data day).")
]
DaysOption = Annotated[int, typer.Option("--days", help="How many days of activity to triage.")]
IncidentOption = Annotated[
    int | None,
    typer.Option("--incident", help="Crisis-cell incident: its declared hits and approved exceptions apply."),
]
DataOption = Annotated[Path | None, typer.Option("--data", help="Crisis application data folder.")]
DbOption = Annotated[Path | None, typer.Option("--db", help="Crisis application SQLite database.")]


def register(app: typer.Typer) -> None:
    @app.command("triage")
    def triage_command(
        store: StoreOption,
        map_path: Annotated[
            str, typer.Argument(metavar="[MAP]", help="The hospital map, or 'demo' (the default).")
        ] = "demo",
        scenario: ScenarioOption = None,
        down: DownOption = None,
        isolate: IsolateOption = None,
        supplier: SupplierOption = None,
        first: FromOption = None,
        days: DaysOption = 7,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON document.")] = False,
        out: Annotated[
            Path | None, typer.Option("--out", help="Write the proposals to this .json or .csv file.")
        ] = None,
        incident: IncidentOption = None,
        data: DataOption = None,
        db: DbOption = None,
        lang: LangOption = None,
    ) -> None:
        """Propose, for each scheduled activity, to maintain, postpone, cancel or divert it."""
        hospital_map, chosen = map_and_scenario(map_path, scenario, down, isolate, supplier)
        language = output_lang(lang, hospital_map)
        crisis = incident_store(data, db, incident)
        approvals = journal_approvals(crisis, incident)
        chosen = with_incident_hits(hospital_map, chosen, crisis, incident)
        run = run_triage(hospital_map, chosen, store, first, days, approvals)
        if out is not None:
            write_proposals(out, run)
        if as_json:
            typer.echo(json.dumps(triage_document(run), ensure_ascii=False, indent=1))
            return
        console = make_console()
        print_triage(run, language, console)
        if out is not None:
            console.print(t("triage_cli.written", language, path=out))


def demo_part(
    hospital_map: HospitalMap,
    scenario: Scenario,
    store_path: Path,
    out_dir: Path,
    lang: Lang,
    console: Console,
) -> None:
    """The demo's step: triage the next 7 days and write the messages through the file gateway."""
    from bascule.notify.gateways.file import FileGateway
    from bascule.notify.outbox import Outbox
    from bascule.notify.phone import country_of
    from bascule.notify.queueing import build_messages
    from bascule.notify.sender import SendSettings, send_all

    started = time.perf_counter()
    run = run_triage(hospital_map, scenario, store_path, None, 7)
    print_triage(run, lang, console)
    messages, unreachable = build_messages(
        run.proposals,
        run.scheduled,
        hospital_map,
        call_centre=DEMO_CALL_CENTRE,
        lang=lang,
        zone=run.zone,
        country=country_of(hospital_map.hospital),
        unit_names=run.unit_names,
    )
    path = out_dir / "messages.jsonl"
    with Outbox.open(out_dir / "outbox.sqlite") as outbox:
        outbox.enqueue(messages, time.time())
        gateway = FileGateway(path, sync=False)
        try:
            send_all(outbox, gateway, SendSettings(rate=1_000_000, batch=500))
        finally:
            gateway.close()
        written = outbox.counts()["sent"]
    console.print(
        t(
            "triage_cli.demo_sent",
            lang,
            messages=written,
            path=path,
            unreachable=len(unreachable),
            seconds=time.perf_counter() - started,
        )
    )
