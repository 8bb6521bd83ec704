"""docs/station.md as a reader follows it, with the viewer running: its `<!-- run -->` blocks, then
the exact `serve` line its `<!-- serve -->` block shows (in a network namespace that has only the
loopback, where port 8765 is free), then its `<!-- run while serving -->` block against that
viewer; every JSON document the page shows under `<!-- shape: FILE -->` has the shape (the same
keys, at every level) of what the API answered into FILE."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.acceptance.docs.test_documented_commands import ROOT, runnable_blocks
from tests.peers import require_peer

PAGE = ROOT / "docs" / "station.md"
_SERVE = re.compile(r"<!-- serve -->\n```text\n(?P<line>[^\n]+)\n```")
_WHILE_SERVING = re.compile(r"<!-- run while serving -->\n```sh\n(?P<body>.*?)```", re.DOTALL)
_SHAPE = re.compile(r"<!-- shape: (?P<file>\S+) -->\n```json\n(?P<body>.*?)```", re.DOTALL)
_EXPECTED_EXIT = re.compile(r"#\s*exit (\d+)\s*$")


def shape(value: Any) -> Any:
    """The keys of every object, at every level; a list by the shape of its first item."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return None


def same_shape(shown: Any, answered: Any) -> bool:
    if isinstance(shown, dict):
        return (
            isinstance(answered, dict)
            and shown.keys() == answered.keys()
            and all(same_shape(shown[key], answered[key]) for key in shown)
        )
    if isinstance(shown, list):  # an empty list shown says nothing of its items
        return isinstance(answered, list) and (not shown or not answered or same_shape(shown[0], answered[0]))
    return True


def _namespaces_work() -> bool:
    if shutil.which("unshare") is None or shutil.which("nsenter") is None:
        return False
    return subprocess.run(["unshare", "--net", "true"], capture_output=True, check=False).returncode == 0


def run_line(line: str, folder: Path, environment: dict[str, str], prefix: list[str] | None = None) -> None:
    expected = _EXPECTED_EXIT.search(line)
    result = subprocess.run(
        [*(prefix or []), "bash", "-c", line],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    wanted = int(expected[1]) if expected else 0
    assert result.returncode == wanted, f"`{line}` exited {result.returncode}\n{result.stderr}"
    assert "Traceback" not in result.stderr, f"`{line}`\n{result.stderr}"


def test_the_station_page_runs_with_the_viewer_serving(tmp_path: Path) -> None:
    require_peer("network namespaces (unshare --net, as root)", _namespaces_work(), "run the tests as root")
    require_peer("curl", shutil.which("curl") is not None, "apt install curl")
    text = PAGE.read_text(encoding="utf-8")
    serve_line = _SERVE.search(text)
    serving_block = _WHILE_SERVING.search(text)
    shapes = list(_SHAPE.finditer(text))
    assert serve_line and serving_block and len(shapes) == 4
    venv_bin = Path(sys.executable).parent
    environment = {
        **os.environ,
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "COLUMNS": "200",
    }
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    (tmp_path / "docs").symlink_to(ROOT / "docs")
    for block in runnable_blocks(PAGE):
        for line in block:
            run_line(line, tmp_path, environment)

    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            ["unshare", "--net", "sh", "-c", f"ip link set lo up && exec {serve_line['line']}"],
            cwd=tmp_path,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "http://127.0.0.1:8765/" not in log.read_text(errors="replace"):
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the viewer never said it was serving"
            time.sleep(0.2)
        inside = ["nsenter", f"--net=/proc/{server.pid}/ns/net"]
        for line in serving_block["body"].splitlines():
            if line.strip() and not line.startswith("#"):
                run_line(line, tmp_path, environment, inside)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        finally:
            if server.poll() is None:  # not stopped by SIGTERM: the test fails, no process is left behind
                server.kill()
                server.wait()
    assert server.returncode == 0, log.read_text(errors="replace")  # SIGTERM: a clean stop

    for example in shapes:
        shown = json.loads(example["body"])
        answered = json.loads((tmp_path / example["file"]).read_text(encoding="utf-8"))
        assert same_shape(shown, answered), (example["file"], shape(shown), shape(answered))
    hits = json.loads((tmp_path / "hits.json").read_text(encoding="utf-8"))
    patient = json.loads((tmp_path / "patient.json").read_text(encoding="utf-8"))
    assert hits["patients"][0]["id"] == patient["id"]  # the search the page shows finds the patient it opens
    assert patient["allergies"], "the page's example patient has an allergy to show"
    run_line("bascule station audit station/ --out after.jsonl", tmp_path, environment)
    logged = [
        json.loads(line) for line in (tmp_path / "after.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert {"user": "alice", "action": "open_patient", "patient": patient["id"]}.items() <= logged[-2].items()
    assert {"user": "alice", "action": "open_unit", "unit": "urgences"}.items() <= logged[-1].items()
