"""The HL7 v2 live feed, driven by a real MLLP client (`hl7.client.MLLPClient`)."""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hl7.client import MLLPClient

from bascule.clinical import LabResult, Patient
from bascule.snapshot.store import ContinuityStore
from bascule.sources.hl7_adt import patient_id_of, visit_id_of
from bascule.sources.hl7_listener import Hl7Listener

pytestmark = pytest.mark.integration


def pv1(location: str, doctor: str = "", visit: str = "", admitted: str = "") -> str:
    fields = [""] * 46
    fields[0:4] = ["PV1", "1", "I", location]
    fields[7], fields[19], fields[44] = doctor, visit, admitted
    return "|".join(fields)


ADMIT = (
    "MSH|^~\\&|PAS|CHSV|BASCULE|CHSV|20260310081500+0100||ADT^A01^ADT_A01|ADM1|P|2.5\r"
    "EVN|A01|20260310081500+0100\r"
    "PID|1||480012^^^CHSV^MR~2500399123456^^^INS^INS||Lefebvre^Odile||19470312|F|||||+33639981234\r"
    + pv1("cardiologie^12^A^CHSV", "D42^Roux^Marc", "V1001", "20260310070000+0100")
)
TRANSFER = (
    "MSH|^~\\&|PAS|CHSV|BASCULE|CHSV|20260310101500+0100||ADT^A02^ADT_A02|ADM2|P|2.5\r"
    "PID|1||480012^^^CHSV^MR||Lefebvre^Odile\rPV1|1|I|usic^3^B^CHSV"
)
DISCHARGE = (
    "MSH|^~\\&|PAS|CHSV|BASCULE|CHSV|20260311101500+0100||ADT^A03^ADT_A03|ADM3|P|2.5\r"
    "PID|1||480012^^^CHSV^MR||Lefebvre^Odile\rPV1|1|I|usic^3^B^CHSV"
)
RESULTS = (
    "MSH|^~\\&|LIMS|CHSV|BASCULE|CHSV|{sent}+0100||ORU^R01^ORU_R01|{control}|P|2.5\r"
    "PID|1||480012^^^CHSV^MR||Lefebvre^Odile\r"
    "OBR|1||LAB77|CHEM|||20260310060000+0100\r"
    "OBX|1|NM|2823-3^Potassium^LN||{potassium}|mmol/L|3.5-5.1|H|||F\r"
    "OBX|2|CE|882-1^Groupe ABO Rh^LN||278152006^A Rh(D) negatif|||N|||F"
)


def msa(ack: str | bytes) -> list[str]:
    text = ack.decode("utf-8") if isinstance(ack, bytes) else ack
    segment = next(line for line in text.strip("\x0b\x1c\r").split("\r") if line.startswith("MSA"))
    return segment.split("|")


@pytest.fixture
def feed(tmp_path: Path) -> Iterator[tuple[int, Path, Hl7Listener]]:
    path = tmp_path / "store.sqlite"
    store = ContinuityStore.open(path)
    store.set_meta(timezone="Europe/Paris")
    listener = Hl7Listener(store)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ports: queue.Queue[int] = queue.Queue()
    thread = threading.Thread(
        target=lambda: loop.run_until_complete(listener.serve("127.0.0.1", 0, stop, ports.put))
    )
    thread.start()
    yield ports.get(timeout=10), path, listener
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    loop.close()
    store.close()


def reader(path: Path) -> ContinuityStore:
    return ContinuityStore.open(path, readonly=True)


