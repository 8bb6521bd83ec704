"""What the crisis cell stores: accounts, incidents, hits, restoration progress and plans, the
journal, notes and decisions, actions and situation reports.

Every change to an incident bumps `Incident.version`, which every open screen polls cheaply.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.db import models
from django.db.models import Q

from bascule.crisis.roles import Role


class Account(AbstractUser):
    # ASCII names only: they are written in the journal, which holds ids and never free text.
    username_validator = ASCIIUsernameValidator()
    username = models.CharField(max_length=150, unique=True, validators=[username_validator])
    role = models.CharField(max_length=20, choices=[(r.value, r.value) for r in Role], default=Role.OBSERVER)
    lang = models.CharField(max_length=2, choices=[("fr", "fr"), ("en", "en")], blank=True, default="")
    # A password someone else knows (the demo's, printed on a terminal): every page sends the account
    # to the password change page until its holder has chosen their own (crisis.middleware).
    must_change_password = models.BooleanField(default=False)


class Incident(models.Model):
    title = models.CharField(max_length=200)
    map_source = models.CharField(max_length=200)
    map_text = models.TextField()
    map_sha256 = models.CharField(max_length=64)
    lang = models.CharField(max_length=2, default="fr")
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveBigIntegerField(default=1)
    # When isolated segments and hit suppliers are expected back, in hours after opening (for the plan).
    reconnect = models.JSONField(default=dict, blank=True)
    supplier_back = models.JSONField(default=dict, blank=True)
    # Moved by every change of the situation (hits, tasks, return times, notes, actions), not by making
    # a plan or a report: one made before it is out of date (bascule.crisis.repository.DjangoRepository.bump).
    changed_at = models.DateTimeField(auto_now=True)
    # An exercise, played on purpose: every page, printed page, report and message says so.
    exercise = models.BooleanField(default=False)


class Hit(models.Model):
    """Something declared hit: a node compromised, a segment isolated or a supplier down."""

    NODE, SEGMENT, SUPPLIER = "node", "segment", "supplier"
    KINDS = ((NODE, NODE), (SEGMENT, SEGMENT), (SUPPLIER, SUPPLIER))

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="hits")
    kind = models.CharField(max_length=10, choices=KINDS)
    target = models.CharField(max_length=128)
    declared_at = models.DateTimeField(auto_now_add=True)
    declared_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=["incident", "lifted_at"]),)
        # Two people declaring the same thing at once make one declaration, not two.
        constraints = (
            models.UniqueConstraint(
                fields=["incident", "kind", "target"],
                condition=Q(lifted_at__isnull=True),
                name="one_active_hit",
            ),
        )


class TaskProgress(models.Model):
    """A restoration task marked started or done by the IT teams."""

    STARTED, DONE = "started", "done"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="progress")
    node = models.CharField(max_length=128)
    state = models.CharField(max_length=10, choices=[(STARTED, STARTED), (DONE, DONE)])
    team = models.CharField(max_length=128, blank=True, default="")
    hours = models.FloatField(help_text="hours since the incident opened")
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["incident", "node"], name="one_progress_per_task"),)


class StoredPlan(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="plans")
    created_at = models.DateTimeField(auto_now_add=True)
    at_hours = models.FloatField()
    plan_json = models.JSONField()
    incident_version = models.PositiveBigIntegerField()


class JournalRecord(models.Model):
    """One stored entry of the hash chain (see bascule.journal); never updated, never deleted."""

    seq = models.PositiveBigIntegerField(unique=True)
    name = models.CharField(max_length=128)
    created = models.DateTimeField()
    actor = models.CharField(max_length=150)
    incident_id_ref = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ("seq",)


class JournalHead(models.Model):
    """One row, locked while an entry is appended so that two writers never share a predecessor."""

    seq = models.PositiveBigIntegerField(default=0)


class Note(models.Model):
    """A note or a decision of the crisis cell; the journal keeps its number and digest."""

    NOTE, DECISION = "note", "decision"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=[(NOTE, NOTE), (DECISION, DECISION)])
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")


class CellAction(models.Model):
    """A task of the crisis cell, owned by a person or a role, due at a time."""

    OPEN, IN_PROGRESS, DONE, CANCELLED = "open", "in_progress", "done", "cancelled"
    STATUSES = tuple((s, s) for s in (OPEN, IN_PROGRESS, DONE, CANCELLED))

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300)
    owner_user = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    owner_role = models.CharField(max_length=20, blank=True, default="")
    due_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=STATUSES, default=OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")


class SituationReport(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sitreps")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    lang = models.CharField(max_length=2)
    content = models.JSONField()


class StartedProcedure(models.Model):
    """A care process the cell switched to its fallback procedure (once per incident)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="procedures")
    process = models.CharField(max_length=128)
    procedure = models.CharField(max_length=128)
    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["incident", "process"], name="one_start_per_process"),)


class ExerciseRun(models.Model):
    """The exercise an incident plays: the script as kept (a JSON document), and its clock."""

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="exercise_run")
    script_id = models.CharField(max_length=128)
    document = models.JSONField()
    script_sha256 = models.CharField(max_length=64)
    speed = models.FloatField(default=1.0)
    automatic = models.BooleanField(default=True)
    started_at = models.DateTimeField()
    # [[start, end or null], ...] in ISO 8601: the clock stands still in each.
    pauses = models.JSONField(default=list, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)


class InjectRelease(models.Model):
    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="releases")
    inject_id = models.CharField(max_length=128)
    minute = models.FloatField()
    automatic = models.BooleanField(default=False)
    released_at = models.DateTimeField(auto_now_add=True)
    released_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = (models.UniqueConstraint(fields=["run", "inject_id"], name="one_release_per_inject"),)


class DecisionMark(models.Model):
    """The facilitator's word on an expected decision (the last one counts)."""

    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="marks")
    decision_id = models.CharField(max_length=128)
    minute = models.FloatField()
    met = models.BooleanField(default=True)
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")


class ImprovementAction(models.Model):
    """An improvement written at an exercise; carried to the next exercise on the same map."""

    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="improvements")
    text = models.CharField(max_length=300)
    owner_role = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    carried_to = models.ForeignKey(
        Incident, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
