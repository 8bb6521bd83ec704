"""A short run of the load benchmark (bench/crisis_load.py) against a real `bascule serve`: twenty
screens left open on the board, the hits, the plan and the journal while three people of the cell
declare and lift hits, mark restoration tasks and write notes. No answer is a 5xx, every poll is
answered, and the server holds no more memory at the end than a little above what it held after
the warm-up of the same run (a ratio, never a time). About 40 s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from bench.crisis_load import LoadPlan, run_against_new_server

# The bench's verdict over 10 minutes is 20 MB or 10 %; over 20 s of load a leak has less time to
# show, so the same 10 % catches only a gross one (a cache keyed by what clients send, an
# ever-growing list of requests). The 10-minute run is the finer check.
MAX_GROWTH_RATIO = 1.10

pytestmark = [
    pytest.mark.integration,
    pytest.mark.peer("/proc (Linux)", Path("/proc/self/status").exists(), "run on Linux"),
]


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # People act every 4 s or more (3 of them): about one poll in three finds nothing new, so both answers
    # (a fresh fragment, a 204) are seen even on a loaded machine; at 2 s every poll could see a change.
    plan = LoadPlan(screens=20, seconds=24, warmup_seconds=8, memory_every=1.0, think_seconds=4.0)
    return run_against_new_server(plan, tmp_path_factory.mktemp("crisis"))


def test_no_answer_is_a_server_error(summary: dict[str, Any]) -> None:
    assert summary["server_errors"] == 0, summary.get("server_said")


def test_every_poll_is_answered_and_carries_the_version_it_shows(summary: dict[str, Any]) -> None:
    assert summary["polls_sent"] >= 20 * 24 / 2 / 2  # at least half of the polls due were sent
    assert summary["polls_answered"] == summary["polls_sent"]
    assert summary["unanswered"] == {}
    assert summary["faults"] == {}


def test_screens_saw_changes_and_quiet_polls(summary: dict[str, Any]) -> None:
    polls = {name: row for name, row in summary["endpoints"].items() if name.startswith("poll ")}
    assert set(polls) == {"poll board", "poll hits", "poll restoration", "poll journal"}
    assert 0 < summary["polls_changed"] < summary["polls_sent"]
    assert sum(row["statuses"].get("204", 0) for row in polls.values()) > 0


def test_the_cell_worked_during_the_run(summary: dict[str, Any]) -> None:
    """A load run where nobody declared, lifted, marked or wrote would test only the quiet path."""
    done = {name: row["statuses"].get("302", 0) for name, row in summary["endpoints"].items()}
    assert done.get("declare", 0) > 0
    assert done.get("lift", 0) + done.get("mark done", 0) > 0
    assert done.get("mark started", 0) + done.get("mark done", 0) > 0
    assert done.get("note", 0) > 0


def test_memory_after_the_run_is_close_to_memory_after_the_warm_up(summary: dict[str, Any]) -> None:
    assert len(summary["rss_samples"]) >= 10
    assert summary["rss_end_mb"] <= MAX_GROWTH_RATIO * summary["rss_warm_mb"], summary["rss_samples"]