def test_admission_transfer_and_discharge(feed: tuple[int, Path, Hl7Listener]) -> None:
    port, path, _ = feed
    with MLLPClient("127.0.0.1", port) as client:
        assert msa(client.send_message(ADMIT))[1:3] == ["AA", "ADM1"]
        with reader(path) as store:
            (unit,) = store.census(at=datetime(2026, 3, 10, 12, tzinfo=UTC))
            (entry,) = unit.patients
            assert (unit.unit_id, entry.room, entry.bed, entry.family, entry.age, entry.attending) == (
                "cardiologie",
                "12",
                "A",
                "Lefebvre",
                78,
                "Marc Roux",
            )
            patient = store.get(Patient, entry.patient_id)
            assert patient is not None and (patient.national_number, patient.national_system) == (
                "2500399123456",
                "INS",
            )
            assert entry.admitted_at == datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
            assert entry.stay_id == visit_id_of(store, "V1001")
        assert msa(client.send_message(TRANSFER))[1] == "AA"
        with reader(path) as store:
            (unit,) = [u for u in store.census() if u.patients]
            assert (unit.unit_id, unit.patients[0].room, unit.patients[0].bed) == ("usic", "3", "B")
            kept = store.get(Patient, unit.patients[0].patient_id)
            assert kept is not None and kept.birth_date is not None  # an empty PID-7 changes nothing
        assert msa(client.send_message(DISCHARGE))[1] == "AA"
        with reader(path) as store:
            assert all(not u.patients for u in store.census())
            assert store.data_time == datetime(2026, 3, 11, 9, 15, tzinfo=UTC)


def test_registration_and_update(feed: tuple[int, Path, Hl7Listener]) -> None:
    port, path, _ = feed
    register = ADMIT.replace("ADT^A01^ADT_A01|ADM1", "ADT^A04^ADT_A04|REG1").split("\rPV1")[0]
    update = (
        "MSH|^~\\&|PAS|CHSV|BASCULE|CHSV|20260310120000+0100||ADT^A08^ADT_A08|UPD1|P|2.5\r"
        "PID|1||480012^^^CHSV^MR||Lefebvre-Martin^Odile||||||||+33639985555"
    )
    with MLLPClient("127.0.0.1", port) as client:
        assert msa(client.send_message(register))[1] == "AA"
        assert msa(client.send_message(update))[1] == "AA"
    with reader(path) as store:
        assert all(not u.patients for u in store.census())  # a registration admits no one
        patient = store.patient_by_mrn("480012")
        assert patient is not None
        assert (patient.family, patient.phone, patient.sex) == ("Lefebvre-Martin", "+33639985555", "female")


def test_results_corrections_and_stale_messages(feed: tuple[int, Path, Hl7Listener]) -> None:
    port, path, _ = feed
    with MLLPClient("127.0.0.1", port) as client:
        assert msa(client.send_message(ADMIT))[1] == "AA"
        first = RESULTS.format(sent="20260310091500", control="LAB1", potassium="5.9")
        correction = RESULTS.format(sent="20260310093000", control="LAB2", potassium="4.9")
        stale = RESULTS.format(sent="20260310090000", control="LAB3", potassium="7.7")
        for message in (first, correction, stale):
            assert msa(client.send_message(message))[1] == "AA"
    with reader(path) as store:
        chart = store.chart(patient_id_of(store, "480012"), at=datetime(2026, 3, 10, 12, tzinfo=UTC))
        assert chart.blood_group == "A-"
        (potassium,) = chart.results
        assert (potassium.value, potassium.low, potassium.high, potassium.unit) == (4.9, 3.5, 5.1, "mmol/L")
        assert store.counts()["lab_results"] == 2
        assert store.get(LabResult, "hl7-LAB77-2823-3") == potassium  # order and code name a result


