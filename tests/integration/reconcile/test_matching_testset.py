"""The generated matching test set (1,000 registrations, 20,000 patients, French and British): no
wrong automatic merge, at least 90 % of the known patients merged automatically. `pytest -s`
prints the confusion table (decision x truth)."""

from __future__ import annotations

import pytest

from bascule.reconcile.match import match_registrations
from bascule.reconcile.testset import TestSet, confusion, generate_testset


@pytest.fixture(scope="module")
def testset() -> TestSet:
    return generate_testset(seed=16, population=20_000, registrations=1_000)


def test_auto_is_never_wrong_and_merges_nine_in_ten_known_patients(testset: TestSet) -> None:
    matches = match_registrations(testset.registrations, testset.patients)
    table = confusion(testset, matches)
    print("\n" + table.text())
    assert [match.downtime_id for match in matches] == [r.downtime_id for r in testset.registrations]
    assert table.table["known"]["auto_wrong"] == 0 and table.table["new"]["auto_wrong"] == 0
    assert table.auto_precision == 1.0
    assert table.auto_recall >= 0.90
    assert sum(table.table["new"].values()) >= 150  # about a fifth are new patients
    assert table.table["new"]["new"] > table.table["new"]["review"]


def test_the_test_set_holds_every_error_kind_and_hard_case(testset: TestSet) -> None:
    kinds = set(testset.kinds.values())
    for kind in ("family_typo", "given_typo", "birth_swapped", "birth_missing", "maiden_name_given",
                 "hyphen_part_given", "twin", "parent_child", "spouse", "homonym",
                 "new_twin", "new_child", "new_newborn", "new_spouse", "new_homonym", "new_plain"):  # fmt: skip
        assert kind in kinds, kind
    assert {patient.id[2:4] for patient in testset.patients} == {"fr", "gb"}
