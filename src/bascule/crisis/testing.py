"""Test and benchmark support for the crisis application: a small map, Django's test databases,
a real PostgreSQL server on loopback and a real `bascule serve` process. Nothing here is used
by the application itself."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from bascule.durable import write_atomically
from bascule.exercise.model import Criterion, Effects, ExerciseScript, ExpectedDecision, Inject
from bascule.impact import Hits
from bascule.scenario import Scenario

SAMPLE_MAP = """\
bascule: 1
hospital: {id: chtest, name: "Centre hospitalier de test", lang: fr}
sites: [{id: main, name: "Site principal", beds: 300}]
segments: [{id: dc-core, site: main}, {id: clinical-lan, site: main}]
suppliers: [{id: pathlab, name: "Laboratoire partenaire"}]
assets:
  - {id: dc01, kind: server, segment: dc-core, restore_hours: 6, skills: [windows]}
  - {id: dc02, kind: server, segment: dc-core, restore_hours: 6, skills: [windows]}
  - {id: ad, kind: service, needs: [{any: [dc01, dc02]}]}
  - {id: san, kind: storage, segment: dc-core, restore_hours: 10, skills: [storage]}
  - {id: ehr-db, kind: server, segment: dc-core, needs: [san], restore_hours: 5, skills: [windows]}
  - {id: pcs-wards, kind: workstations, count: 400, segment: clinical-lan, needs: [ad]}
  - {id: pathlab-link, kind: link, supplier: pathlab}
applications:
  - {id: ehr, name: "Dossier patient", needs: [ehr-db, ad], restore_hours: 8, skills: [ehr]}
  - {id: lims, name: "Laboratoire", supplier: pathlab, needs: [pathlab-link]}
processes:
  - {id: transfusion, name: "Transfusion sanguine", priority: 1, needs: [lims], fallback: paper-transfusion}
  - {id: admissions, name: "Admissions", priority: 2, needs: [ehr]}
  - {id: pharmacy, name: "Pharmacie", priority: 2, needs: [ehr], fallback: paper-pharmacy}
  - {id: outpatient, name: "Consultations", priority: 4, needs: [pcs-wards], optional: [ehr]}
procedures:
  - id: paper-transfusion
    title: "Transfusion sur papier"
    steps: ["Bon papier signé", "Groupe O si urgence vitale"]
  - {id: paper-pharmacy, title: "Pharmacie sur papier", steps: ["Ordonnances papier"]}
teams:
  - {id: infra, members: 2, skills: [windows, storage]}
  - {id: apps, members: 1, skills: [ehr]}
"""


def sample_script() -> ExerciseScript:
    """An exercise on SAMPLE_MAP: the pathology partner goes down at the start; at minute 30 the LAN must be isolated; at
    minute 60 the partner says it is back in 48 h; at minute 90 the data centre is hit."""
    return ExerciseScript(
        id="lab-test",
        title={"fr": "Laboratoire à l'arrêt", "en": "Laboratory down"},
        map_ref="demo",
        scenario=Scenario(name="lab", hits=Hits(suppliers=("pathlab",))),
        duration_minutes=120,
        injects=(
            Inject("call", 0, "phone", {"fr": "Le laboratoire ne répond plus.", "en": "The lab is silent."}),
            Inject("lan", 30, "email", {"fr": "Poste chiffré au bloc.", "en": "Encrypted PC in theatre."}),
            Inject(
                "back",
                60,
                "supplier",
                {"fr": "Retour estimé dans 48 h.", "en": "Back in 48 h."},
                effects=Effects(supplier_back={"pathlab": 48.0}),
            ),
            Inject(
                "dc",
                90,
                "ward",
                {"fr": "Plus de dossier patient.", "en": "No patient record."},
                effects=Effects(down=("san",)),
            ),
        ),
        expected=(
            ExpectedDecision(
                "paper-blood",
                {"fr": "Transfusion sur papier", "en": "Paper transfusion"},
                20,
                after="call",
                criterion=Criterion("procedure", ("transfusion",)),
            ),
            ExpectedDecision(
                "isolate",
                {"fr": "Isoler le LAN clinique", "en": "Isolate the clinical LAN"},
                30,
                after="lan",
                criterion=Criterion("isolate", ("clinical-lan",)),
            ),
            ExpectedDecision(
                "o-neg",
                {"fr": "Passer en O négatif", "en": "Switch to O negative"},
                45,
                criterion=Criterion("decision", ("O négatif", "O-neg")),
            ),
            ExpectedDecision("press", {"fr": "Répondre à la presse", "en": "Answer the press"}, 60),
        ),
    )


_POSTGRES_TOOLS = ("initdb", "pg_ctl")


def postgres_bin(search_path: str | None = None) -> Path | None:
    """The folder of PostgreSQL's server tools: on PATH, else where `pg_config --bindir` says, else
    the newest of Debian's /usr/lib/postgresql/N/bin (Debian keeps initdb off PATH); None if absent."""

    def complete(folder: Path) -> bool:
        return all((folder / tool).is_file() for tool in _POSTGRES_TOOLS)

    on_path = shutil.which("initdb", path=search_path)
    if on_path and complete(Path(on_path).parent):
        return Path(on_path).parent
    pg_config = shutil.which("pg_config", path=search_path)
    if pg_config:
        said = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if said.returncode == 0 and complete(Path(said.stdout.strip())):
            return Path(said.stdout.strip())
    if search_path is None:
        debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version, reverse=True)
        return next((folder for folder in debian if complete(folder)), None)
    return None


