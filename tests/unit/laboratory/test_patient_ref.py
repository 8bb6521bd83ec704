"""A sample's patient reference at collection: a downtime number passing its check character, or
an MRN the store knows; anything else refused with one sentence that does not repeat it."""

from __future__ import annotations

import pytest

from bascule.downtime.numbers import DowntimeNumber
from bascule.errors import UserError
from bascule.laboratory.samples.patient_ref import PatientRef, checked_ref

KNOWN = {"700000042"}
GOOD = DowntimeNumber("CHVO", "URG1", 42).text


def known(mrn: str) -> bool:
    return mrn in KNOWN


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (GOOD, PatientRef("downtime_number", GOOD)),
        (f"  {GOOD.lower()} ", PatientRef("downtime_number", GOOD)),
        (" 700000042 ", PatientRef("mrn", "700000042")),
    ],
)
def test_references_that_pass(typed: str, expected: PatientRef) -> None:
    assert checked_ref(typed, known) == expected


def _miscopied(text: str) -> str:
    body, check = text[:-1], text[-1]
    return body + ("A" if check != "A" else "B")


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        (_miscopied(GOOD), "check character"),
        ("700000043", "neither a downtime number nor an MRN"),
        ("MRN-77", "neither a downtime number nor an MRN"),
        ("Dupont Jean", "neither a downtime number nor an MRN"),
        ("   ", "needs its patient"),
    ],
)
def test_a_doubt_is_refused_with_one_sentence_that_does_not_repeat_it(typed: str, sentence: str) -> None:
    with pytest.raises(UserError) as caught:
        checked_ref(typed, known)
    assert sentence in caught.value.message and "\n" not in caught.value.message
    assert caught.value.french
    if typed.strip():
        assert typed.strip() not in caught.value.message and typed.strip() not in caught.value.french
