"""A short run of the station viewer's benchmark (bench/station_viewer.py) against a real
`bascule station serve`: two units at half their beds, two users, twenty searches each. No timing
is asserted (a shared machine); what must hold is that the bench measures what it says: every
search and every patient opened answered 200, and the result has the figures the table reads."""

from __future__ import annotations

import json
from pathlib import Path

from bench.station_viewer import TARGETS, judge, make_station, run_bench, table


def test_a_short_station_bench_answers_every_query(tmp_path: Path) -> None:
    station = make_station(tmp_path, bed_scale=0.5, units=2)
    assert 0 < station.inpatients < len(station.patients) and station.records > 0

    results = run_bench(station, users=2, queries=20, starts=2)

    searches, opened = results["search"], results["patient_open"]
    assert (searches["count"], opened["count"]) == (40, 4)
    assert results["statuses"] == {"200": 44} and results["unanswered"] == {}
    assert results["searches_with_no_hit"] < 40  # the queries are made of the store's own patients
    for figure in (searches, opened):
        assert 0 < figure["p50_ms"] <= figure["p95_ms"] <= figure["p99_ms"] <= figure["max_ms"]
    assert 0 < results["login_page_seconds"] <= results["first_page_seconds"]
    assert results["first_page_cpu_seconds"] > 0
    assert results["server_ready_seconds"] > 0 and results["library_open_seconds"] > 0
    assert len(results["first_page_seconds_each"]) == results["starts"] == 2
    assert 0 < results["rss_mb"] <= results["peak_rss_mb"]
    assert set(results["search_by_kind_p95_ms"]) <= {
        "prefix", "typo", "full_name", "birth_date", "iso_date", "mrn",
    }  # fmt: skip
    met = judge(results)
    assert set(met) == set(TARGETS)
    assert met["inpatients"] is False and met["records"] is False  # a small station says so
    assert "MISSED" in table(results | {"met": met})
    json.dumps(results)  # what bench writes to bench/results/station.json
