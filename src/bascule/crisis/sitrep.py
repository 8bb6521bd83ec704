"""The situation report for the next crisis meeting: what is down, what changed since the last
report, decisions, open actions and ETAs, composed once and stored as it was presented."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from bascule.crisis import engine, journal_store
from bascule.crisis.models import CellAction, Incident, JournalRecord, Note, SituationReport
from bascule.i18n import Lang, t
from bascule.kits.moments import full, short


def _section_of(impact: Any, process_id: str) -> str:
    status = str(impact.status(process_id))
    if status == "down":
        return "uncovered" if impact.is_uncovered(process_id) else "fallback"
    return status


def compose(incident: Incident, lang: Lang) -> dict[str, Any]:
    """The report's content as plain data (stored as JSON, rendered as HTML and PDF)."""
    hospital = engine.hospital_map(incident)
    # Times in the hospital's own zone (the map's), else the crisis app's.
    zone = (
        ZoneInfo(hospital.hospital.timezone)
        if hospital.hospital.timezone
        else timezone.get_current_timezone()
    )
    impact = engine.current_impact(incident)
    previous = incident.sitreps.order_by("-id").first()
    since = previous.created_at if previous else incident.opened_at
    sections = {p.id: _section_of(impact, p.id) for p in hospital.processes}
    summary = impact.summary()

    down_lines = []
    for process in impact.process_order:
        section = sections[process.id]
        if section not in ("uncovered", "fallback"):
            continue
        line = f"{process.label} (P{process.priority}) — {t(f'crisis.st_{section}', lang)}"
        procedure = hospital.procedures_by_id.get(process.fallback or "")
        if procedure is not None:
            line += f" — {t('crisis.procedure', lang)}: {procedure.title or procedure.id}"
        line += f" — {t('crisis.because', lang)}: {' ← '.join(impact.via(process.id))}"
        down_lines.append(line)

    change_lines: list[str] = []
    if previous is None:
        change_lines.append(t("crisis.sitrep_first", lang))
    else:
        before: dict[str, str] = previous.content.get("sections", {})
        down_now = {pid for pid, s in sections.items() if s in ("uncovered", "fallback")}
        down_before = {pid for pid, s in before.items() if s in ("uncovered", "fallback")}
        if down_now - down_before:
            change_lines.append(
                t("crisis.sitrep_newly_down", lang, ids=", ".join(sorted(down_now - down_before)))
            )
        if down_before - down_now:
            change_lines.append(t("crisis.sitrep_back", lang, ids=", ".join(sorted(down_before - down_now))))
        declared = incident.hits.filter(declared_at__gt=since).order_by("id").values_list("target", flat=True)
        lifted = incident.hits.filter(lifted_at__gt=since).order_by("id").values_list("target", flat=True)
        if declared:
            change_lines.append(t("crisis.sitrep_declared", lang, ids=", ".join(declared)))
        if lifted:
            change_lines.append(t("crisis.sitrep_lifted", lang, ids=", ".join(lifted)))
        if not change_lines:
            change_lines.append(t("crisis.sitrep_nochange", lang))

    decisions = incident.notes.filter(kind=Note.DECISION, created_at__gt=since).select_related("author")
    decision_lines = [
        f"{short(n.created_at, zone)} {n.author.username}: {n.text}" for n in decisions.order_by("id")
    ]
    open_actions = incident.actions.filter(status__in=[CellAction.OPEN, CellAction.IN_PROGRESS])
    action_lines = []
    for action in open_actions.select_related("owner_user").order_by("due_at", "id"):
        owner = action.owner_user.username if action.owner_user else action.owner_role
        due = f" — {t('crisis.due', lang)} {short(action.due_at, zone)}" if action.due_at else ""
        action_lines.append(f"{action.title} — {owner}{due} — {t(f'crisis.act_{action.status}', lang)}")

    eta_lines = []
    stored_plan = incident.plans.order_by("-id").first()
    if stored_plan is not None:
        for pid, entry in sorted(
            stored_plan.plan_json["processes"].items(), key=lambda kv: kv[1]["priority"]
        ):
            eta = entry["eta_hours"]
            if pid in hospital.nodes and (eta is None or eta > 0):
                if eta is None:
                    when = t("crisis.eta_never", lang)
                else:
                    moment = incident.opened_at + timedelta(hours=float(eta))
                    when = t("crisis.eta_at", lang, time=short(moment, zone), hours=f"{eta:.1f}")
                eta_lines.append(f"{hospital.nodes[pid].label} (P{entry['priority']}): {when}")

    hits = engine.active_hits(incident)
    declared_lines = [
        f"{t(f'crisis.kind_{kind}', lang)}: {', '.join(ids)}"
        for kind, ids in (("node", hits.down), ("segment", hits.isolate), ("supplier", hits.suppliers))
        if ids
    ]
    # The journal's head at this moment, printed on the report: a copy outside the database that
    # shows if entries were later rewritten or cut off (compare with `bascule journal export`).
    head = JournalRecord.objects.order_by("-seq").values_list("seq", "hash").first()
    # ... and a checkpoint signed now and kept outside the database (bascule.journal_anchor).
    checkpoint = journal_store.checkpoint_now()
    return {
        "journal_head": f"{head[0]}:{head[1]}" if head else "0",
        "journal_checkpoint": {
            "count": checkpoint.count,
            "head": checkpoint.short_head,
            "time": full(checkpoint.time, zone),
        },
        "declared_lines": declared_lines,
        "title": incident.title,
        "made_at": full(timezone.now(), zone),
        "summary_text": t("crisis.summary", lang, **summary),
        "sections": sections,
        "down_lines": down_lines,
        "change_lines": change_lines,
        "decision_lines": decision_lines,
        "action_lines": action_lines,
        "eta_lines": eta_lines,
    }


def make(incident: Incident, lang: Lang, author: Any) -> SituationReport:
    report: SituationReport = SituationReport.objects.create(
        incident=incident, created_by=author, lang=lang, content=compose(incident, lang)
    )
    return report
