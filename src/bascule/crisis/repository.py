"""The incident ports over the crisis database (Django ORM): the repository, the journal (through
`journal_store.append`) and a unit of work that is one `transaction.atomic()`, so that a change and
its journal entry are committed together or not at all."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from bascule.crisis import journal_store, models
from bascule.crisis.exercise_repository import DjangoExercises
from bascule.incident.model import (
    CellAction,
    CellNote,
    Hit,
    HitKind,
    Incident,
    IncidentDraft,
    IncidentsVersion,
    JournalCheckpoint,
    JournalLine,
    Sitrep,
    StartedProcedure,
    StoredPlan,
    TaskProgress,
)
from bascule.journal import PayloadValue


def _account(name: str) -> models.Account:
    account: models.Account = models.Account.objects.get(username=name)
    return account


def incident_value(row: models.Incident) -> Incident:
    return Incident(
        id=row.pk,
        title=row.title,
        map_source=row.map_source,
        map_text=row.map_text,
        map_sha256=row.map_sha256,
        lang=row.lang,
        opened_at=row.opened_at,
        opened_by=row.opened_by.username if row.opened_by_id else "",
        version=row.version,
        reconnect={str(k): float(v) for k, v in dict(row.reconnect).items()},
        supplier_back={str(k): float(v) for k, v in dict(row.supplier_back).items()},
        changed_at=row.changed_at,
        closed_at=row.closed_at,
        exercise=row.exercise,
    )


def hit_value(row: models.Hit) -> Hit:
    kind: HitKind = "node" if row.kind == "node" else "segment" if row.kind == "segment" else "supplier"
    return Hit(
        row.pk,
        kind,
        row.target,
        row.declared_at,
        row.declared_by.username,
        row.lifted_at,
        row.lifted_by.username if row.lifted_by is not None else None,
    )


def _plan_value(row: models.StoredPlan) -> StoredPlan:
    return StoredPlan(row.pk, row.at_hours, row.plan_json, row.incident_version, row.created_at)


def _action_value(row: models.CellAction) -> CellAction:
    return CellAction(
        row.pk,
        row.title,
        row.owner_user.username if row.owner_user is not None else None,
        row.owner_role,
        row.due_at,
        row.status,
        row.created_by.username,
    )


def _sitrep_value(row: models.SituationReport) -> Sitrep:
    return Sitrep(row.pk, row.lang, row.content, row.created_at, row.created_by.username)


class DjangoRepository:
    """Incidents and their records in the crisis database."""

    def add_incident(self, draft: IncidentDraft, actor: str) -> Incident:
        row = models.Incident.objects.create(
            title=draft.title,
            map_source=draft.map_source,
            map_text=draft.map_text,
            map_sha256=draft.map_sha256,
            lang=draft.lang,
            opened_by=_account(actor),
            reconnect=dict(draft.reconnect),
            supplier_back=dict(draft.supplier_back),
            exercise=draft.exercise,
        )
        return incident_value(row)

    def incident(self, incident_id: int) -> Incident | None:
        row = models.Incident.objects.select_related("opened_by").filter(pk=incident_id).first()
        return incident_value(row) if row is not None else None

    def all_incidents(self) -> list[Incident]:
        rows = models.Incident.objects.select_related("opened_by").order_by("-opened_at", "-id")
        return [incident_value(row) for row in rows]

    def incidents_version(self) -> IncidentsVersion:
        totals = models.Incident.objects.aggregate(
            count=Count("id"), versions=Sum("version"), changed=Max("changed_at")
        )
        return IncidentsVersion(totals["count"], totals["versions"] or 0, totals["changed"])

    def bump(self, incident_id: int, situation: bool = True) -> Incident:
        changes: dict[str, Any] = {"version": F("version") + 1}
        if situation:
            changes["changed_at"] = timezone.now()
        models.Incident.objects.filter(pk=incident_id).update(**changes)
        return incident_value(models.Incident.objects.select_related("opened_by").get(pk=incident_id))

    def set_return_time(self, incident_id: int, kind: HitKind, target: str, hours: float) -> Incident:
        row = models.Incident.objects.select_for_update().select_related("opened_by").get(pk=incident_id)
        field = "reconnect" if kind == "segment" else "supplier_back"
        setattr(row, field, {**dict(getattr(row, field)), target: hours})
        # update_fields: `changed_at` (auto_now) moves with bump(), in the same unit of work.
        row.save(update_fields=[field])
        return incident_value(row)

    def _hits(self, incident_id: int) -> Any:
        return models.Hit.objects.filter(incident_id=incident_id).select_related("declared_by", "lifted_by")

    def active_hits(self, incident_id: int) -> list[Hit]:
        return [hit_value(r) for r in self._hits(incident_id).filter(lifted_at__isnull=True).order_by("id")]

    def all_hits(self, incident_id: int) -> list[Hit]:
        return [hit_value(r) for r in self._hits(incident_id).order_by("id")]

    def hits_changed_since(self, incident_id: int, moment: datetime) -> tuple[list[Hit], list[Hit]]:
        hits = self._hits(incident_id)
        declared = [hit_value(r) for r in hits.filter(declared_at__gt=moment).order_by("id")]
        lifted = [hit_value(r) for r in hits.filter(lifted_at__gt=moment).order_by("id")]
        return declared, lifted

    def add_hit(self, incident_id: int, kind: HitKind, target: str, actor: str) -> Hit | None:
        try:
            with transaction.atomic():
                row = models.Hit.objects.create(
                    incident_id=incident_id, kind=kind, target=target, declared_by=_account(actor)
                )
        except IntegrityError:
            return None
        return hit_value(row)

    def lift_hit(self, incident_id: int, hit_id: int, actor: str) -> Hit | None:
        updated = models.Hit.objects.filter(
            incident_id=incident_id, pk=hit_id, lifted_at__isnull=True
        ).update(lifted_at=timezone.now(), lifted_by=_account(actor))
        return hit_value(self._hits(incident_id).get(pk=hit_id)) if updated else None

    def progress(self, incident_id: int) -> list[TaskProgress]:
        rows = models.TaskProgress.objects.filter(incident_id=incident_id).select_related("marked_by")
        return [
            TaskProgress(r.node, r.state, r.team, r.hours, r.marked_at, r.marked_by.username)
            for r in rows.order_by("id")
        ]

    def mark_task(
        self, incident_id: int, node: str, state: str, team: str, hours: float, actor: str
    ) -> TaskProgress:
        row, _ = models.TaskProgress.objects.update_or_create(
            incident_id=incident_id,
            node=node,
            defaults={"state": state, "team": team, "hours": hours, "marked_by": _account(actor)},
        )
        return TaskProgress(row.node, row.state, row.team, row.hours, row.marked_at, actor)

    def add_plan(
        self, incident_id: int, at_hours: float, plan_json: Mapping[str, Any], incident_version: int
    ) -> StoredPlan:
        row = models.StoredPlan.objects.create(
            incident_id=incident_id,
            at_hours=at_hours,
            plan_json=dict(plan_json),
            incident_version=incident_version,
        )
        return _plan_value(row)

    def latest_plan(self, incident_id: int) -> StoredPlan | None:
        row = models.StoredPlan.objects.filter(incident_id=incident_id).order_by("-id").first()
        return _plan_value(row) if row is not None else None

    def add_note(self, incident_id: int, kind: str, text: str, actor: str) -> CellNote:
        row = models.Note.objects.create(
            incident_id=incident_id, kind=kind, text=text, author=_account(actor)
        )
        return CellNote(row.pk, row.kind, row.text, row.created_at, actor)

    def notes(self, incident_id: int, kind: str, since: datetime | None = None) -> list[CellNote]:
        rows = models.Note.objects.filter(incident_id=incident_id, kind=kind).select_related("author")
        if since is not None:
            rows = rows.filter(created_at__gt=since)
        return [CellNote(r.pk, r.kind, r.text, r.created_at, r.author.username) for r in rows.order_by("id")]

    def latest_notes(self, incident_id: int, limit: int) -> list[CellNote]:
        rows = models.Note.objects.filter(incident_id=incident_id).select_related("author")
        return [
            CellNote(r.pk, r.kind, r.text, r.created_at, r.author.username)
            for r in rows.order_by("-created_at", "-id")[:limit]
        ]

    def active_account(self, name: str) -> bool:
        return bool(name) and models.Account.objects.filter(username=name, is_active=True).exists()

    def add_action(
        self,
        incident_id: int,
        title: str,
        owner_user: str | None,
        owner_role: str,
        due_at: datetime | None,
        actor: str,
    ) -> CellAction:
        row = models.CellAction.objects.create(
            incident_id=incident_id,
            title=title,
            owner_user=_account(owner_user) if owner_user else None,
            owner_role=owner_role,
            due_at=due_at,
            created_by=_account(actor),
        )
        return _action_value(row)

    def set_action_status(self, incident_id: int, action_id: int, status: str) -> bool:
        return bool(
            models.CellAction.objects.filter(incident_id=incident_id, pk=action_id).update(status=status)
        )

    def open_actions(self, incident_id: int) -> list[CellAction]:
        rows = models.CellAction.objects.filter(
            incident_id=incident_id, status__in=[models.CellAction.OPEN, models.CellAction.IN_PROGRESS]
        ).select_related("owner_user", "created_by")
        return [_action_value(r) for r in rows.order_by(F("due_at").asc(nulls_first=True), "id")]

    def actions(self, incident_id: int) -> list[CellAction]:
        rows = models.CellAction.objects.filter(incident_id=incident_id).select_related(
            "owner_user", "created_by"
        )
        # Undated actions first, on SQLite and PostgreSQL alike (PostgreSQL puts NULLs last).
        by_due = F("due_at").asc(nulls_first=True)
        return [_action_value(r) for r in rows.order_by("status", by_due, "id")]

    def add_sitrep(self, incident_id: int, lang: str, content: Mapping[str, Any], actor: str) -> Sitrep:
        row = models.SituationReport.objects.create(
            incident_id=incident_id, created_by=_account(actor), lang=lang, content=dict(content)
        )
        return _sitrep_value(row)

    def latest_sitrep(self, incident_id: int) -> Sitrep | None:
        row = (
            models.SituationReport.objects.filter(incident_id=incident_id)
            .select_related("created_by")
            .order_by("-id")
            .first()
        )
        return _sitrep_value(row) if row is not None else None

    def sitreps(self, incident_id: int) -> list[Sitrep]:
        rows = models.SituationReport.objects.filter(incident_id=incident_id).select_related("created_by")
        return [_sitrep_value(r) for r in rows.order_by("-id")]

    def sitrep(self, incident_id: int, report_id: int) -> Sitrep | None:
        row = (
            models.SituationReport.objects.filter(pk=report_id, incident_id=incident_id)
            .select_related("created_by")
            .first()
        )
        return _sitrep_value(row) if row is not None else None

    def start_procedure(
        self, incident_id: int, process: str, procedure: str, actor: str
    ) -> StartedProcedure | None:
        try:
            with transaction.atomic():
                row = models.StartedProcedure.objects.create(
                    incident_id=incident_id, process=process, procedure=procedure, started_by=_account(actor)
                )
        except IntegrityError:
            return None
        return StartedProcedure(row.process, row.procedure, row.started_at, actor)

    def started_procedures(self, incident_id: int) -> list[StartedProcedure]:
        rows = models.StartedProcedure.objects.filter(incident_id=incident_id).select_related("started_by")
        return [
            StartedProcedure(r.process, r.procedure, r.started_at, r.started_by.username)
            for r in rows.order_by("id")
        ]


class DjangoJournal:
    """The crisis journal of the database; appends join the caller's transaction."""

    def append(
        self, name: str, actor: str, incident_id: int | None, payload: Mapping[str, PayloadValue]
    ) -> None:
        journal_store.append(name, actor, incident_id, payload)

    def entries(self, incident_id: int, name: str) -> Sequence[JournalLine]:
        rows = models.JournalRecord.objects.filter(incident_id_ref=incident_id, name=name).order_by("seq")
        return [JournalLine(r.name, r.actor, dict(r.payload), r.created, r.seq) for r in rows]

    def incident_entries(self, incident_id: int) -> Sequence[JournalLine]:
        rows = models.JournalRecord.objects.filter(incident_id_ref=incident_id).order_by("seq")
        return [JournalLine(r.name, r.actor, dict(r.payload), r.created, r.seq) for r in rows]

    def latest_incident_entries(self, incident_id: int, limit: int) -> Sequence[JournalLine]:
        rows = models.JournalRecord.objects.filter(incident_id_ref=incident_id).order_by("-seq")[:limit]
        return [JournalLine(r.name, r.actor, dict(r.payload), r.created, r.seq) for r in rows]

    def count(self) -> int:
        return int(models.JournalRecord.objects.count())

    def head(self) -> str:
        head = models.JournalRecord.objects.order_by("-seq").values_list("seq", "hash").first()
        return f"{head[0]}:{head[1]}" if head else "0"

    def checkpoint(self) -> JournalCheckpoint:
        made = journal_store.checkpoint_now()
        return JournalCheckpoint(made.count, made.short_head, made.time)


def _journal_lock() -> AbstractContextManager[Any]:
    """The lock `journal_store.append` takes before its transaction (re-entrant): a unit of work
    takes it first too, so both take lock then transaction, in one order."""
    return journal_store._append_lock


class DjangoStore:
    """The crisis database as an `IncidentStore`: `unit_of_work()` is one `transaction.atomic()`."""

    def __init__(self) -> None:
        self._repository = DjangoRepository()
        self._journal = DjangoJournal()
        self._exercises = DjangoExercises()

    @property
    def repository(self) -> DjangoRepository:
        return self._repository

    @property
    def journal(self) -> DjangoJournal:
        return self._journal

    @property
    def exercises(self) -> DjangoExercises:
        return self._exercises

    @contextmanager
    def unit_of_work(self) -> Iterator[None]:
        with _journal_lock(), transaction.atomic():
            yield

    def now(self) -> datetime:
        moment: datetime = timezone.now()
        return moment


STORE = DjangoStore()
