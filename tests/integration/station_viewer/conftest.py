"""A downtime station made as a hospital makes one: a synthetic hospital (three units of the demo
map) in a real continuity store, sealed by the crisis cell's key, checked into a station with
pinned keys, and its local accounts. `StationWorld.app()` gives the viewer's WSGI face in process
(a clock the test moves); `Client` speaks to it with cookies, as a browser does."""

from __future__ import annotations

import dataclasses
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from tests.stations import PASSWORD, sealed_station

from bascule.cli import main
from bascule.clinical.records import Allergy, Patient, Stay
from bascule.hospital.loading import load_map
from bascule.snapshot.bundle import signature_path
from bascule.snapshot.store import ContinuityStore
from bascule.sources.synthetic.hospital import generate
from bascule.sources.synthetic.to_store import store_hospital
from bascule.sources.synthetic.units import map_units
from bascule.station.access_log import AccessLog
from bascule.station.accounts import StationAccounts
from bascule.station.recording import StationRecording
from bascule.station.state import Layout
from bascule.station.viewer.library import Library
from bascule.station.viewer.web import StationApp

UNITS = ("urgences", "reanimation", "cardiologie")
HOSTILE = "<script>alert('x')</script>"


def run(*argv: str | Path) -> None:
    code = main([str(a) for a in argv])
    assert code == 0, argv


@dataclass
class StationWorld:
    root: Path
    cell: Path  # the folder with the cell's keys, the store and the bundles
    data_time: datetime
    inpatient: Patient
    inpatient_unit: str
    discharged: Patient
    hostile_id: str
    retracted_allergy: str
    clock_at: list[datetime] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock_at[-1] if self.clock_at else datetime.now(UTC)

    def app(self, **options: Any) -> StationApp:
        library = Library(self.root, timedelta(hours=2), clock=self.now)
        library.refresh()
        layout = Layout(self.root)
        return StationApp(
            library,
            StationAccounts(layout),
            AccessLog(layout),
            load_map("demo"),
            clock=self.now,
            recording=StationRecording(layout),
            **options,
        )

    def seal_again(self, store: Path | None = None) -> Path:
        """A newer bundle of the same store into the cell's bundles folder; its path."""
        run(
            "snapshot",
            "seal",
            "--store",
            store or self.cell / "store.sqlite",
            "--to",
            self.cell / "station.age.pub",
            "--sign",
            self.cell / "cell.key",
            "--out",
            self.cell / "bundles",
            "--map",
            "demo",
        )
        return max((self.cell / "bundles").glob("bascule-*.tar.age"))

    def own_copy(self, folder: Path) -> StationWorld:
        """This station and its cell copied under `folder` (keys, bundles, the seal guard's memory):
        a test that adds rows to the store must not look, to the shared cell's guard, like rows
        deleted from its next seal."""
        root, cell = folder / "station", folder / "cell"
        shutil.copytree(self.root, root, symlinks=True)
        shutil.copytree(self.cell, cell, symlinks=True, ignore=shutil.ignore_patterns("station"))
        return dataclasses.replace(self, root=root, cell=cell, clock_at=[])

    def deliver(self, archive: Path) -> None:
        """A sealed bundle and its signature dropped into the station's inbox."""
        shutil.copy(archive, self.root / "inbox")
        shutil.copy(signature_path(archive), self.root / "inbox")


def _extra_records(store_path: Path, data_time: datetime) -> tuple[str, str]:
    """A patient whose name is markup (it must show as text), and an allergy entered in error."""
    with ContinuityStore.open(store_path) as store:
        hostile = Patient(id="pat-hostile", version="1", family=HOSTILE, given="Zoé", mrn="MRN-HOSTILE")
        inpatient = next(iter(store.census(at=data_time)[0].patients)).patient_id
        retracted = Allergy(
            id="alg-retracted",
            version="1",
            patient_id=inpatient,
            substance="Retractium",
            status="entered-in-error",
        )
        nowhere = Patient(id="pat-nowhere", version="1", family="Sansplace", given="Inès", mrn="MRN-NOWHERE")
        stay = Stay(
            id="stay-nowhere", version="1", patient_id=nowhere.id, admitted_at=data_time - timedelta(hours=5)
        )
        store.write([hostile, retracted, nowhere, stay])
    return hostile.id, retracted.substance


@pytest.fixture(scope="session")
def station_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StationWorld]:
    cell = tmp_path_factory.mktemp("cell")
    root = cell / "station"
    data_time = (datetime.now(UTC) - timedelta(minutes=20)).replace(microsecond=0)
    units = [unit for unit in map_units("demo") if unit.id in UNITS]
    store_path = cell / "store.sqlite"
    store_hospital(generate(42, "fr", units, data_time), store_path, "chvo")
    hostile_id, retracted = _extra_records(store_path, data_time)
    sealed_station(cell, store_path, {"nadia": "nurse", "denis": "doctor", "ines": "admin"})
    with ContinuityStore.open(store_path, readonly=True) as store:
        census = store.census(at=data_time)
        entry = next(e for unit in census for e in unit.patients)
        inpatient = store.get(Patient, entry.patient_id)
        present = {e.patient_id for unit in census for e in unit.patients} | {hostile_id}
        present |= {e.patient_id for e in store.unplaced()} | {"pat-nowhere"}
        discharged = next(p for p in store.records(Patient) if p.id not in present)
    assert inpatient is not None
    yield StationWorld(root, cell, data_time, inpatient, entry.unit_id, discharged, hostile_id, retracted)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        import json

        return json.loads(self.body)


class Client:
    """A browser in miniature: keeps cookies, sends forms, follows nothing by itself."""

    def __init__(self, app: StationApp, host: str = "127.0.0.1:8765") -> None:
        self.app = app
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, url: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        parts = urlsplit(url)
        body = urlencode(form or {}).encode()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "wsgi.input": io.BytesIO(body),
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": self.host,
            "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        for key, value in (headers or {}).items():
            environ["HTTP_" + key.upper().replace("-", "_")] = value
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            captured["status"] = int(status.split()[0])
            captured["headers"] = headers

        chunks = self.app(environ, start_response)
        for name, value in captured["headers"]:
            if name == "Set-Cookie":
                cookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = morsel.value
        return Answer(captured["status"], {k.lower(): v for k, v in captured["headers"]}, b"".join(chunks))

    def get(self, url: str, **headers: str) -> Answer:
        return self.request("GET", url, headers={k.replace("_", "-"): v for k, v in headers.items()})

    def post(self, url: str, form: dict[str, str]) -> Answer:
        return self.request("POST", url, form)

    def login(self, name: str, password: str = PASSWORD) -> Answer:
        page = self.get("/login")
        csrf = _hidden(page.text, "csrf")
        return self.post("/login", {"csrf": csrf, "name": name, "password": password, "next": "/"})


def _hidden(page: str, name: str) -> str:
    import re

    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden {name} in the page"
    return found.group(1)


def hidden(page: str, name: str) -> str:
    return _hidden(page, name)
