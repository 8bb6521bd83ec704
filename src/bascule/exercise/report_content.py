"""The after-action report as words in one language: what the HTML page and the PDF both print,
so that they never disagree. Pure: strings only, no layout."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo

from bascule.exercise import report_texts as _texts  # noqa: F401  (registers the report's words)
from bascule.exercise.after_action import LATE, AfterAction, DecisionResult, TimelineEntry
from bascule.exercise.model import clock_label, text_in
from bascule.exercise.report_texts import REPORT_TEXTS
from bascule.hospital.model import FallbackProcedure, HospitalMap
from bascule.hospital.naming import label_of
from bascule.i18n import Lang, t
from bascule.kits.moments import full


def at_minute(minute: float | None) -> str:
    """T+00:35 for minute 35 of the exercise clock (`clock_label`); "—" for none."""
    return "—" if minute is None else clock_label(minute)


def signed_minutes(value: float) -> str:
    rounded = math.floor(abs(value) + 0.5)
    if rounded == 0:
        return "0"
    return f"+{rounded}" if value > 0 else f"−{rounded}"


def number(value: float, lang: Lang) -> str:
    """A figure as people write it: 12, 12.5 (12,5 in French)."""
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", ",") if lang == "fr" else text


@dataclass(frozen=True, slots=True)
class ReportContent:
    lang: Lang
    banner: str  # EXERCICE / EXERCISE: on every page
    heading: str
    title: str
    incident: str
    facts: tuple[tuple[str, str], ...]  # label, value
    times_note: str
    score: int
    components: tuple[tuple[str, str], ...]  # label, value as a percentage
    formula: str
    decisions: tuple[tuple[str, str, str, str, str], ...]  # text, due, met at, outcome, how
    missed: tuple[bool, ...]  # per decision row: missed (printed in bold)
    timeline: tuple[tuple[str, str, str], ...]  # minute, what, by
    uncovered: tuple[tuple[str, str, str, str], ...]  # priority, actual, reference, excess
    uncovered_note: str
    procedures: tuple[tuple[str, str, str, str], ...]  # process, procedure, started at, after down
    procedure_notes: tuple[str, ...]  # not started, had none
    improvements: tuple[tuple[str, str, str], ...]  # text, owner, done

    def label(self, key: str) -> str:
        return t(f"after_action.{key}", self.lang)


def report_content(report: AfterAction, hospital: HospitalMap, lang: Lang) -> ReportContent:
    """Everything the report prints, in `lang`; dates in the hospital's time zone (UTC when the
    map does not say)."""
    record = report.record
    zone: tzinfo = ZoneInfo(hospital.hospital.timezone) if hospital.hospital.timezone else UTC
    clock = record.clock

    def say(key: str, **params: object) -> str:
        return t(f"after_action.{key}", lang, **params)

    facts = [
        (say("started"), full(clock.started_at, zone)),
        (say("ended"), full(clock.ended_at, zone) if clock.ended_at else say("not_ended")),
        (say("duration"), at_minute(record.end_minute)),
        (say("speed"), say("speed_value", speed=number(clock.speed, lang))),
    ]
    if record.participants:
        facts.append((say("participants"), ", ".join(_role(p, lang) for p in record.participants)))
    readiness = report.readiness
    names = {p.id: p.label for p in hospital.processes}
    procedures = hospital.procedures_by_id
    notes = []
    if report.not_started:
        notes.append(say("not_started", names=", ".join(names[p] for p in report.not_started)))
    if report.had_none:
        notes.append(say("had_none", names=", ".join(names[p] for p in report.had_none)))
    return ReportContent(
        lang=lang,
        banner=say("exercise"),
        heading=say("title"),
        title=record.script.title_in(lang),
        incident=say("incident", number=record.incident_id),
        facts=tuple(facts),
        times_note=say("times_note", zone=getattr(zone, "key", "UTC")),
        score=readiness.score,
        components=(
            (say("component_d"), _percent(readiness.decisions)),
            (say("component_c"), _percent(readiness.continuity)),
            (say("component_p"), _percent(readiness.procedures)),
        ),
        formula=say("formula"),
        decisions=tuple(_decision_row(d, lang) for d in report.decisions),
        missed=tuple(d.outcome == "missed" for d in report.decisions),
        timeline=tuple(_timeline_row(e, report, hospital, lang) for e in report.timeline),
        uncovered=tuple(
            (
                say(f"priority_{u.priority}"),
                number(round(u.actual), lang),
                number(round(u.reference), lang),
                signed_minutes(u.excess),
            )
            for u in report.uncovered
        ),
        uncovered_note=say("uncovered_note"),
        procedures=tuple(
            (
                names.get(p.process, p.process),
                _procedure_title(procedures, p.procedure),
                at_minute(p.minute),
                say("never_down") if p.delay is None else f"{number(round(p.delay), lang)} min",
            )
            for p in report.procedures_started
        ),
        procedure_notes=tuple(notes),
        improvements=tuple(
            (i.text, _role(i.owner_role, lang), say("yes") if i.done else say("no"))
            for i in report.improvements
        ),
    )


def _percent(value: float) -> str:
    return f"{math.floor(100 * value + 0.5)} %"


def _role(role: str, lang: Lang) -> str:
    return t(f"after_action.role_{role}", lang) if f"role_{role}" in REPORT_TEXTS else role


def _procedure_title(procedures: Mapping[str, FallbackProcedure], procedure_id: str | None) -> str:
    if procedure_id is None:
        return "—"
    found = procedures.get(procedure_id)
    return (found.title or found.id) if found is not None else procedure_id


def _decision_row(result: DecisionResult, lang: Lang) -> tuple[str, str, str, str, str]:
    if result.outcome == LATE:
        outcome = t("after_action.late", lang, minutes=number(round(result.delay or 0), lang))
    elif result.outcome == "not_played" and result.released_at is not None:
        outcome = t("after_action.not_due", lang)
    else:
        outcome = t(f"after_action.{result.outcome}", lang)
    how = t(f"after_action.{result.how}", lang) if result.how else "—"
    return (
        text_in(result.decision.text, lang),
        at_minute(result.due_at),
        at_minute(result.met_at),
        outcome,
        how,
    )


def _timeline_row(
    entry: TimelineEntry, report: AfterAction, hospital: HospitalMap, lang: Lang
) -> tuple[str, str, str]:
    if entry.inject_id is not None:
        inject = report.record.script.inject(entry.inject_id)
        text = text_in(inject.text, lang) if inject else ""
        channel = t(f"after_action.channel_{entry.channel}", lang) if entry.channel else "?"
        what = t("after_action.inject", lang, id=entry.inject_id, channel=channel, text=text)
        by = t("after_action.released_by_clock", lang) if entry.automatic else _role(entry.actor, lang)
        return at_minute(entry.minute), what, by
    target = entry.target or ""
    if entry.act_kind not in ("decision", "triage"):
        target = label_of(hospital, target)
    what = t(f"after_action.act_{entry.act_kind}", lang, target=target)
    return at_minute(entry.minute), what, _role(entry.actor, lang)
