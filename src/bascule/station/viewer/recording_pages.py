"""The station's writing screens (nurses and doctors): register a patient under a downtime number,
and record arrivals, transfers, discharges, vital signs, drugs given against the chart, results
received by phone and notes, for a patient of the bundle or one registered during the outage.

Each form is drawn from the entry kind's fields (bascule.downtime.entries), so the screen asks for
exactly what the entry checks. Times are typed in the hospital's local time; the station adds the
offset. A refused entry comes back with its one sentence and what was typed; nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bascule.downtime.entries import FIELDS, Entry, PatientRef, downtime_number
from bascule.errors import UserError
from bascule.i18n import Lang, t
from bascule.lookup.folding import fold, tokens
from bascule.station.recording import StationRecording
from bascule.station.viewer.http import Request, Response, html, redirect
from bascule.station.viewer.opened import OpenedBundle

PATIENT_KINDS = ("vitals", "administration", "phone_result", "note", "arrival", "transfer", "discharge")
Render = Callable[..., str]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str  # input type: text, number, datetime-local, date, select
    required: bool
    choices: tuple[tuple[str, str], ...]  # (value, label) for a select
    value: str


def local_input(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _aware(text: str, zone: tzinfo) -> str:
    """A datetime-local value (no offset) read in the hospital's zone, as ISO 8601 with its offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text  # the entry's own check says it in one sentence
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


def form_fields(
    kind: str,
    values: Mapping[str, str],
    lang: Lang,
    now: datetime,
    zone: tzinfo,
    orders: tuple[tuple[str, str], ...],
) -> list[FormField]:
    fields = []
    for spec in FIELDS[kind]:  # type: ignore[index]
        label = t(f"station_view.field_{spec.name}", lang)
        value = values.get(spec.name, "")
        choices: tuple[tuple[str, str], ...] = ()
        kind_of_input = {"number": "number", "datetime": "datetime-local", "date": "date"}.get(
            spec.type, "text"
        )
        if spec.type == "datetime" and not value:
            value = local_input(now, zone)
        if spec.type in ("code", "yes_no"):
            kind_of_input = "select"
            codes = spec.codes if spec.type == "code" else ("yes", "no")
            choices = (("", "—"), *((code, t(f"station_view.code_{code}", lang)) for code in codes))
        if kind == "administration" and spec.name == "order_id":
            kind_of_input = "select"
            choices = (("", t("station_view.no_order", lang)), *orders)
        fields.append(FormField(spec.name, label, kind_of_input, spec.required, choices, value))
    return fields


def _typed(request: Request, kind: str, zone: tzinfo) -> dict[str, str]:
    typed = {}
    for spec in FIELDS[kind]:  # type: ignore[index]
        value = request.form.get(spec.name, "").strip()
        typed[spec.name] = _aware(value, zone) if spec.type == "datetime" and value else value
    return typed