MALFORMED = [
    (b"this is not HL7 at all", "readable MSH"),
    (b"MSH|^~\\&|A|B|C|D|20260310101500||ADT^A99|X1|P|2.5\rPID|1||1^^^H^MR||Nom", "not one Bascule takes"),
    (b"MSH|^~\\&|A|B|C|D|20260310101500||ADT^A01|X2|P|2.5\rPV1|1|I|u^1^A", "PID segment is missing"),
    (b"MSH|^~\\&|A|B|C|D|20260310101500||ADT^A01|X3|P|2.5\rPID|1||^^^H^MR||Nom\rPV1|1|I|u", "medical record"),
    (b"MSH|^~\\&|A|B|C|D|2026031||ADT^A08|X4|P|2.5\rPID|1||1^^^H^MR||Nom", "MSH-7"),
    (b"MSH|^~\\&|A|B|C|D|20261340101500||ADT^A08|X5|P|2.5\rPID|1||1^^^H^MR||Nom", "MSH-7"),
    (b"MSH|^~\\&|A|B|C|D|20260310101500||ADT^A08|X6|P|2.5\rPID|1||1^^^H^MR||Caf\xe9", "not valid UTF-8"),
    (b"MSH|^~\\&|A|B|C|D|20260310101500||ADT^A01|X7|P|2.5\rPID|1||1^^^H^MR||Nom", "PV1 segment is missing"),
    (
        b"MSH|^~\\&|A|B|C|D|20260310101500||SIU^S12|X8|P|2.5\rPID|1||1^^^H^MR||Nom",
        "S12 is not one Bascule takes",
    ),
    (b"MSH|^~\\&|A|B|C|D|20260310101500||ORU^R01|X9|P|2.5\rPID|1||1^^^H^MR||Nom", "no OBX"),
    (b"MSH|^~\\&|A|B|C|D|20260310101500||ADT^A08||P|2.5\rPID|1||1^^^H^MR||Nom", "MSH-10"),
    (b"MSH|^~\\&|A|B|C|D|20260310101500||ADT^A08|X10|P|2.5\rPID|1||1^^^H^MR||Nom||1947XX12", "PID-7"),
]


def test_malformed_messages_get_a_nak_and_never_stop_the_listener(
    feed: tuple[int, Path, Hl7Listener], caplog: pytest.LogCaptureFixture
) -> None:
    port, path, listener = feed
    caplog.set_level(logging.INFO, logger="bascule.hl7")
    with MLLPClient("127.0.0.1", port) as client:
        for raw, reason in MALFORMED:
            answer = msa(client.send(b"\x0b" + raw + b"\x1c\r").decode("utf-8"))
            assert answer[1] == "AR", raw
            assert reason in answer[3], (raw, answer)
        no_start_block = client.send(b"MSH|^~\\&|A|B|C|D|20260310101500||ADT^A08|Y1|P|2.5\x1c\r").decode()
        assert msa(no_start_block)[1] == "AR"
        assert msa(client.send_message(ADMIT))[1] == "AA"
    assert listener.refused == len(MALFORMED) and listener.accepted == 1
    with reader(path) as store:
        assert store.counts()["patients"] == 1
        assert len(store.rejects()) == len(MALFORMED)
    logged = caplog.text
    for patient_value in ("Lefebvre", "Odile", "480012", "2500399123456", "Nom", "Caf", "19470312"):
        assert patient_value not in logged


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_the_command_stops_cleanly(tmp_path: Path, stop_signal: signal.Signals) -> None:
    path = tmp_path / "store.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "bascule", "snapshot", "listen", "--port", "0", "--store", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"127\.0\.0\.1:(\d+)", line)
    assert found, line
    with MLLPClient("127.0.0.1", int(found.group(1))) as client:
        assert msa(client.send_message(ADMIT))[1] == "AA"
    process.send_signal(stop_signal)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "1 message(s) accepted" in out
    assert "Lefebvre" not in err and "Traceback" not in err
    with ContinuityStore.open(path, readonly=True) as store:
        assert store.counts()["stays"] == 1


