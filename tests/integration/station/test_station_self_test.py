"""`bascule station check DIR` with its monthly self-test, against a real bundle, the real viewer
under waitress and a real CUPS server of the test's own (cupsd on a unix socket in tmp)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.cups import HOW, CupsServer, cups_available, cups_server
from tests.integration.station.conftest import TEST_PATIENT, TWINS
from tests.peers import require_peer

from bascule.cli import main
from bascule.hospital.loading import load_map
from bascule.station.check import check_station
from bascule.station.self_test import run_self_test
from bascule.station.self_test_settings import SelfTestSettings

pytestmark = pytest.mark.integration
QUEUE = "bascule-test"


@pytest.fixture(scope="module")
def cups(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CupsServer]:
    require_peer("CUPS (cupsd, lpadmin, lp)", cups_available(), HOW)
    with cups_server(tmp_path_factory.mktemp("cups")) as server:
        server.add_queue(QUEUE)
        yield server  # stopped when the module is done


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path, lang: str = "en") -> tuple[int, str, str]:
    code = main([str(a) for a in argv], environ={"BASCULE_LANG": lang})
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], station: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = cli(capsys, "station", "check", station, "--json", "--lang", "en", *extra)
    return code, json.loads(out)


def by_check(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["check"]: entry for entry in document["self_test"]}


def configure(capsys: pytest.CaptureFixture[str], station: Path, *options: str | Path) -> None:
    code, _, err = cli(capsys, "station", "configure", station, *options)
    assert code == 0, err


def test_everything_configured_passes_and_the_page_reaches_the_queue(
    station_copy: Path, cups: CupsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(
        capsys, station_copy, "--test-patient", "TEST-0001", "--printer", QUEUE, "--cups-server", cups.socket
    )
    code, document = check_json(capsys, station_copy)
    assert code == 0
    checks = by_check(document)
    assert [entry["ok"] for entry in document["self_test"]] == [True, True, True]
    assert list(checks) == ["viewer", "test_patient", "printer"]
    assert "401" in checks["viewer"]["detail"] and "wiped" in checks["viewer"]["detail"]
    assert checks["test_patient"]["detail"] == f"test patient MRN TEST-0001 found: patient {TEST_PATIENT.id}"
    request_id = checks["printer"]["detail"].rsplit("request ", 1)[1].rstrip(")")
    assert request_id in cups.job_ids(QUEUE)  # the server really took the page
    assert document["sequence"] == 1 and document["refused"] == []  # the bundle check is unchanged


def test_text_output_in_french_names_no_patient(
    station_copy: Path, cups: CupsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(
        capsys, station_copy, "--test-patient", "TEST-0001", "--printer", QUEUE, "--cups-server", cups.socket
    )
    code, out, _ = cli(capsys, "station", "check", station_copy, "--lang", "fr")
    text = " ".join(out.split())
    assert code == 0
    assert "lot 1 de chvo en service" in text  # the check's own line comes first, as before
    assert "Autotest, visualiseur : ok" in text
    assert (
        f"Autotest, patient de test : ok : le patient de test IPP TEST-0001 est trouvé : patient {TEST_PATIENT.id}."
        in text
    )
    assert f"Autotest, imprimante : ok : la file {QUEUE} a accepté la page de test" in text
    assert TEST_PATIENT.family not in out and TEST_PATIENT.given not in out


def test_a_stopped_queue_fails_with_exit_6_and_takes_no_page(
    station_copy: Path, cups: CupsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    cups.add_queue("stopped-queue")
    cups.admin("cupsdisable", "stopped-queue")
    configure(capsys, station_copy, "--printer", "stopped-queue", "--cups-server", cups.socket)
    code, document = check_json(capsys, station_copy)
    assert code == 6
    printer = by_check(document)["printer"]
    assert printer["ok"] is False
    assert printer["detail"] == (
        "queue stopped-queue is stopped: nothing comes out of it (cupsenable stopped-queue starts it)"
    )
    assert cups.job_ids("stopped-queue") == []  # no test page left waiting to print some day


def test_a_missing_queue_fails_with_exit_6(
    station_copy: Path, cups: CupsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(capsys, station_copy, "--printer", "no-such-queue", "--cups-server", cups.socket)
    code, out, _ = cli(capsys, "station", "check", station_copy)
    assert code == 6
    line = next(line for line in out.splitlines() if "printer" in line)
    assert "Self-test, printer: FAILED: queue no-such-queue is not found on the print server" in " ".join(
        out.split()
    ), line


def test_a_print_server_that_does_not_answer_fails_with_exit_6(
    station_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    require_peer("CUPS (lp, lpstat)", cups_available(), HOW)
    silent = tmp_path / "no-cupsd.sock"  # no scheduler listens there
    configure(capsys, station_copy, "--printer", QUEUE, "--cups-server", silent)
    code, document = check_json(capsys, station_copy)
    assert code == 6
    assert (
        by_check(document)["printer"]["detail"]
        == f"the print server {silent} does not answer (queue {QUEUE})"
    )


def test_not_configured_is_a_warning_not_a_failure(
    station_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = check_json(capsys, station_copy)
    assert code == 0
    checks = by_check(document)
    assert checks["viewer"]["ok"] is True
    assert checks["test_patient"] == {
        "check": "test_patient",
        "ok": None,
        "detail": "not configured (bascule station configure --test-patient MRN)",
    }
    assert checks["printer"]["ok"] is None


@pytest.mark.parametrize(
    ("mrn", "detail"),
    [
        ("NOPE-404", "test patient MRN NOPE-404 is not found in the bundle in use"),
        ("TWIN-7", f"test MRN TWIN-7 names several patients: {TWINS[0].id}, {TWINS[1].id}"),
    ],
)
def test_a_test_patient_not_found_exactly_fails(
    station_copy: Path, capsys: pytest.CaptureFixture[str], mrn: str, detail: str
) -> None:
    configure(capsys, station_copy, "--test-patient", mrn)
    code, document = check_json(capsys, station_copy)
    assert code == 6
    patient = by_check(document)["test_patient"]
    assert (
        patient["ok"],
        patient["detail"].replace(f"{TWINS[1].id}, {TWINS[0].id}", f"{TWINS[0].id}, {TWINS[1].id}"),
    ) == (
        False,
        detail,
    )


def test_a_station_without_account_is_warned_not_failed(
    station_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (station_copy / ".station" / "accounts.json").unlink()
    code, document = check_json(capsys, station_copy)
    assert code == 0  # a station that only prints kits has no account
    assert by_check(document)["viewer"] == {
        "check": "viewer",
        "ok": None,
        "detail": "the viewer works but will not start until an account exists (bascule station users add)",
    }


def test_the_bundle_codes_come_first(station_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(capsys, station_copy, "--test-patient", "NOPE-404")
    code, document = check_json(capsys, station_copy, "--max-age", "1s")  # stale: 4, before the self-test's 6
    assert code == 4
    assert by_check(document)["test_patient"]["ok"] is False


def test_no_self_test_keeps_the_check_as_it_was(
    station_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure(capsys, station_copy, "--test-patient", "NOPE-404")
    code, document = check_json(capsys, station_copy, "--no-self-test")
    assert code == 0
    assert "self_test" not in document
    code, out, _ = cli(capsys, "station", "check", station_copy, "--no-self-test")
    assert code == 0 and "Self-test" not in out


def test_a_station_without_bundle_fails_the_viewer_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.station_folder import make_station

    station = make_station(tmp_path)
    code, document = check_json(capsys, station)
    assert code == 4  # no bundle yet: the check's own code
    assert by_check(document)["viewer"] == {
        "check": "viewer",
        "ok": False,
        "detail": "no verified bundle to open: the viewer would have nothing to show",
    }


def test_the_decrypted_copy_is_wiped_from_the_memory_folder(station_copy: Path, tmp_path: Path) -> None:
    memory = tmp_path / "memory"
    memory.mkdir(mode=0o700)
    report = check_station(station_copy)
    result = run_self_test(
        report,
        SelfTestSettings(test_patient="TEST-0001"),
        load_map("demo"),
        memory=memory,
        now=lambda: datetime.now(UTC),
    )
    assert [check.ok for check in result.checks] == [True, True, None]
    assert list(memory.iterdir()) == []  # the opened store was there while the viewer ran
    # The server stopped for good: a check run from a long-lived process leaves no thread behind.
    assert [thread.name for thread in threading.enumerate() if thread.name == "station-self-test"] == []


def test_damaged_settings_are_refused_before_any_line(
    station_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (station_copy / ".station" / "viewer.json").write_text("{not json")
    code, out, err = cli(capsys, "station", "check", station_copy)
    assert (code, out) == (2, "")
    assert "self-test settings" in err and "bascule station configure" in err and "Traceback" not in err