def _version(folder: Path) -> tuple[int, ...]:
    digits = folder.parent.name.split(".")
    return tuple(int(d) for d in digits if d.isdigit())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL on loopback, run as the `postgres` user; yields its DATABASE_URL."""
    found = postgres_bin()
    if found is None:
        raise FileNotFoundError(
            "PostgreSQL's initdb and pg_ctl are neither on PATH nor in pg_config --bindir"
        )
    bin_dir: Path = found
    root = Path(tempfile.mkdtemp(prefix="bascule-pg-"))
    os.chmod(root, 0o755)
    data = root / "data"
    port = free_port()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    shutil.chown(root, "postgres") if as_postgres else None
    try:
        subprocess.run(
            [
                *as_postgres,
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                *as_postgres,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-w",
                "-l",
                str(root / "log"),
                "-o",
                f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ],
            check=True,
            capture_output=True,
        )
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            subprocess.run(
                [*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def bascule_command() -> list[str]:
    return [sys.executable, "-m", "bascule"]


def add_user(data_dir: Path, name: str, role: str, password: str, env: dict[str, str] | None = None) -> None:
    secret = data_dir / f".pw-{name}"
    write_atomically(secret, (password + "\n").encode("utf-8"))
    try:
        subprocess.run(
            [
                *bascule_command(),
                "users",
                "add",
                name,
                "--role",
                role,
                "--password-file",
                str(secret),
                "--data",
                str(data_dir),
            ],
            check=True,
            capture_output=True,
            env=env,
        )
    finally:
        secret.unlink()


@dataclass(frozen=True)
class LiveServer:
    """A running `bascule serve`: where to reach it, and its process (to read its memory)."""

    url: str
    pid: int
    errors: IO[bytes]

    def output(self) -> str:
        """What the server wrote to its standard error so far (a 500's traceback, waitress's warnings)."""
        self.errors.flush()
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")


@contextlib.contextmanager
def live_server(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`bascule serve` on a free loopback port, stopped at the end; yields its base URL."""
    with serving(data_dir, env) as server:
        yield server.url


@contextlib.contextmanager
def serving(data_dir: Path, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """`bascule serve` on a free loopback port, stopped at the end; yields its URL and process id."""
    # Its output goes to a file, not a pipe: a pipe nobody reads fills up during a long run (waitress
    # warns of its queue depth there) and the server would block on its next write.
    with tempfile.TemporaryFile() as errors:
        port = free_port()
        command = [*bascule_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--data", str(data_dir)], stdout=subprocess.DEVNULL, stderr=errors, env=env
        )
        server = LiveServer(f"http://127.0.0.1:{port}", process.pid, errors)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    httpx.get(server.url + "/login/", timeout=1)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        process.kill()
                        process.wait(timeout=5)
                        said = server.output()[-2000:]
                        raise RuntimeError(f"bascule serve did not start: {said}") from None
                    time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
