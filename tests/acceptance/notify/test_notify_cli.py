"""`bascule notify queue|send|status|unreached` end to end, and the demo step, on the synthetic store."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from rich.console import Console

from bascule.cli import main
from bascule.cli.triage import demo_part
from bascule.hospital.loading import demo_map_path, load_map
from bascule.scenario import load_scenario

CALL_CENTRE = {"BASCULE_CALL_CENTRE": "01 99 00 10 00"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.sqlite"
    assert main(["synth", "--seed", "7", "--store", str(path)], {}) == 0
    return path


def run(
    capsys: pytest.CaptureFixture[str], *arguments: str, environ: dict[str, str] | None = None
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(arguments), environ or {})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_queue_send_status_and_the_call_list(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox, messages = tmp_path / "outbox.sqlite", tmp_path / "messages.jsonl"
    queue = [
        "notify",
        "queue",
        "--store",
        str(store),
        "--outbox",
        str(outbox),
        "--scenario",
        "ransomware",
        "--lang",
        "en",
    ]
    code, out, _ = run(capsys, *queue, environ=CALL_CENTRE)
    assert code == 0 and "messages queued, 0 already queued" in out
    code, out, _ = run(capsys, *queue, environ=CALL_CENTRE)
    assert code == 0 and "0 messages queued" in out  # twice is harmless

    code, out, _ = run(
        capsys,
        "notify",
        "send",
        "--outbox",
        str(outbox),
        "--gateway",
        "file",
        "--file",
        str(messages),
        "--rate",
        "100000/s",
    )
    assert code == 0
    code, out, _ = run(capsys, "notify", "status", "--outbox", str(outbox), "--json")
    counts = json.loads(out)
    lines = messages.read_text(encoding="utf-8").splitlines()
    assert counts["sent"] == len(lines) > 0 and counts["queued"] == counts["sending"] == 0
    sent = [json.loads(line) for line in lines]
    assert len({m["key"] for m in sent}) == len(sent)
    assert all("01 99 00 10 00" in m["text"] for m in sent)
    assert all(m["to"].startswith("+33") for m in sent if m["channel"] == "sms")

    call_csv, call_pdf = tmp_path / "call.csv", tmp_path / "call.pdf"
    code, out, _ = run(
        capsys,
        "notify",
        "unreached",
        "--outbox",
        str(outbox),
        "--after",
        "30m",
        "--csv",
        str(call_csv),
        "--pdf",
        str(call_pdf),
        "--store",
        str(store),
    )
    assert code == 0
    rows = list(csv.DictReader(call_csv.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == counts["unreachable"] > 0  # texts just sent are not yet overdue
    assert all(row["why"] == "unreachable" and row["problem"] for row in rows)
    assert call_pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (["notify", "queue", "--store", "{store}", "--outbox", "{tmp}/o.sqlite"], "call-centre number"),
        (
            ["notify", "send", "--outbox", "{tmp}/none.sqlite", "--gateway", "file", "--file", "{tmp}/m"],
            "There is no outbox",
        ),
        (["notify", "send", "--outbox", "{outbox}", "--gateway", "pigeon"], "Unknown gateway 'pigeon'"),
        (["notify", "send", "--outbox", "{outbox}", "--gateway", "file"], "add --file"),
        (["notify", "send", "--outbox", "{outbox}", "--gateway", "smtp"], "add --smtp-from"),
        (
            [
                "notify",
                "send",
                "--outbox",
                "{outbox}",
                "--gateway",
                "file",
                "--file",
                "{tmp}/m",
                "--rate",
                "fast",
            ],
            "is not a rate",
        ),
        (
            ["notify", "unreached", "--outbox", "{outbox}", "--after", "soon", "--csv", "{tmp}/c.csv"],
            "is not a duration",
        ),
        (["notify", "unreached", "--outbox", "{outbox}"], "add --csv FILE"),
    ],
)
def test_user_errors(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], sentence: str
) -> None:
    outbox = tmp_path / "outbox.sqlite"
    main(["notify", "queue", "--store", str(store), "--outbox", str(outbox), "--days", "1"], CALL_CENTRE)
    given = [
        a.replace("{store}", str(store)).replace("{tmp}", str(tmp_path)).replace("{outbox}", str(outbox))
        for a in arguments
    ]
    code, _, error = run(capsys, *given)
    assert code == 2 and sentence in error and "Traceback" not in error
    if "{outbox}" in arguments:
        code, out, _ = run(capsys, "notify", "status", "--outbox", str(outbox), "--json")
        assert json.loads(out)["sent"] == 0  # nothing sent, nothing lost


def test_the_demo_step_writes_the_messages_and_the_counts(store: Path, tmp_path: Path) -> None:
    hospital_map = load_map("demo")
    console = Console(record=True, width=140)
    demo_part(hospital_map, load_scenario("ransomware", hospital_map), store, tmp_path, "fr", console)
    text = console.export_text()
    lines = (tmp_path / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines and f"{len(lines)} messages écrits" in text
    assert "interventions à annuler" in text


def belgian(tmp_path: Path, store: Path) -> tuple[Path, Path]:
    """The demo hospital moved to Belgium (the Vivalia case), its patients' mobiles written as
    Belgians write them."""
    text = demo_map_path().read_text(encoding="utf-8")
    map_path = tmp_path / "vivalia.yaml"
    map_path.write_text(text.replace("\n  country: FR\n", "\n  country: BE\n", 1), encoding="utf-8")
    assert load_map(map_path).hospital.country == "BE"
    copy = tmp_path / "store.sqlite"
    copy.write_bytes(store.read_bytes())
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE patients SET phone = '0470 12 34 56'")
    return map_path, copy


def sent_to(capsys: pytest.CaptureFixture[str], tmp_path: Path, map_path: str, store: Path) -> list[str]:
    outbox, messages = (
        tmp_path / f"outbox-{Path(map_path).stem}.sqlite",
        tmp_path / f"{Path(map_path).stem}.jsonl",
    )
    queue = [
        "notify",
        "queue",
        map_path,
        "--store",
        str(store),
        "--outbox",
        str(outbox),
        "--scenario",
        "ransomware",
    ]
    code, _, err = run(capsys, *queue, environ={"BASCULE_CALL_CENTRE": "+32 61 23 45 67"})
    assert code == 0, err
    send = ["notify", "send", "--outbox", str(outbox), "--gateway", "file", "--file", str(messages)]
    assert run(capsys, *send, "--rate", "100000/s")[0] == 0
    return [json.loads(line)["to"] for line in messages.read_text(encoding="utf-8").splitlines()]


def test_a_belgian_hospital_texts_belgian_mobiles(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    map_path, copy = belgian(tmp_path, store)
    in_belgium = sent_to(capsys, tmp_path, str(map_path), copy)
    assert in_belgium and set(in_belgium) == {"+32470123456"}
    # The same numbers read in France are French landlines (04 70...): no text, the call centre rings.
    assert "+32470123456" not in sent_to(capsys, tmp_path, "demo", copy)


def test_an_invalid_call_centre_number_is_one_sentence_in_the_map_language(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outbox = tmp_path / "outbox.sqlite"
    queue = ["notify", "queue", "--store", str(store), "--outbox", str(outbox), "--scenario", "ransomware"]
    code, out, err = run(capsys, *queue, environ={"BASCULE_CALL_CENTRE": "01 99 00"})
    assert code == 2 and out == ""
    assert "Le numéro du centre d'appels, donné aux patients dans chaque message, n'est pas valable" in err
    assert "trop court" in err and "Traceback" not in err
    assert not outbox.exists()  # nothing queued
    code, _, err = run(capsys, *queue, "--lang", "en", environ={"BASCULE_CALL_CENTRE": "+999 1234 5678"})
    assert code == 2 and "the country code after + does not exist" in " ".join(err.split())
