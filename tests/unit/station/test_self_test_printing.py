"""The printer half of the self-test without a print server: the page it sends, and a station
without the CUPS clients."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bascule.station.print_queue import PrintQueue, Submitted
from bascule.station.test_page import render_test_page


def test_the_test_page_is_one_page_that_says_it_is_a_test() -> None:
    pdf = render_test_page("chvo", "/srv/bascule/station", datetime(2026, 12, 6, 3, 0, tzinfo=UTC))
    assert pdf.startswith(b"%PDF-")
    assert b"/Count 1" in pdf
    assert b"Bascule station test page" in pdf  # its title, as the print queue lists it


def test_without_the_cups_clients_the_check_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat
    page = tmp_path / "page.pdf"
    page.write_bytes(b"%PDF-1.4")
    assert PrintQueue("ward-3").submit(page, "t") == Submitted(None, "missing_client")