class RecordingPages:
    """Drawn by the StationApp for a clinical caller; `render(template, **values)` is the app's."""

    def __init__(self, recording: StationRecording | None) -> None:
        self.recording = recording

    def can_record(self) -> bool:
        return self.recording is not None and self.recording.code is not None

    def entries_for(self, ref: PatientRef) -> list[Entry]:
        if not self.can_record():
            return []
        assert self.recording is not None
        return [entry for entry in self.recording.entries() if entry.patient == ref]

    def registered_matching(self, query: str) -> list[Entry]:
        """Patients registered on this station under a downtime number whose name or number the
        query names (every word of it): the bundle cannot know them, the search must."""
        words = tokens(query)
        if not words or not self.can_record():
            return []
        assert self.recording is not None
        found = []
        for entry in self.recording.entries():
            if entry.kind != "registration":
                continue
            known = set(tokens(" ".join(str(entry.data.get(k) or "") for k in ("family", "given"))))
            known |= set(tokens(entry.patient.downtime_id or "")) | {fold(entry.patient.downtime_id or "")}
            if all(any(k.startswith(w) for k in known) for w in words) or fold(query) in known:
                found.append(entry)
        return found

    def handle(
        self,
        request: Request,
        bundle: OpenedBundle,
        author: str,
        lang: Lang,
        now: datetime,
        render: Render,
        csrf: str,
        logged: Callable[[Entry], None],
    ) -> Response | None:
        """The answer for a writing route, or None when the path is not one."""
        path = request.path
        if path == "/register":
            return self._form(request, bundle, author, lang, now, render, csrf, logged, "registration", None)
        if match := re.fullmatch(r"/patients/([^/]+)/record/([a-z_]+)", path):
            patient_id, kind = match.groups()
            if bundle.index.get(patient_id) is None or kind not in PATIENT_KINDS:
                return None
            return self._form(
                request,
                bundle,
                author,
                lang,
                now,
                render,
                csrf,
                logged,
                kind,
                PatientRef(patient_id=patient_id),
            )
        if match := re.fullmatch(r"/downtime/([^/]+)/record/([a-z_]+)", path):
            number, kind = match.groups()
            if kind not in PATIENT_KINDS:
                return None
            try:
                ref = PatientRef(downtime_id=downtime_number(number))
            except UserError:
                return None
            return self._form(request, bundle, author, lang, now, render, csrf, logged, kind, ref)
        if match := re.fullmatch(r"/downtime/([^/]+)", path):
            try:
                ref = PatientRef(downtime_id=downtime_number(match.group(1)))
            except UserError:
                return None
            entries = self.entries_for(ref)
            registration = next((e for e in entries if e.kind == "registration"), None)
            return html(
                render(
                    "downtime_patient.html",
                    number=ref.downtime_id,
                    registration=registration,
                    entries=entries,
                    kinds=PATIENT_KINDS,
                    can_record=self.can_record(),
                )
            )
        return None

    def _form(
        self,
        request: Request,
        bundle: OpenedBundle,
        author: str,
        lang: Lang,
        now: datetime,
        render: Render,
        csrf: str,
        logged: Callable[[Entry], None],
        kind: str,
        ref: PatientRef | None,
    ) -> Response:
        zone = bundle.zone
        orders = self._orders(bundle, ref, lang)
        error: str | None = None
        values: dict[str, str] = {}
        if request.method == "POST":
            if request.form.get("csrf") != csrf or not csrf:
                return html("Bad request", 400)
            values = _typed(request, kind, zone)
            try:
                if not self.can_record():
                    raise UserError(
                        "This station does not record yet.", fr="Ce poste ne permet pas encore la saisie."
                    )
                assert self.recording is not None
                target = ref
                if kind == "registration":
                    target = PatientRef(downtime_id=request.form.get("downtime_id", ""))
                if kind == "administration" and not values.get("drug") and values.get("order_id"):
                    values["drug"] = dict(orders).get(values["order_id"], "")
                assert target is not None
                entry = self.recording.record(
                    author, kind, target, {k: v for k, v in values.items() if v}, now
                )
            except UserError as refused:
                error = refused.in_lang(lang)
            else:
                logged(entry)
                back = (
                    f"/patients/{entry.patient.patient_id}"
                    if entry.patient.patient_id
                    else f"/downtime/{entry.patient.downtime_id}"
                )
                return redirect(f"{back}?recorded={entry.key}")
        fields = form_fields(kind, values, lang, now, zone, orders)
        card = bundle.index.get(ref.patient_id) if ref and ref.patient_id else None
        body = render(
            "record.html",
            kind=kind,
            fields=fields,
            error=error,
            card=card,
            number=ref.downtime_id if ref else None,
            downtime_value=request.form.get("downtime_id", ""),
            can_record=self.can_record(),
        )
        return html(body, 400 if error else 200)

    @staticmethod
    def _orders(bundle: OpenedBundle, ref: PatientRef | None, lang: Lang) -> tuple[tuple[str, str], ...]:
        """The patient's current orders, to record a dose against the chart."""
        if ref is None or ref.patient_id is None:
            return ()
        chart = bundle.store().chart(ref.patient_id, at=bundle.facts.data_time)
        return tuple((order.id, order.drug) for order in chart.orders if order.is_to_give)
