"""What the synthetic hospital may prescribe to one patient: never a drug of a class the patient is
allergic to (the clinical allergy table decides, cross-reactivity included), and for a child, only
weight-based paediatric doses."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bascule.clinical.allergy_conflicts import is_allowed
from bascule.i18n import Lang
from bascule.sources.synthetic.catalogue import SUBSTITUTES, Drug
from bascule.sources.synthetic.paediatrics import paediatric_drug

Child = tuple[float, int]  # weight in kg, age in days


def allowed(drug: Drug, allergies: Sequence[tuple[str, str]]) -> bool:
    """Checked under both names: an allergy recorded in either language must catch it."""
    return is_allowed(allergies, drug.atc, drug.fr) and is_allowed(allergies, drug.atc, drug.en)


def prescribable(
    drugs: Sequence[Drug],
    allergies: Sequence[tuple[str, str]],
    child: Child | None,
    rng: random.Random,
    lang: Lang,
) -> list[Drug]:
    """The drugs, each one the patient is allergic to replaced by an alternative not yet prescribed
    (or left out when there is none), with a child's doses worked out from its weight."""
    taken = {drug.atc for drug in drugs}
    kept: list[Drug] = []
    for drug in drugs:
        if not allowed(drug, allergies):
            options = [
                option
                for option in SUBSTITUTES.get(drug.atc, ())
                if option.atc not in taken
                and allowed(option, allergies)
                and (child is None or paediatric_drug(option, *child, lang) is not None)
            ]
            if not options:
                continue
            drug = rng.choice(options)
            taken.add(drug.atc)
        if child is not None:
            dosed = paediatric_drug(drug, *child, lang)
            if dosed is None:  # no paediatric dose known: a child never gets the adult one
                continue
            drug = dosed
        kept.append(drug)
    return kept
