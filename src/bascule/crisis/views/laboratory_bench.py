"""The laboratory's bench (Paillasse, issue 19): a scan field a USB barcode scanner types into (the
number, then Enter), the result form, and the critical results waiting for a second person.

Each scan, result and confirmation is one POST that redirects back to the page (PRG) with one
sentence: the sample's number and its new state, or why it was refused (an unknown number, a wrong
check character, a step out of order), and the scan field has the focus again for the next tube.
The sample log's use-cases (bascule.laboratory.samples.log) do the work in the continuity store
(BASCULE_CRISIS_STORE) and record who and when; a refused one changes nothing. Samples are named by
their number only: the patient reference never reaches this page. Laboratory role only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bascule.crisis.roles import Action, requires
from bascule.crisis.views.common import actor, get_incident, lang_of, refuse, text
from bascule.crisis.views.triage import store_path
from bascule.errors import UserError
from bascule.hospital.naming import label_of
from bascule.i18n import t
from bascule.incident import reading
from bascule.incident.model import Incident
from bascule.laboratory.samples import bench as bench_reads
from bascule.laboratory.samples import log as sample_log
from bascule.laboratory.samples.results import CHANNELS, FLAGS
from bascule.laboratory.samples.sample import SCAN_STEPS

# Longer than these is no one's scan or typing: cut before it reaches a sentence.
_CODE_LIMIT = 40
_FIELD_LIMIT = 200
# The session key of the one sentence the page shows after a redirect: (ok, English, French).
_SAID = "bench_said"


def _store() -> Path | None:
    store = store_path()
    return store if store is not None and store.is_file() else None


def _page_url(incident_id: int, **query: str) -> str:
    url = reverse("crisis:lab_bench", kwargs={"incident_id": incident_id})
    return f"{url}?{urlencode(query)}" if query else url


def _say(request: HttpRequest, ok: bool, english: str, french: str) -> None:
    request.session[_SAID] = [ok, english, french]


def _say_refused(request: HttpRequest, error: UserError) -> None:
    _say(request, False, error.message, error.french or error.message)


def _field(request: HttpRequest, name: str, limit: int = _FIELD_LIMIT) -> str:
    return str(request.POST.get(name, "")).strip()[:limit]


def _say_both(request: HttpRequest, ok: bool, key: str, **params: object) -> None:
    _say(request, ok, t(f"crisis.{key}", "en", **params), t(f"crisis.{key}", "fr", **params))


def _back(request: HttpRequest, incident_id: int) -> HttpResponse:
    """To the page, keeping the scan field's step and place (a hidden copy in every form)."""
    step, place = _field(request, "step"), _field(request, "place")
    return redirect(
        _page_url(incident_id, step=step, place=place) if step in SCAN_STEPS else _page_url(incident_id)
    )


def _no_store(request: HttpRequest) -> HttpResponse:
    return refuse(request, text(request, "bench_no_store"))


@requires(Action.SCAN_SAMPLES, form=True)
def bench(request: HttpRequest, incident_id: int) -> HttpResponse:
    """GET: the page; POST: one scanned code at the step and place chosen."""
    incident = get_incident(incident_id)
    store = _store()
    if request.method == "POST":
        if store is None:
            return _no_store(request)
        step, place = _field(request, "step"), _field(request, "place")
        if step not in SCAN_STEPS:
            return refuse(request, text(request, "bad_request"))
        code = _field(request, "code", _CODE_LIMIT)
        if not code:
            _say_both(request, False, "bench_empty_code")
        else:
            try:
                (answer,) = sample_log.scan(
                    store,
                    [code],
                    step,
                    actor=actor(request),
                    place=place,
                    at=timezone.now(),
                    reason=_field(request, "reason") or None,
                )
            except UserError as error:  # the store unreadable: said, nothing changed
                _say_refused(request, error)
            else:
                _say(request, answer.ok, answer.message, answer.french)
        return _back(request, incident.id)
    return _page(request, incident, store)


def _page(request: HttpRequest, incident: Incident, store: Path | None) -> HttpResponse:
    lang = lang_of(request)
    said = request.session.pop(_SAID, None)
    hospital = reading.incident_map(incident)
    step = request.GET.get("step", "received")
    context: dict[str, Any] = {
        "incident": incident,
        "store": store,
        "said": None if said is None else {"ok": said[0], "text": said[2] if lang == "fr" else said[1]},
        "steps": [(s, text(request, f"bench_step_{s}")) for s in SCAN_STEPS],
        "step": step if step in SCAN_STEPS else "received",
        "place": request.GET.get("place", "")[:_FIELD_LIMIT],
        "places": [(f.id, label_of(hospital, f.id)) for f in hospital.facilities],
        "flags": [(f, text(request, f"bench_flag_{f}")) for f in FLAGS],
        "channels": [(c, text(request, f"bench_channel_{c}")) for c in CHANNELS],
    }
    if store is not None:
        zone = hospital.hospital.zone()
        me = actor(request)
        try:
            mine = bench_reads.last_scans(store, me)
            awaiting = bench_reads.awaiting_confirmation(store)
        except UserError as error:
            context["problem"] = error.in_lang(lang)
        else:
            # A new visit starts where this person last scanned: the bench does not move.
            scanned_at = next((s.place for s in mine if s.state in SCAN_STEPS), "")
            context["place"] = context["place"] or scanned_at
            context["mine"] = [
                {"number": s.sample, "state": s.state, "place": s.place, "at": s.at.astimezone(zone)}
                for s in mine
            ]
            context["awaiting"] = [
                {
                    "number": r.sample,
                    "test": hospital.laboratory.test_name(r.test),
                    "value": r.current_value,
                    "unit": r.current_unit,
                    "entered_by": r.entered_by,
                    "entered_at": r.entered_at.astimezone(zone),
                    "channel": text(request, f"bench_channel_{r.channel}"),
                    "yours": r.entered_by == me or any(a.by == me for a in r.amendments[-1:]),
                }
                for r in awaiting
            ]
    response = render(request, "crisis/laboratory_bench.html", context)
    response["Cache-Control"] = "no-store"
    return response


@requires(Action.ENTER_RESULTS)
def enter_result(request: HttpRequest, incident_id: int) -> HttpResponse:
    """One result, entered at the lab or taken by phone (read back first)."""
    incident = get_incident(incident_id)
    store = _store()
    if store is None:
        return _no_store(request)
    try:
        entered = sample_log.enter_result(
            store,
            _field(request, "sample", _CODE_LIMIT),
            value=_field(request, "value"),
            unit=_field(request, "unit"),
            flag=_field(request, "flag"),
            by=actor(request),
            at=timezone.now(),
            channel=_field(request, "channel") or "lab",
            read_back=request.POST.get("read_back") == "on",
        )
    except UserError as error:
        _say_refused(request, error)
    else:
        key = "bench_result_done" if entered.released else "bench_result_critical"
        _say_both(request, True, key, number=entered.sample)
    return _back(request, incident.id)


@requires(Action.ENTER_RESULTS)
def confirm_result(request: HttpRequest, incident_id: int) -> HttpResponse:
    """A critical result confirmed by a second person (never whoever entered it)."""
    incident = get_incident(incident_id)
    store = _store()
    if store is None:
        return _no_store(request)
    try:
        confirmed = sample_log.confirm_result(
            store, _field(request, "sample", _CODE_LIMIT), by=actor(request), at=timezone.now()
        )
    except UserError as error:
        _say_refused(request, error)
    else:
        _say_both(request, True, "bench_confirmed", number=confirmed.sample)
    return _back(request, incident.id)
