"""Issue 19, triage hook: outpatient and GP blood tests are rationed to the urgent ones while the
laboratory system is down (the Synnovis case: the pathology supplier is hit), on the demo map."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bascule import assess
from bascule.clinical.records import Activity
from bascule.hospital.loading import load_map
from bascule.scenario import load_scenario
from bascule.sources.fhir_care import _activity_kind
from bascule.triage import triage


def blood_test(urgency: str) -> Activity:
    return Activity(
        id=f"bt-{urgency}",
        version="v1",
        patient_id="p1",
        kind="blood-test",
        start=datetime(2026, 12, 7, 8, 30, tzinfo=UTC),
        urgency=urgency,  # type: ignore[arg-type]
        description="Prise de sang",
    )


@pytest.mark.parametrize(
    ("urgency", "decision"), [("routine", "postpone"), ("urgent", "maintain"), ("emergency", "divert")]
)
def test_with_the_pathology_supplier_hit_only_urgent_blood_tests_stay(urgency: str, decision: str) -> None:
    hospital = load_map("demo")
    hits = load_scenario("pathology-supplier", hospital)
    impact = assess(hospital, down=hits.down, isolate=hits.isolate, suppliers=hits.suppliers)
    (proposal,) = triage(hospital, impact, [blood_test(urgency)], ())
    assert (proposal.decision, proposal.process) == (decision, "critical-lab-results")
    if decision == "divert":
        assert proposal.facility in {"chu-bievre", "ch-yvette"}  # the partner laboratories


def test_blood_tests_are_kept_when_nothing_is_hit() -> None:
    hospital = load_map("demo")
    (proposal,) = triage(hospital, assess(hospital), [blood_test("routine")], ())
    assert proposal.decision == "maintain"


@pytest.mark.parametrize(
    ("resource", "kind"),
    [
        ({"serviceType": [{"text": "Prise de sang"}]}, "blood-test"),
        ({"description": "Outpatient phlebotomy clinic"}, "blood-test"),
        (
            {"serviceCategory": [{"coding": [{"system": "x", "code": "y"}]}], "description": "Bilan sanguin"},
            "blood-test",
        ),
        ({"description": "Scanner thoracique"}, "imaging"),
        ({"description": "Consultation de suivi"}, "consultation"),
    ],
)
def test_a_fhir_appointment_for_a_blood_test_is_one(resource: dict[str, Any], kind: str) -> None:
    assert _activity_kind(resource) == kind
