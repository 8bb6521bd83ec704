"""Two downtime numbers given to the same new person (registered twice during the outage) must not
become two records in the EHR: matching compares the unmatched registrations with each other."""

from __future__ import annotations

from datetime import date

from bascule.reconcile.match import match_registrations
from bascule.reconcile.registration import Registration


def test_one_new_person_under_two_numbers_goes_to_review() -> None:
    same = {"family": "Quenardel", "given": "Aurélien", "birth_date": date(1971, 4, 2), "sex": "male"}
    registrations = [
        Registration(downtime_id="CHVO-URG1-00001-J", **same),  # type: ignore[arg-type]
        Registration(downtime_id="CHVO-CARD1-00001-X", **{**same, "given": "Aurelien"}),  # type: ignore[arg-type]
        Registration(
            downtime_id="CHVO-URG1-00002-H",
            family="Zyxwabel",
            given="Odette",
            birth_date=date(1940, 1, 1),
            sex="female",
        ),
    ]
    matches = {m.downtime_id: m for m in match_registrations(registrations, [])}
    for number in ("CHVO-URG1-00001-J", "CHVO-CARD1-00001-X"):
        assert matches[number].decision == "review" and "another_registration" in matches[number].reasons
        assert matches[number].patient_id is None
    assert matches["CHVO-URG1-00002-H"].decision == "new"
