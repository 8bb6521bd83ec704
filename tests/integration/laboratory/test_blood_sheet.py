"""The blood bank's sheet: one A4 page that says when O-negative stock falls below its threshold."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.blood_bank import NOW, POLICY, empty_store, make_unit
from tests.peers import require_peer

from bascule.hospital.model import Supplier
from bascule.laboratory.blood import bank
from bascule.laboratory.blood.ledger import parse_recipient
from bascule.laboratory.blood.sheet import write_blood_sheet

pytestmark = pytest.mark.integration
EFS = Supplier("efs", "EFS Île-de-France", "+33 1 00 00 00 00")


def sheet_text(report: bank.StockReport, folder: Path, lang: str = "en") -> str:
    target = folder / "sheet.pdf"
    write_blood_sheet(report, EFS, target, "fr" if lang == "fr" else "en", ZoneInfo("Europe/Paris"))
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )
    pages = subprocess.run(["pdfinfo", target], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.MULTILINE)
    return subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", target, "-"], capture_output=True, text=True, check=True
    ).stdout


def test_o_negative_below_threshold_is_on_the_sheet(tmp_path: Path) -> None:
    store = empty_store(tmp_path)
    for serial in range(1, 4):  # threshold 3: at it, not below
        bank.receive(store, make_unit(serial, "O-", 5), "amina")
    before = sheet_text(bank.stock_report(store, POLICY, NOW), tmp_path)
    assert "BELOW THRESHOLD" not in before
    bank.emergency_issue(store, POLICY, parse_recipient(mrn="880001"), None, None, "amina", NOW)
    bank.set_alert(store, "amber", "amina", NOW)
    report = bank.stock_report(store, POLICY, NOW)
    text = sheet_text(report, tmp_path)
    o_neg = next(line for line in text.splitlines() if "Red cells O-" in line)
    assert "BELOW THRESHOLD" in o_neg and " 2 " in o_neg
    assert "O- 1, O+ 0" in text and "AMBER" in text
    assert "EFS Île-de-France" in text and "+33 1 00 00 00 00" in text
    assert "880001" not in text  # counts only
    assert "SOUS LE SEUIL" in sheet_text(report, tmp_path, "fr")
