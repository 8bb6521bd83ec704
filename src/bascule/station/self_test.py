"""The station's monthly self-test, run by `station check` after the bundle check: what a hospital
needs to know works before the night it is needed.

- viewer: the bundle in use opens with the viewer's own Library, the real StationApp answers under
  waitress on 127.0.0.1 (login page 200; the API without credentials 401), and once stopped the
  decrypted copy is gone;
- test_patient: the MRN of a test patient the hospital keeps in its EHR is found, and only it;
- printer: a one-page test PDF is accepted by the ward's CUPS queue (a stopped queue fails).

A check that is not configured has `ok` None (a warning, not a failure): no test patient, no
printer, or no account yet (a station that only prints kits has none; `station serve` says so). Output names only the MRN
the hospital configured and patient ids, never a patient's name.
"""

from __future__ import annotations

import contextlib
import http.client
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from bascule import i18n
from bascule.durable import write_atomically
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.lookup.query import normalise_identifier
from bascule.station.access_log import AccessLog
from bascule.station.accounts import StationAccounts
from bascule.station.check import StationReport
from bascule.station.print_queue import PrintQueue
from bascule.station.self_test_settings import SelfTestSettings
from bascule.station.state import Layout, load_state
from bascule.station.test_page import TITLE, render_test_page
from bascule.station.viewer.library import Library
from bascule.station.viewer.opened import OpenedBundle
from bascule.station.viewer.web import StationApp

EXIT_SELF_TEST = 6
HTTP_TIMEOUT_SECONDS = 30

Check = Literal["viewer", "test_patient", "printer"]

i18n.register(
    "self_test",
    {
        "viewer_ok": {
            "fr": "le visualiseur a répondu sur 127.0.0.1:{port} (connexion 200, API sans identifiant 401) "
            "avec le lot {sequence}, puis sa copie déchiffrée a été effacée",
            "en": "the viewer answered on 127.0.0.1:{port} (login 200, API without credentials 401) with "
            "bundle {sequence}, then its decrypted copy was wiped",
        },
        "no_bundle": {
            "fr": "aucun lot vérifié à ouvrir : le visualiseur n'aurait rien à montrer",
            "en": "no verified bundle to open: the viewer would have nothing to show",
        },
        "not_opened": {
            "fr": "le lot en service ne s'ouvre pas : {problem}",
            "en": "the bundle in use does not open: {problem}",
        },
        "no_answer": {
            "fr": "le visualiseur ne répond pas sur 127.0.0.1 : {problem}",
            "en": "the viewer does not answer on 127.0.0.1: {problem}",
        },
        "bad_answer": {
            "fr": "le visualiseur a répondu {status} à {path} au lieu de {expected}",
            "en": "the viewer answered {status} to {path} instead of {expected}",
        },
        "no_account": {
            "fr": "le visualiseur marche mais ne démarrera pas avant qu'un compte existe "
            "(bascule station users add)",
            "en": "the viewer works but will not start until an account exists (bascule station users add)",
        },
        "not_wiped": {
            "fr": "la copie déchiffrée {path} est restée après l'arrêt du visualiseur",
            "en": "the decrypted copy {path} was left after the viewer stopped",
        },
        "not_configured": {
            "fr": "non configuré (bascule station configure {option})",
            "en": "not configured (bascule station configure {option})",
        },
        "patient_ok": {
            "fr": "le patient de test IPP {mrn} est trouvé : patient {patient_id}",
            "en": "test patient MRN {mrn} found: patient {patient_id}",
        },
        "patient_missing": {
            "fr": "le patient de test IPP {mrn} est introuvable dans le lot en service",
            "en": "test patient MRN {mrn} is not found in the bundle in use",
        },
        "patient_twice": {
            "fr": "l'IPP de test {mrn} désigne plusieurs patients : {patient_ids}",
            "en": "test MRN {mrn} names several patients: {patient_ids}",
        },
        "patient_not_first": {
            "fr": "la recherche de l'IPP de test {mrn} montre d'abord le patient {first}, pas {patient_id}",
            "en": "searching test MRN {mrn} shows patient {first} first, not {patient_id}",
        },
        "patient_no_bundle": {
            "fr": "le patient de test IPP {mrn} n'a pas pu être cherché : aucun lot ouvert",
            "en": "test patient MRN {mrn} could not be searched: no bundle open",
        },
        "printed": {
            "fr": "la file {queue} a accepté la page de test (demande {request_id})",
            "en": "queue {queue} accepted the test page (request {request_id})",
        },
        "missing_client": {
            "fr": "les commandes d'impression lp et lpstat manquent (apt install cups-client)",
            "en": "the printing commands lp and lpstat are missing (apt install cups-client)",
        },
        "no_server": {
            "fr": "le serveur d'impression {said} ne répond pas (file {queue})",
            "en": "the print server {said} does not answer (queue {queue})",
        },
        "no_queue": {
            "fr": "la file {queue} est introuvable sur le serveur d'impression ({said})",
            "en": "queue {queue} is not found on the print server ({said})",
        },
        "stopped": {
            "fr": "la file {queue} est arrêtée : rien n'en sort (cupsenable {queue} la relance)",
            "en": "queue {queue} is stopped: nothing comes out of it (cupsenable {queue} starts it)",
        },
        "refused": {
            "fr": "la file {queue} a refusé la page de test ({said})",
            "en": "queue {queue} refused the test page ({said})",
        },
    },
)


@dataclass(frozen=True)
class SelfTestCheck:
    """One check's outcome: `ok` None when not configured. The sentence is rendered in the reader's
    language from `text` and `params` (ids, the configured MRN, queue names: never a patient's name)."""

    check: Check
    ok: bool | None
    text: str
    params: Mapping[str, object] = field(default_factory=dict)

    def detail(self, lang: Lang) -> str:
        return t(f"self_test.{self.text}", lang, **self.params)

    def to_json(self, lang: Lang) -> dict[str, Any]:
        return {"check": self.check, "ok": self.ok, "detail": self.detail(lang)}


