"""The station's web face (WSGI): login, search, patient page, unit census, printing, the JSON API
and the station's status. Every route but the login page and the static files needs a logged-in
person or a bearer token; patient data needs a clinical role (nurse, doctor, break-glass); every
patient and unit opened is written to the access log. Only 127.0.0.1 serves it, and a request whose
Host is not the loopback is refused (a page elsewhere cannot rebind a name onto the station)."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape

from bascule.downtime.entries import Entry, PatientRef
from bascule.errors import UserError
from bascule.hospital.model import HospitalMap
from bascule.i18n import LANGS, Lang, t
from bascule.station.access_log import AccessLog
from bascule.station.accounts import Account, LoginRefused, StationAccounts
from bascule.station.recording import StationRecording
from bascule.station.viewer import texts
from bascule.station.viewer.chart_page import (
    DOSES_AHEAD,
    PatientShown,
    card_json,
    iso,
    patient_json,
    patient_shown,
)
from bascule.station.viewer.downtime_results import downtime_results
from bascule.station.viewer.http import Request, Response, as_json, html, redirect
from bascule.station.viewer.lab_menu_page import lab_menu_shown
from bascule.station.viewer.library import Library, Status
from bascule.station.viewer.opened import OpenedBundle
from bascule.station.viewer.printing import patient_sheet, unit_kit
from bascule.station.viewer.recording_pages import PATIENT_KINDS, RecordingPages
from bascule.station.viewer.sessions import Session, Sessions

log = logging.getLogger(__name__)

COOKIE = "bascule_station"
LOGIN_CSRF = "bascule_login"
CLINICAL = frozenset({"nurse", "doctor"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
STATIC_FILES = {"station.css": "text/css; charset=utf-8", "station.js": "text/javascript; charset=utf-8"}
SEARCH_LIMIT = 25
WRITING = re.compile(r"/register|/patients/[^/]+/record/[a-z_]+|/downtime/[^/]+/record/[a-z_]+")

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Caller:
    account: Account
    session: Session | None  # None: a bearer token


class Refusal(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


class StationApp:
    def __init__(
        self,
        library: Library,
        accounts: StationAccounts,
        access: AccessLog,
        hospital_map: HospitalMap,
        *,
        lang: Lang = "fr",
        idle: timedelta = timedelta(minutes=10),
        poll: timedelta = timedelta(seconds=15),
        clock: Clock = _now,
        recording: StationRecording | None = None,
    ) -> None:
        self.poll = poll
        self.recording = RecordingPages(recording)
        self.library = library
        self.accounts = accounts
        self.access = access
        self.map = hospital_map
        self.lang = lang
        self.clock = clock
        self.sessions = Sessions(idle, self._expired)
        self.templates = Environment(
            loader=PackageLoader("bascule.station.viewer", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.static = {
            name: resources.files("bascule.station.viewer").joinpath("static", name).read_bytes()
            for name in STATIC_FILES
        }

    # ---- plumbing -------------------------------------------------------------------------------

    def __call__(self, environ: Mapping[str, Any], start_response: Any) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        try:
            request = Request.from_environ(environ)
            response = self.handle(request)
        except ValueError:
            response = html("Bad request", 400)
        except Exception:
            log.exception("station viewer: request failed")  # the traceback holds ids, never a name
            response = html("Internal error", 500)
        return response.wsgi(start_response, method)

    def handle(self, request: Request) -> Response:
        host = request.headers.get("host", "")
        hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        if hostname not in LOOPBACK_HOSTS:
            return html("This station answers on 127.0.0.1 only.", 421)
        try:
            return self._route(request)
        except Refusal as refusal:
            return refusal.response

    def _route(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path.startswith("/static/"):
            return self._static(path.removeprefix("/static/"))
        if path == "/login":
            return self._login(request) if method == "POST" else self._login_page(request)
        if method not in ("GET", "HEAD", "POST"):
            return html("Method not allowed", 405)
        api = path.startswith("/api/")
        caller = self._caller(request, api=api)
        if path == "/logout" and method == "POST":
            return self._logout(request, caller)
        if method == "POST" and not WRITING.fullmatch(path):
            return html("Method not allowed", 405)
        if api:
            return self._api(request, caller)
        return self._page(request, caller)

    def _static(self, name: str) -> Response:
        if name not in STATIC_FILES:
            return html("Not found", 404)
        response = Response(200, self.static[name], STATIC_FILES[name])
        return response

    def _lang(self, request: Request, session: Session | None) -> Lang:
        wanted = request.query.get("lang")
        if wanted in LANGS:
            if session is not None:
                session.lang = wanted
            return wanted
        if session is not None and session.lang in LANGS:
            return session.lang
        return self.lang

    # ---- who is asking --------------------------------------------------------------------------

    def _caller(self, request: Request, *, api: bool) -> Caller:
        now = self.clock()
        token = request.bearer()
        if token is not None:
            account = self.accounts.account_for_token(token, now)
            if account is None:
                raise Refusal(as_json({"error": "invalid or expired token"}, 401))
            return Caller(account, None)
        poll = request.headers.get("x-bascule-poll") == "1"  # the page's status poll is not a person
        session = self.sessions.find(request.cookies.get(COOKIE), now, activity=not poll)
        if session is None:
            if api:
                raise Refusal(as_json({"error": "login required"}, 401))
            target = request.path + (
                "?" + "&".join(f"{k}={quote(v)}" for k, v in request.query.items()) if request.query else ""
            )
            raise Refusal(redirect("/login?next=" + quote(target, safe="")))
        return Caller(session.account, session)

    def _clinical(self, caller: Caller, lang: Lang, api: bool) -> None:
        if caller.account.role in CLINICAL or caller.account.breakglass:
            return
        message = t("station_view.no_patient_data", lang)
        if api:
            raise Refusal(as_json({"error": message}, 403))
        raise Refusal(
            html(self._render("message.html", None, lang, caller, title=message, message=message), 403)
        )

    def _expired(self, session: Session, now: datetime) -> None:
        self.access.record(session.account.name, "idle_logout", now)

    # ---- login ------------------------------------------------------------------------------------

    def _login_page(self, request: Request, error: str | None = None, status: int = 200) -> Response:
        lang = self._lang(request, None)
        token = request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(24)
        body = self._render(
            "login.html",
            None,
            lang,
            None,
            error=error,
            idle=request.query.get("idle") == "1" or request.form.get("idle") == "1",
            next=_local(request.query.get("next") or request.form.get("next") or "/"),
            login_csrf=token,
            idle_minutes=int(self.sessions.idle.total_seconds() // 60),
        )
        response = html(body, status)
        response.set_cookie(LOGIN_CSRF, token)
        return response

    def _login(self, request: Request) -> Response:
        lang = self._lang(request, None)
        expected = request.cookies.get(LOGIN_CSRF)
        if not expected or not secrets.compare_digest(expected, request.form.get("csrf", "")):
            return self._login_page(request, t("station_view.login_expired_form", lang), 400)
        now = self.clock()
        code = request.form.get("code", "").strip()
        try:
            if code:
                account = self.accounts.use_breakglass(code, now)
                self.access.record(account.name, "breakglass", now)
            else:
                name = request.form.get("name", "").strip()
                account = self.accounts.authenticate(name, request.form.get("password", ""), now)
        except LoginRefused as refused:
            typed = request.form.get("name", "").strip()
            known = {entry["name"] for entry in self.accounts.listing()}
            # A name that is no account is logged as such: people type their passphrase there.
            who = "breakglass" if code else (typed if typed in known else "(unknown name)")
            self.access.record(who, "login_failed", now)
            return self._login_page(request, refused.in_lang(lang), 401)
        session = self.sessions.start(account, now)
        session.lang = lang
        self.access.record(account.name, "login", now)
        response = redirect(_local(request.form.get("next") or "/"))
        response.set_cookie(COOKIE, session.key)
        response.set_cookie(LOGIN_CSRF, "", max_age=0)
        return response

    def _logout(self, request: Request, caller: Caller) -> Response:
        if caller.session is None or not secrets.compare_digest(
            caller.session.csrf, request.form.get("csrf", "")
        ):
            return html("Bad request", 400)
        self.sessions.end(caller.session.key)
        self.access.record(caller.account.name, "logout", self.clock())
        response = redirect("/login")
        response.set_cookie(COOKIE, "", max_age=0)
        return response

    # ---- pages ------------------------------------------------------------------------------------

    def _page(self, request: Request, caller: Caller) -> Response:
        lang = self._lang(request, caller.session)
        path = request.path
        if path == "/status":
            return html(
                self._render(
                    "status.html",
                    None,
                    lang,
                    caller,
                    accounts=self.accounts.listing() if caller.account.role == "admin" else None,
                )
            )
        if path == "/" and caller.account.role == "admin" and not caller.account.breakglass:
            return redirect("/status")
        self._clinical(caller, lang, api=False)
        with self.library.leased() as bundle:
            if bundle is None:
                return html(
                    self._render(
                        "message.html",
                        None,
                        lang,
                        caller,
                        title=t("station_view.no_bundle", lang),
                        message=t("station_view.no_bundle_long", lang),
                    ),
                    503,
                )
            return self._clinical_page(request, caller, bundle, lang)

    def _clinical_page(self, request: Request, caller: Caller, bundle: OpenedBundle, lang: Lang) -> Response:
        path = request.path
        now = self.clock()
        written = self._writing(request, caller, bundle, lang)
        if written is not None:
            return written
        if path == "/":
            query = request.query.get("q", "").strip()
            hits = [hit.card for hit in bundle.index.search(query, SEARCH_LIMIT)] if query else []
            if query:  # who looked someone up: the count only, what was typed is patient data
                self.access.record(caller.account.name, "search", now, detail=str(len(hits)))
            return html(
                self._render(
                    "search.html",
                    bundle,
                    lang,
                    caller,
                    query=query,
                    hits=hits,
                    registered=self.recording.registered_matching(query) if query else [],
                    can_record=self.recording.can_record(),
                )
            )
        if path == "/units":
            counts = {unit: len(bundle.index.by_unit(unit)) for unit in bundle.units}
            return html(
                self._render(
                    "units.html",
                    bundle,
                    lang,
                    caller,
                    units=sorted(bundle.units.values(), key=lambda u: u.name.lower()),
                    counts=counts,
                )
            )
        if path == "/laboratory":
            menu = lab_menu_shown(bundle.store(), self.map, lang)
            return html(self._render("laboratory.html", bundle, lang, caller, menu=menu))
        if match := re.fullmatch(r"/units/([^/]+)(/kit\.pdf)?", path):
            unit_id = match.group(1)
            if unit_id not in bundle.units:
                return self._not_found(bundle, lang, caller)
            if match.group(2):
                self.access.record(caller.account.name, "print_unit", now, unit_id=unit_id)
                return _pdf(
                    unit_kit(bundle, self.map, unit_id, lang, self.library.max_age), f"kit-{unit_id}.pdf"
                )
            self.access.record(caller.account.name, "open_unit", now, unit_id=unit_id)
            unit = bundle.units[unit_id]
            return html(
                self._render(
                    "unit.html", bundle, lang, caller, unit=unit, patients=bundle.index.by_unit(unit_id)
                )
            )
        if match := re.fullmatch(r"/patients/([^/]+)(/sheet\.pdf)?", path):
            patient_id = match.group(1)
            card = bundle.index.get(patient_id)
            if card is None:
                return self._not_found(bundle, lang, caller)
            if match.group(2):
                try:
                    pdf = patient_sheet(bundle, self.map, patient_id, lang, self.library.max_age)
                except UserError as error:
                    return html(
                        self._render(
                            "message.html",
                            bundle,
                            lang,
                            caller,
                            title=error.in_lang(lang),
                            message=error.in_lang(lang),
                        ),
                        404,
                    )
                self.access.record(caller.account.name, "print_patient", now, patient_id=patient_id)
                return _pdf(pdf, f"patient-{patient_id}.pdf")
            self.access.record(caller.account.name, "open_patient", now, patient_id=patient_id)
            shown = self._patient(bundle, patient_id, lang)
            entries = self.recording.entries_for(PatientRef(patient_id=patient_id))
            recorded = request.query.get("recorded")
            return html(
                self._render(
                    "patient.html",
                    bundle,
                    lang,
                    caller,
                    p=shown,
                    entries=entries,
                    kinds=PATIENT_KINDS,
                    can_record=self.recording.can_record(),
                    recorded=recorded if recorded and any(e.key == recorded for e in entries) else None,
                )
            )
        return self._not_found(bundle, lang, caller)

    def _writing(self, request: Request, caller: Caller, bundle: OpenedBundle, lang: Lang) -> Response | None:
        """The recording screens (registration, entries); None for any other path."""
        csrf = caller.session.csrf if caller.session else ""

        def render(template: str, **values: Any) -> str:
            return self._render(template, bundle, lang, caller, **values)

        def logged(entry: Entry) -> None:
            self.access.record(
                caller.account.name,
                "record",
                self.clock(),
                patient_id=entry.patient.patient_id,
                detail=entry.key,
            )

        return self.recording.handle(
            request, bundle, caller.account.name, lang, self.clock(), render, csrf, logged
        )

    def _not_found(self, bundle: OpenedBundle | None, lang: Lang, caller: Caller) -> Response:
        message = t("station_view.not_found", lang)
        return html(self._render("message.html", bundle, lang, caller, title=message, message=message), 404)

    def _patient(self, bundle: OpenedBundle, patient_id: str, lang: Lang) -> PatientShown:
        card = bundle.index.get(patient_id)
        assert card is not None
        store = bundle.store()
        at = bundle.facts.data_time
        chart = store.chart(patient_id, at=at, results_since=timedelta(hours=72))
        doses = []
        if card.in_census and card.unit_id is not None:
            start = at.replace(minute=0, second=0, microsecond=0)
            doses = store.medication_schedule(
                start, start + DOSES_AHEAD, card.unit_id, patient_id=patient_id, places=bundle.places
            )
        shown = patient_shown(card, chart, doses, at, lang, bundle.zone)
        references = [ref for ref in (card.mrn, *card.downtime_numbers) if ref]
        given, awaiting = downtime_results(store, references, self.map)
        return replace(shown, downtime_results=given, awaiting_confirmation=awaiting)

    # ---- API --------------------------------------------------------------------------------------

    def _api(self, request: Request, caller: Caller) -> Response:
        lang = self._lang(request, caller.session)
        if request.path == "/api/status":
            return as_json(self._status_json(self.library.status))
        self._clinical(caller, lang, api=True)
        with self.library.leased() as bundle:
            if bundle is None:
                return as_json({"error": t("station_view.no_bundle", lang)}, 503)
            return self._api_data(request, caller, bundle, lang)

    def _api_data(self, request: Request, caller: Caller, bundle: OpenedBundle, lang: Lang) -> Response:
        zone = bundle.zone
        data_time = iso(bundle.facts.data_time, zone)
        path = request.path
        if path == "/api/patients":
            hits = bundle.index.search(request.query.get("q", ""), SEARCH_LIMIT)
            self.access.record(caller.account.name, "search", self.clock(), detail=str(len(hits)))
            return as_json(
                {
                    "data_time": data_time,
                    "patients": [card_json(hit.card, zone) | {"match": hit.how} for hit in hits],
                }
            )
        if match := re.fullmatch(r"/api/patients/([^/]+)", path):
            patient_id = match.group(1)
            if bundle.index.get(patient_id) is None:
                return as_json({"error": "no such patient"}, 404)
            self.access.record(caller.account.name, "open_patient", self.clock(), patient_id=patient_id)
            return as_json(
                {"data_time": data_time} | patient_json(self._patient(bundle, patient_id, lang), zone)
            )
        if match := re.fullmatch(r"/api/units/([^/]+)", path):
            unit_id = match.group(1)
            unit = bundle.units.get(unit_id)
            if unit is None:
                return as_json({"error": "no such unit"}, 404)
            self.access.record(caller.account.name, "open_unit", self.clock(), unit_id=unit_id)
            patients = [card_json(card, zone) for card in bundle.index.by_unit(unit_id)]
            return as_json(
                {
                    "data_time": data_time,
                    "unit": unit.id,
                    "name": unit.name,
                    "beds": unit.beds,
                    "patients": patients,
                }
            )
        return as_json({"error": "not found"}, 404)

    def _status_json(self, status: Status) -> dict[str, Any]:
        now = self.clock()
        facts = status.facts
        age = status.age(now)
        return {
            "data_time": facts.data_time.isoformat(timespec="seconds") if facts else None,
            "sequence": facts.sequence if facts else None,
            "age_seconds": int(age.total_seconds()) if age is not None else None,
            "max_age_seconds": int(status.max_age.total_seconds()),
            "stale": status.stale(now),
            "banner": texts.banner(status, now, self.lang),
            "banner_en": texts.banner(status, now, "en"),
            "banner_fr": texts.banner(status, now, "fr"),
            "refused": [{"bundle": r.bundle, "reason": r.reason} for r in status.refused],
            "picked_up_at": status.picked_up_at.isoformat(timespec="seconds")
            if status.picked_up_at
            else None,
            "checked_at": status.checked_at.isoformat(timespec="seconds") if status.checked_at else None,
            "problem": status.problem,
        }

    # ---- rendering --------------------------------------------------------------------------------

    def _render(
        self, template: str, bundle: OpenedBundle | None, lang: Lang, caller: Caller | None, **values: Any
    ) -> str:
        now = self.clock()
        status = self.library.status
        zone = bundle.zone if bundle is not None else UTC

        def tr(key: str, **params: object) -> str:
            return t(f"station_view.{key}", lang, **params)

        return self.templates.get_template(template).render(
            lang=lang,
            other_lang="en" if lang == "fr" else "fr",
            tr=tr,
            caller=caller,
            csrf=caller.session.csrf if caller and caller.session else "",
            status=status,
            banner=texts.banner(status, now, lang),
            stale=status.stale(now),
            notice=texts.pickup_notice(status, now, lang, zone),
            refused=status.refused,
            sequence=status.facts.sequence if status.facts else 0,
            idle_seconds=int(self.sessions.idle.total_seconds()),
            poll_seconds=max(1, int(self.poll.total_seconds())),
            hospital=self.map.hospital.name,
            when=lambda moment, style="short": texts.when(moment, zone, style, now),
            unit_name=bundle.unit_name if bundle else (lambda unit: unit),
            shown_value=lambda name, value: texts.entry_value(name, value, zone, now, lang),
            **values,
        )


def _pdf(data: bytes, name: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)  # ids come from the source: never raw in a header
    return Response(
        200, data, "application/pdf", headers=[("Content-Disposition", f'inline; filename="{safe}"')]
    )


def _local(target: str) -> str:
    """Only a path on this station: never an address elsewhere (`//host`, `https://`)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
