"""For any allergies, any drug list and any child, what the synthetic hospital prescribes is safe."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from bascule.clinical.allergy_conflicts import clash
from bascule.sources.synthetic import catalogue as cat
from bascule.sources.synthetic.paediatrics import CHILD_RULES, NEWBORN_RULES, two_figures, weight_for_age
from bascule.sources.synthetic.prescribing import prescribable
from bascule.sources.synthetic.profiles import CHILD, NEWBORN

SUBSTANCES = [substance for substance, _weight in cat.SUBSTANCES]
ALL_DRUGS = list(dict.fromkeys((*cat.DRUGS, *CHILD.drugs, *NEWBORN.drugs)))


@given(
    st.lists(st.sampled_from(SUBSTANCES), max_size=3, unique=True),
    st.lists(st.sampled_from(ALL_DRUGS), min_size=1, max_size=12, unique=True),
    st.sampled_from(["fr", "en"]),
    st.integers(0, 2**32),
    st.one_of(st.none(), st.integers(0, 15 * 365 - 1)),
)
def test_nothing_prescribed_clashes_and_children_get_only_their_doses(
    substances: list[cat.Substance], drugs: list[cat.Drug], lang: str, seed: int, age_days: int | None
) -> None:
    rng = random.Random(seed)
    allergies = [(s.snomed, s.fr if lang == "fr" else s.en) for s in substances]
    child = None if age_days is None else (weight_for_age(age_days, rng), age_days)
    given_drugs = prescribable(drugs, allergies, child, rng, lang)  # type: ignore[arg-type]
    for drug in given_drugs:
        for code, label in allergies:
            assert clash(code, label, drug.atc, drug.fr if lang == "fr" else drug.en) is None
    assert len({drug.atc for drug in given_drugs}) == len(given_drugs)
    if child is not None:
        rules = NEWBORN_RULES if child[1] < 29 else CHILD_RULES
        assert all(drug.atc in rules for drug in given_drugs)
        assert all(drug.unit in ("mg", "mL", "dose") for drug in given_drugs)
    elif not substances:
        assert given_drugs == drugs


@given(st.floats(0.001, 100_000, allow_nan=False))
def test_two_significant_figures_stay_within_five_percent(value: float) -> None:
    assert abs(two_figures(value) - value) <= 0.05 * value + 1e-9
