"""The after-action figures as a JSON document (`bascule exercise report --json`): what a script or
a spreadsheet compares from one exercise to the next. Minutes are minutes of the exercise clock."""

from __future__ import annotations

from typing import Any

from bascule.exercise.after_action import AfterAction


def _minute(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def report_json(figures: AfterAction) -> dict[str, Any]:
    record, readiness = figures.record, figures.readiness
    return {
        "incident": record.incident_id,
        "script": record.script.id,
        "end_minute": _minute(record.end_minute),
        "score": readiness.score,
        "components": {
            "decisions": round(readiness.decisions, 4),
            "continuity": round(readiness.continuity, 4),
            "procedures": round(readiness.procedures, 4),
        },
        "weighted_uncovered_minutes": {
            "actual": round(readiness.actual_weighted, 2),
            "reference": round(readiness.reference_weighted, 2),
        },
        "decisions": [
            {
                "id": d.decision.id,
                "outcome": d.outcome,
                "released": _minute(d.released_at),
                "due": _minute(d.due_at),
                "met": _minute(d.met_at),
                "how": d.how,
            }
            for d in figures.decisions
        ],
        "uncovered_minutes": [
            {"priority": u.priority, "actual": _minute(u.actual), "reference": _minute(u.reference)}
            for u in figures.uncovered
        ],
        "procedures_started": [
            {
                "process": p.process,
                "procedure": p.procedure,
                "minute": _minute(p.minute),
                "delay": _minute(p.delay),
            }
            for p in figures.procedures_started
        ],
        "procedures_not_started": list(figures.not_started),
        "processes_without_procedure": list(figures.had_none),
        "improvements": [{"id": m.id, "text": m.text, "role": m.owner_role} for m in figures.improvements],
    }
