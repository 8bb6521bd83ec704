"""Write-back over MLLP to a real HL7 v2 receiver started here (the `hl7` package's asyncio MLLP
server: it parses the framing and answers each message): every entry arrives once, each ACK awaited;
an AE keeps its entry refused, with the receiver's text, until --retry-refused; a `kill -9` in the
middle and a rerun resend at most the one in flight, under the same control id."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hl7.mllp import start_hl7_server
from hl7.mllp.streams import HL7StreamReader, HL7StreamWriter
from tests.integration.reconcile.sending_world import ready_store, sent_states
from tests.integration.station_viewer.conftest import StationWorld, station_world  # noqa: F401 (fixture)

from bascule.cli import main
from bascule.reconcile.writeback import control_id

pytestmark = pytest.mark.integration
SRC = Path(__file__).resolve().parents[3] / "src"
REFUSAL = "Unknown drug: not in the formulary"


class Receiver:
    """An EHR's HL7 interface: answers AA, or AE to a message type it is told to refuse; counts
    every message received and every one accepted, by control id."""

    def __init__(self, refuse: str | None = None, pause: float = 0.0) -> None:
        self.refuse = refuse
        self.pause = pause  # per message, to make a sending long enough to be killed
        self.received: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.types: dict[str, str] = {}
        self.loop = asyncio.new_event_loop()
        self.started = threading.Event()
        self.port = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.started.wait(30), "the MLLP receiver did not start"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def serve() -> None:
            self.server = await start_hl7_server(self.handle, "127.0.0.1", 0, encoding="utf-8")
            self.port = self.server.sockets[0].getsockname()[1]
            self.started.set()

        self.loop.run_until_complete(serve())
        self.loop.run_forever()

    async def handle(self, reader: HL7StreamReader, writer: HL7StreamWriter) -> None:
        try:
            while True:
                message = await reader.readmessage()
                control = str(message.segment("MSH")(10))
                event = str(message.segment("MSH")(9))
                self.received[control] += 1
                self.types[control] = event
                if self.pause:
                    await asyncio.sleep(self.pause)
                if self.refuse is not None and event.startswith(self.refuse):
                    segments = str(message.create_ack("AE")).split("\r")
                    msa = next(index for index, line in enumerate(segments) if line.startswith("MSA"))
                    segments[msa] += "|" + REFUSAL
                    answer = "\r".join(segments)
                else:
                    answer = str(message.create_ack("AA"))
                    self.accepted[control] += 1
                writer.writeblock(answer.encode("utf-8"))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def stop(self) -> None:
        async def shutdown() -> None:
            self.server.close()
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    started = Receiver(refuse="RAS^O17")
    yield started
    started.stop()


def send(
    store: Path, port: int, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(["reconcile", "send", "--store", str(store), "--mllp", f"127.0.0.1:{port}", "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_every_entry_arrives_once_and_a_refusal_waits_for_retry(
    station_world: StationWorld,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ready = ready_store(station_world, tmp_path)
    refused = {key for key, kind in ready.keys.items() if kind == "administration"}
    code, report = send(ready.store, receiver.port, capsys)
    assert code == 4
    assert (report["sent"], report["refused"], report["waiting"]) == (len(ready.keys) - 2, 2, 0)
    wanted = {control_id(key) for key in ready.keys}
    assert set(receiver.received) == wanted and set(receiver.received.values()) == {1}
    assert Counter(receiver.types.values()) == Counter(
        {
            "ADT^A04^ADT_A01": 1,  # the new patient
            "ADT^A08^ADT_A01": 2,  # two arrivals
            "ADT^A02^ADT_A02": 1,
            "ADT^A03^ADT_A03": 1,
            "ORU^R01^ORU_R01": 4,  # two vital signs, a phone result, a note
            "RAS^O17^RAS_O17": 2,
        }
    )
    states = sent_states(ready.store)
    assert {key for key, (state, _, _) in states.items() if state == "refused"} == refused
    assert all(states[key][2] == REFUSAL and states[key][1] == control_id(key) for key in refused)
    code, again = send(ready.store, receiver.port, capsys)
    assert (code, again["sent"], again["refused"], again["refused_now"]) == (4, 0, 2, 0)
    assert set(receiver.received.values()) == {1}  # nothing sent twice, refused ones included
    receiver.refuse = None  # the formulary fixed on the EHR's side
    code, retried = send(ready.store, receiver.port, capsys, "--retry-refused")
    assert (code, retried["sent"], retried["refused"]) == (0, 2, 0)
    assert {control: receiver.received[control] for control in map(control_id, refused)} == dict.fromkeys(
        map(control_id, refused), 2
    )  # the same control id: the EHR can tell a resend
    assert set(receiver.accepted) == wanted and set(receiver.accepted.values()) == {1}
    capsys.readouterr()
    argv = [
        "reconcile",
        "send",
        "--store",
        str(ready.store),
        "--mllp",
        f"127.0.0.1:{receiver.port}",
        "--lang",
        "fr",
    ]
    assert main(argv) == 0
    assert (
        f"0 saisie(s) acquittée(s) maintenant, {len(ready.keys)} déjà, 0 refusée(s)"
        in capsys.readouterr().out
    )


def acknowledged(store: Path) -> int:
    connection = sqlite3.connect(f"{store.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        return int(connection.execute("SELECT count(*) FROM downtime_sent").fetchone()[0])
    finally:
        connection.close()


def test_a_kill_during_sending_resends_at_most_the_one_in_flight(
    station_world: StationWorld,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ready = ready_store(station_world, tmp_path, many=200)
    receiver = Receiver(pause=0.01)
    try:
        sending = subprocess.Popen(
            [sys.executable, "-m", "bascule", "reconcile", "send", "--store", str(ready.store),
             "--mllp", f"127.0.0.1:{receiver.port}"],
            env=dict(os.environ, PYTHONPATH=str(SRC)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while acknowledged(ready.store) == 0 and sending.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)  # polling the store: the event is a committed row
            sending.send_signal(signal.SIGKILL)
        finally:
            sending.wait(timeout=30)
        assert sending.returncode == -signal.SIGKILL
        at_kill = acknowledged(ready.store)
        assert 0 < at_kill < len(ready.keys)
        code, report = send(ready.store, receiver.port, capsys)
        assert (code, report["already_sent"], report["sent"]) == (0, at_kill, len(ready.keys) - at_kill)
        wanted = {control_id(key) for key in ready.keys}
        assert set(receiver.accepted) == wanted
        twice = [control for control, times in receiver.received.items() if times > 1]
        assert len(twice) <= 1 and max(receiver.received.values()) <= 2  # at most the one in flight
    finally:
        receiver.stop()