def test_several_senders_at_once_are_all_applied(feed: tuple[int, Path, Hl7Listener]) -> None:
    port, path, listener = feed
    answers: list[str] = []
    assert listener.accepted == 0

    def sender(first_mrn: int) -> None:
        with MLLPClient("127.0.0.1", port) as client:
            for mrn in range(first_mrn, first_mrn + 25):
                message = (
                    ADMIT.replace("480012", str(mrn)).replace("V1001", f"V{mrn}").replace("ADM1", f"C{mrn}")
                )
                answers.append(msa(client.send_message(message))[1])

    threads = [threading.Thread(target=sender, args=(100000 * n,)) for n in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert answers == ["AA"] * 100 and listener.accepted == 100
    with reader(path) as store:
        assert store.counts()["stays"] == 100
        assert sum(unit.occupied for unit in store.census()) == 100


def test_a_transfer_moves_a_patient_known_from_fhir(tmp_path: Path) -> None:
    from bascule.hospital.model import CareUnit
    from bascule.sources.synthetic.hospital import generate
    from bascule.sources.synthetic.to_store import store_hospital

    now = datetime(2026, 3, 10, 8, tzinfo=UTC)
    hospital = generate(9, "fr", (CareUnit(id="cardio", name="Cardiologie", beds=6),), now)
    path = tmp_path / "store.sqlite"
    store_hospital(hospital, path, "test")
    with ContinuityStore.open(path) as store:
        (unit,) = store.census(at=now)
        moved = unit.patients[0]
        patient = store.get(Patient, moved.patient_id)
        assert patient is not None and patient.mrn is not None
        listener = Hl7Listener(store)
        transfer = TRANSFER.replace("480012", patient.mrn).replace(
            "20260310101500+0100", "20260310091500+0100"
        )
        assert msa(listener.process(transfer.encode()))[1] == "AA"
        census = {u.unit_id: u for u in store.census(at=now)}
        assert moved.patient_id not in {p.patient_id for p in census["cardio"].patients}
        (arrived,) = census["usic"].patients
        assert (arrived.patient_id, arrived.stay_id, arrived.room, arrived.bed) == (
            moved.patient_id,
            moved.stay_id,
            "3",
            "B",
        )
        assert store.counts()["patients"] == len(hospital.resources["Patient"])


CORPUS = Path(__file__).parents[2] / "corpus" / "hl7"


def block(name: str) -> bytes:
    return b"\x0b" + (CORPUS / name).read_bytes() + b"\x1c\r"


def test_allergies_and_cancellations_over_mllp(feed: tuple[int, Path, Hl7Listener]) -> None:
    port, path, _ = feed
    at = datetime(2026, 3, 12, 12, tzinfo=UTC)

    def where() -> tuple[list[str], set[str]]:
        with reader(path) as store:
            units = [f"{e.unit_id} {e.room} {e.bed}" for u in store.census(at=at) for e in u.patients]
            return units, {a.substance for a in store.chart(patient_id_of(store, "480012"), at=at).allergies}

    steps = [
        ("a01_v23_epic_admit_with_allergies.hl7", ["CARDIO 12 A"], {"Penicillin", "Peanut"}),
        ("a08_v23_epic_allergy_list_resent.hl7", ["CARDIO 12 A"], {"Penicillin", "Latex"}),
        ("a02_v23_epic_transfer.hl7", ["USIC 3 B"], {"Penicillin", "Latex"}),
        ("a12_v23_epic_cancel_transfer.hl7", ["CARDIO 12 A"], {"Penicillin", "Latex"}),
        ("a03_v23_epic_discharge.hl7", [], {"Penicillin", "Latex"}),
        ("a13_v23_epic_cancel_discharge.hl7", ["CARDIO 14 B"], {"Penicillin", "Latex"}),
        ("a11_v23_epic_cancel_admit.hl7", [], {"Penicillin", "Latex"}),
    ]
    with MLLPClient("127.0.0.1", port) as client:
        for name, units, substances in steps:
            control_id = (CORPUS / name).read_bytes().split(b"|")[9].decode()
            assert msa(client.send(block(name)))[1:3] == ["AA", control_id], name
            assert where() == (units, substances), name


def test_an_ack_over_mllp_keeps_custom_separators(feed: tuple[int, Path, Hl7Listener]) -> None:
    port, path, _ = feed
    with MLLPClient("127.0.0.1", port) as client:
        ack = client.send(block("oru_r01_v24_custom_separators.hl7")).decode().strip("\x0b\x1c\r")
        refused = client.send(block("a17_v25_swap_unsupported.hl7")).decode().strip("\x0b\x1c\r")
    msh, msa_segment = ack.split("\r")[:2]
    assert msh.startswith("MSH#$~\\&#BASCULE#CHSV#LIS#CHSV#")
    assert msa_segment == "MSA#AA#LIS-9"
    assert msa(refused)[1:3] == ["AR", "SWP1"]
    with reader(path) as store:
        assert [r.code for r in store.records(LabResult)] == ["2093-3"]
        assert store.rejects()[-1].resource_id == "SWP1"
