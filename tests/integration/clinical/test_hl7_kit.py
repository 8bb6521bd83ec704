"""A unit's kit printed from what the HL7 feed brought, read back with pdftotext: the allergies of
the AL1 segments (the list the last A08 re-sent) and the lab results are on the patient's page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.peers import require_peer

from bascule.clinical.settings import HospitalSettings
from bascule.kits.assemble import render_kit
from bascule.kits.content import UnitProcedures, gather
from bascule.snapshot.store import ContinuityStore
from bascule.sources.hl7_listener import Hl7Listener

pytestmark = pytest.mark.integration
CORPUS = Path(__file__).parents[2] / "corpus" / "hl7"


def printed(pdf: Path) -> str:
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    return re.sub(r"\s+", " ", out.stdout.decode())


def test_the_patient_page_shows_the_hl7_allergies_and_results(tmp_path: Path) -> None:
    with ContinuityStore.open(tmp_path / "store.sqlite") as store:
        listener = Hl7Listener(store, settings=HospitalSettings(timezone="Europe/Paris"))
        for name in (
            "a01_v23_epic_admit_with_allergies.hl7",
            "a08_v23_epic_allergy_list_resent.hl7",
            "oru_r01_v251_lab_values.hl7",
        ):
            assert b"MSA|AA" in listener.process((CORPUS / name).read_bytes()), name
        kit = render_kit(gather(store, "CARDIO", UnitProcedures()), tmp_path, "fr", "a4")
    text = printed(kit.path)
    assert "LEFEBVRE" in text
    assert "Penicillin (Hives, Anaphylaxis, RISQUE ÉLEVÉ)" in text
    assert "Latex (Contact dermatitis)" in text
    assert "Peanut" not in text  # the A08's list replaced the A01's
    assert "GROUPE SANGUIN A-" in text  # ABO/Rh from the CE OBX (SNOMED 278152006)
    assert "5.9 mmol/L" in text
