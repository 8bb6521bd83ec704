"""The situation report for the next crisis meeting: what is down, what changed since the last
report, decisions, open actions and ETAs, composed once and stored as it was presented."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from bascule.hospital.naming import label_of, named_chain
from bascule.i18n import Lang, t
from bascule.impact import Impact
from bascule.incident.hits import current_impact, incident_of
from bascule.incident.maps import incident_map
from bascule.incident.model import DECISION, Incident, Sitrep, hits_of
from bascule.incident.ports import IncidentStore
from bascule.incident.sitrep_texts import SITREP_TEXTS
from bascule.kits.moments import full, short


def role_name(role: str, lang: Lang) -> str:
    """A crisis cell role as people read it ("direction" for director); an unknown one as it is."""
    return t(f"sitrep.role_{role}", lang) if f"role_{role}" in SITREP_TEXTS else role


def _section_of(impact: Impact, process_id: str) -> str:
    status = str(impact.status(process_id))
    if status == "down":
        return "uncovered" if impact.is_uncovered(process_id) else "fallback"
    return status


def compose(store: IncidentStore, incident: Incident, lang: Lang, default_zone: tzinfo) -> dict[str, Any]:
    """The report's content as plain data (stored as JSON, rendered as HTML and PDF). Times are in
    the hospital's own zone (the map's), else in `default_zone`."""
    hospital = incident_map(incident)
    zone = ZoneInfo(hospital.hospital.timezone) if hospital.hospital.timezone else default_zone
    impact = current_impact(store, incident)
    repository = store.repository
    previous = repository.latest_sitrep(incident.id)
    since = previous.created_at if previous else incident.opened_at
    sections = {p.id: _section_of(impact, p.id) for p in hospital.processes}
    summary = impact.summary()

    down_lines = []
    for process in impact.process_order:
        section = sections[process.id]
        if section not in ("uncovered", "fallback"):
            continue
        line = f"{process.label} (P{process.priority}) — {t(f'sitrep.st_{section}', lang)}"
        procedure = hospital.procedures_by_id.get(process.fallback or "")
        if procedure is not None:
            line += f" — {t('sitrep.procedure', lang)}: {procedure.title or procedure.id}"
        line += f" — {t('sitrep.because', lang)}: {named_chain(hospital, impact.via(process.id))}"
        down_lines.append(line)

    def names_in_order(item_ids: Iterable[str]) -> str:
        return ", ".join(label_of(hospital, item_id) for item_id in item_ids)

    def names(process_ids: Iterable[str]) -> str:
        """Care processes by name, most urgent first (the order the report lists them in)."""
        rank = {process.id: i for i, process in enumerate(impact.process_order)}
        return names_in_order(sorted(process_ids, key=lambda pid: (rank.get(pid, len(rank)), pid)))

    change_lines: list[str] = []
    if previous is None:
        change_lines.append(t("sitrep.sitrep_first", lang))
    else:
        before: dict[str, str] = dict(previous.content.get("sections", {}))
        down_now = {pid for pid, s in sections.items() if s in ("uncovered", "fallback")}
        down_before = {pid for pid, s in before.items() if s in ("uncovered", "fallback")}
        if down_now - down_before:
            change_lines.append(t("sitrep.sitrep_newly_down", lang, ids=names(down_now - down_before)))
        if down_before - down_now:
            change_lines.append(t("sitrep.sitrep_back", lang, ids=names(down_before - down_now)))
        declared, lifted = repository.hits_changed_since(incident.id, since)
        if declared:
            change_lines.append(
                t("sitrep.sitrep_declared", lang, ids=names_in_order(h.target for h in declared))
            )
        if lifted:
            change_lines.append(t("sitrep.sitrep_lifted", lang, ids=names_in_order(h.target for h in lifted)))
        if not change_lines:
            change_lines.append(t("sitrep.sitrep_nochange", lang))

    decision_lines = [
        f"{short(n.created_at, zone)} {n.author}: {n.text}"
        for n in repository.notes(incident.id, DECISION, since)
    ]
    action_lines = []
    for action in repository.open_actions(incident.id):
        owner = action.owner_user or role_name(action.owner_role, lang)
        due = f" — {t('sitrep.due', lang)} {short(action.due_at, zone)}" if action.due_at else ""
        action_lines.append(f"{action.title} — {owner}{due} — {t(f'sitrep.act_{action.status}', lang)}")

    eta_lines = []
    eta_warning = ""
    stored_plan = repository.latest_plan(incident.id)
    if stored_plan is not None and incident.changed_after(stored_plan.created_at):
        eta_warning = t("sitrep.eta_stale", lang, time=full(incident.changed_at, zone))
    if stored_plan is not None:
        for pid, entry in sorted(
            stored_plan.plan_json["processes"].items(), key=lambda kv: kv[1]["priority"]
        ):
            eta = entry["eta_hours"]
            if pid in hospital.nodes and (eta is None or eta > 0):
                if eta is None:
                    when = t("sitrep.eta_never", lang)
                else:
                    moment = incident.opened_at + timedelta(hours=float(eta))
                    when = t("sitrep.eta_at", lang, time=short(moment, zone), hours=f"{eta:.1f}")
                eta_lines.append(f"{hospital.nodes[pid].label} (P{entry['priority']}): {when}")

    hits = hits_of(repository.active_hits(incident.id))
    declared_lines = [
        f"{t(f'sitrep.kind_{kind}', lang)}: {names_in_order(ids)}"
        for kind, ids in (("node", hits.down), ("segment", hits.isolate), ("supplier", hits.suppliers))
        if ids
    ]
    checkpoint = store.journal.checkpoint()
    return {
        # The journal's head at this moment, printed on the report: a copy outside the database that
        # shows if entries were later rewritten or cut off (compare with `bascule journal export`).
        "journal_head": store.journal.head(),
        # ... and a checkpoint signed now and kept outside the database (bascule.journal_anchor).
        "journal_checkpoint": {
            "count": checkpoint.count,
            "head": checkpoint.head,
            "time": full(checkpoint.time, zone),
        },
        "declared_lines": declared_lines,
        # An exercise's report says so on every page: it must never be taken for a real one.
        "exercise": incident.exercise,
        "title": incident.title,
        "made_at": full(store.now(), zone),
        "summary_text": t("sitrep.summary", lang, **summary),
        "sections": sections,
        "down_lines": down_lines,
        "change_lines": change_lines,
        "decision_lines": decision_lines,
        "action_lines": action_lines,
        "eta_lines": eta_lines,
        "eta_warning": eta_warning,
    }


def make_sitrep(
    store: IncidentStore, incident_id: int, actor: str, lang: Lang, default_zone: tzinfo
) -> Sitrep:
    """Compose the report, keep it as presented, and journal it."""
    incident = incident_of(store, incident_id)
    with store.unit_of_work():
        report = store.repository.add_sitrep(
            incident.id, lang, compose(store, incident, lang, default_zone), actor
        )
        store.repository.bump(incident.id, situation=False)
        store.journal.append("sitrep.made", actor, incident.id, {"sitrep": report.id, "lang": lang})
    return report