@dataclass(frozen=True)
class SelfTest:
    checks: tuple[SelfTestCheck, ...]

    @property
    def exit_code(self) -> int:
        return EXIT_SELF_TEST if any(check.ok is False for check in self.checks) else 0


def run_self_test(
    report: StationReport,
    settings: SelfTestSettings,
    hospital_map: HospitalMap,
    *,
    memory: Path | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SelfTest:
    """The three checks, in the order a person fixes them: viewer, test patient, printer."""
    viewer, patient = _viewer_and_test_patient(report, settings, hospital_map, memory)
    hospital = load_state(Layout(report.root)).hospital
    return SelfTest((viewer, patient, _printer(settings, hospital, report.root, now())))


def _viewer_and_test_patient(
    report: StationReport, settings: SelfTestSettings, hospital_map: HospitalMap, memory: Path | None
) -> tuple[SelfTestCheck, SelfTestCheck]:
    mrn = settings.test_patient
    unsearched = (
        SelfTestCheck("test_patient", False, "patient_no_bundle", {"mrn": mrn})
        if mrn
        else SelfTestCheck("test_patient", None, "not_configured", {"option": "--test-patient MRN"})
    )
    if report.seal is None:
        return SelfTestCheck("viewer", False, "no_bundle"), unsearched
    layout = Layout(report.root)
    library = Library(report.root, report.max_age, memory=memory)
    copy: Path | None = None
    try:
        status = library.refresh()
        with library.leased() as bundle:
            if bundle is None:
                problem = status.problem or "?"
                return SelfTestCheck("viewer", False, "not_opened", {"problem": problem}), unsearched
            copy = bundle.store_path
            sequence = bundle.facts.sequence
            patient = _test_patient(bundle, mrn) if mrn else unsearched
        app = StationApp(library, StationAccounts(layout), AccessLog(layout), hospital_map)
        viewer = _answers(app, sequence)
        if viewer.ok and not app.accounts.listing():  # a station that only prints kits needs none
            viewer = SelfTestCheck("viewer", None, "no_account")
    finally:
        library.close()
    if viewer.ok and copy is not None and copy.exists():
        viewer = SelfTestCheck("viewer", False, "not_wiped", {"path": copy})
    return viewer, patient


def _answers(app: StationApp, sequence: int) -> SelfTestCheck:
    """Serve `app` with waitress on a free port of 127.0.0.1 and ask it two things, as a browser and
    a script would."""
    try:
        with _served(app) as port:
            expectations = (("/login", 200, "<form"), ("/api/status", 401, None))
            for path, expected, content in expectations:
                status, body = _get(port, path)
                if status != expected or (content is not None and content not in body):
                    return SelfTestCheck(
                        "viewer", False, "bad_answer", {"status": status, "path": path, "expected": expected}
                    )
    except (OSError, http.client.HTTPException) as error:
        problem = getattr(error, "strerror", None) or type(error).__name__
        return SelfTestCheck("viewer", False, "no_answer", {"problem": problem})
    return SelfTestCheck("viewer", True, "viewer_ok", {"port": port, "sequence": sequence})


@contextlib.contextmanager
def _served(app: StationApp) -> Iterator[int]:
    import waitress

    from bascule.station.viewer import serving

    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=2, ident="bascule-self-test")
    stop = threading.Event()
    thread = threading.Thread(
        target=serving.run_until, args=(server, stop), name="station-self-test", daemon=True
    )
    thread.start()
    try:
        yield int(server.effective_port)
    finally:
        stop.set()
        thread.join(timeout=HTTP_TIMEOUT_SECONDS)
        serving.close(server, timeout=HTTP_TIMEOUT_SECONDS)


def _get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_SECONDS)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _test_patient(bundle: OpenedBundle, mrn: str) -> SelfTestCheck:
    wanted = normalise_identifier(mrn)
    hits = bundle.index.search(mrn)
    carrying = [hit.card.id for hit in hits if hit.card.mrn and normalise_identifier(hit.card.mrn) == wanted]
    params: dict[str, object] = {"mrn": mrn}
    if not carrying:
        return SelfTestCheck("test_patient", False, "patient_missing", params)
    if len(carrying) > 1:
        return SelfTestCheck(
            "test_patient", False, "patient_twice", {**params, "patient_ids": ", ".join(carrying)}
        )
    if hits[0].card.id != carrying[0]:
        return SelfTestCheck(
            "test_patient",
            False,
            "patient_not_first",
            {**params, "first": hits[0].card.id, "patient_id": carrying[0]},
        )
    return SelfTestCheck("test_patient", True, "patient_ok", {**params, "patient_id": carrying[0]})


def _printer(settings: SelfTestSettings, hospital: str, folder: Path, when: datetime) -> SelfTestCheck:
    if settings.printer is None:
        return SelfTestCheck("printer", None, "not_configured", {"option": "--printer QUEUE"})
    queue = PrintQueue(settings.printer, settings.cups_server)
    with tempfile.TemporaryDirectory(prefix="bascule-test-page-") as scratch:
        page = Path(scratch) / "test-page.pdf"
        write_atomically(page, render_test_page(hospital, str(folder.resolve()), when))
        answer = queue.submit(page, TITLE)
    params: dict[str, object] = {"queue": settings.printer, "said": answer.said}
    if answer.problem is not None:
        return SelfTestCheck("printer", False, answer.problem, params)
    return SelfTestCheck("printer", True, "printed", {**params, "request_id": answer.request_id})
