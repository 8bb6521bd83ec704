"""The exercise port over the crisis database (see `bascule.incident.ports.ExerciseRepository`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction

from bascule.crisis import models
from bascule.crisis.roles import Role
from bascule.exercise.record import ExerciseClock, Improvement, Mark, Pause, Release
from bascule.incident.model import ExerciseRun
from bascule.incident.refusals import ExerciseOver


def _account(name: str) -> models.Account:
    account: models.Account = models.Account.objects.get(username=name)
    return account


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _clock(row: models.ExerciseRun) -> ExerciseClock:
    pauses = []
    for start, end in row.pauses:
        begun = _moment(start)
        assert begun is not None
        pauses.append(Pause(begun, _moment(end)))
    return ExerciseClock(row.started_at, row.speed, tuple(pauses), row.ended_at)


def _run(row: models.ExerciseRun) -> ExerciseRun:
    return ExerciseRun(
        row.incident_id, row.script_id, row.document, row.script_sha256, _clock(row), row.automatic
    )


def _improvement(row: models.ImprovementAction) -> Improvement:
    return Improvement(row.pk, row.text, row.owner_role, row.carried_to_id is not None)


class DjangoExercises:
    """Exercise runs in the crisis database; writes join the caller's unit of work."""

    def ensure_actor(self, name: str) -> None:
        account, made = models.Account.objects.get_or_create(
            username=name,
            defaults={"role": Role.OBSERVER, "is_active": False, "password": make_password(None)},
        )
        if not made and account.is_active and account.has_usable_password():
            # A person's account by that name would sign the exercise's own acts: never reuse one.
            raise ValueError(f"the account {name!r} is a person's")

    def add_exercise(
        self,
        incident_id: int,
        script_id: str,
        document: Mapping[str, Any],
        script_sha256: str,
        clock: ExerciseClock,
        automatic: bool,
    ) -> ExerciseRun:
        row = models.ExerciseRun.objects.create(
            incident_id=incident_id,
            script_id=script_id,
            document=dict(document),
            script_sha256=script_sha256,
            speed=clock.speed,
            automatic=automatic,
            started_at=clock.started_at,
        )
        return _run(row)

    def exercise(self, incident_id: int) -> ExerciseRun | None:
        row = models.ExerciseRun.objects.filter(incident_id=incident_id).first()
        return _run(row) if row is not None else None

    def set_clock(self, incident_id: int, clock: ExerciseClock) -> ExerciseRun:
        row = models.ExerciseRun.objects.select_for_update().get(incident_id=incident_id)
        if row.ended_at is not None:
            raise ExerciseOver(incident_id)
        row.pauses = [[p.start.isoformat(), p.end.isoformat() if p.end else None] for p in clock.pauses]
        row.ended_at = clock.ended_at
        row.save(update_fields=["pauses", "ended_at"])
        return _run(row)

    def add_release(
        self, incident_id: int, inject_id: str, minute: float, actor: str, automatic: bool
    ) -> Release | None:
        run = models.ExerciseRun.objects.get(incident_id=incident_id)
        try:
            with transaction.atomic():
                models.InjectRelease.objects.create(
                    run=run,
                    inject_id=inject_id,
                    minute=minute,
                    automatic=automatic,
                    released_by=_account(actor),
                )
        except IntegrityError:
            return None
        return Release(inject_id, minute, actor, automatic)

    def releases(self, incident_id: int) -> list[Release]:
        rows = models.InjectRelease.objects.filter(run__incident_id=incident_id).select_related("released_by")
        return [
            Release(r.inject_id, r.minute, r.released_by.username, r.automatic) for r in rows.order_by("id")
        ]

    def add_mark(self, incident_id: int, decision_id: str, minute: float, actor: str, met: bool) -> Mark:
        run = models.ExerciseRun.objects.get(incident_id=incident_id)
        models.DecisionMark.objects.create(
            run=run, decision_id=decision_id, minute=minute, met=met, marked_by=_account(actor)
        )
        return Mark(decision_id, minute, actor, met)

    def marks(self, incident_id: int) -> list[Mark]:
        rows = models.DecisionMark.objects.filter(run__incident_id=incident_id).select_related("marked_by")
        return [Mark(r.decision_id, r.minute, r.marked_by.username, r.met) for r in rows.order_by("id")]

    def add_improvement(self, incident_id: int, text: str, owner_role: str, actor: str) -> Improvement:
        run = models.ExerciseRun.objects.get(incident_id=incident_id)
        row = models.ImprovementAction.objects.create(
            run=run, text=text, owner_role=owner_role, created_by=_account(actor)
        )
        return _improvement(row)

    def improvements(self, incident_id: int) -> list[Improvement]:
        rows = models.ImprovementAction.objects.filter(run__incident_id=incident_id)
        return [_improvement(r) for r in rows.order_by("id")]

    def carry_improvement(self, improvement_id: int, to_incident_id: int) -> None:
        models.ImprovementAction.objects.filter(pk=improvement_id).update(carried_to_id=to_incident_id)

    def uncarried_improvements(self, map_sha256: str) -> list[tuple[int, Improvement]]:
        rows = models.ImprovementAction.objects.filter(
            run__incident__map_sha256=map_sha256, carried_to__isnull=True
        ).select_related("run")
        return [(r.run.incident_id, _improvement(r)) for r in rows.order_by("id")]
