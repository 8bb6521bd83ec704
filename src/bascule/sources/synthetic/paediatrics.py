"""Children's weights and weight-based doses: a patient under 15 never gets an adult fixed dose.

Weights follow the median weight for age (WHO / French growth charts, both sexes) with a spread of
about 12 %. Doses are per kilogram per dose, capped at the adult dose, rounded to two significant
figures as a nurse would draw them up; fluids follow Holliday-Segar (100/50/20 mL/kg/day).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from bascule.i18n import Lang
from bascule.sources.synthetic.catalogue import Drug

PAEDIATRIC_AGE = 15
# Median weight (kg) at each birthday, 0 to 15 years.
_MEDIAN_WEIGHT = (
    3.4,
    9.6,
    12.2,
    14.3,
    16.3,
    18.3,
    20.5,
    22.9,
    25.6,
    28.6,
    32.0,
    35.6,
    39.9,
    45.0,
    50.0,
    54.0,
)
_Q6H = ("00:00", "06:00", "12:00", "18:00")
_Q8H = ("06:00", "14:00", "22:00")
_TID = ("08:00", "14:00", "20:00")
_BID = ("08:00", "20:00")


def weight_for_age(age_days: int, rng: random.Random) -> float:
    """A plausible weight in kg for a child of this age (two decimals under 10 kg, one above)."""
    if age_days < 29:
        return round(min(4.6, max(1.8, rng.gauss(3.35, 0.45))), 2)
    years = min(age_days / 365.25, len(_MEDIAN_WEIGHT) - 1.0)
    below = int(years)
    above = min(below + 1, len(_MEDIAN_WEIGHT) - 1)
    median = _MEDIAN_WEIGHT[below] + (_MEDIAN_WEIGHT[above] - _MEDIAN_WEIGHT[below]) * (years - below)
    weight = median * min(1.4, max(0.75, rng.gauss(1.0, 0.12)))
    return round(weight, 2 if weight < 10 else 1)


def holliday_segar(weight_kg: float) -> float:
    """Maintenance fluids in mL/day: 100 mL/kg for the first 10 kg, 50 for the next 10, 20 beyond."""
    return 100 * min(weight_kg, 10) + 50 * min(max(weight_kg - 10, 0), 10) + 20 * max(weight_kg - 20, 0)


def two_figures(value: float) -> float:
    """Rounded to two significant figures: 383 → 380, 49.5 → 50, 1.83 → 1.8."""
    if value <= 0:
        return 0.0
    return float(round(value, 1 - math.floor(math.log10(value))))


@dataclass(frozen=True, slots=True)
class PaediatricRule:
    """How one drug is given to a child: `per_dose(weight_kg, age_days)` before rounding and cap."""

    fr: str
    en: str
    per_dose: Callable[[float, int], float]
    unit: str
    route: str
    times: tuple[str, ...]
    most: float | None = None  # the adult dose, never exceeded
    as_needed: bool = False

    def drug(self, atc: str, weight_kg: float, age_days: int, lang: Lang) -> Drug:
        dose = two_figures(self.per_dose(weight_kg, age_days))
        if self.most is not None:
            dose = float(min(dose, self.most))
        shown = f"{dose:g}".replace(".", ",") if lang == "fr" else f"{dose:g}"
        strength = f" {shown} {self.unit}" if self.unit != "dose" else ""
        return Drug(
            atc, f"{self.fr}{strength}", f"{self.en}{strength}", dose, self.unit, self.route, self.times,
            self.as_needed,
        )  # fmt: skip


def _per_kg(mg_per_kg: float) -> Callable[[float, int], float]:
    return lambda weight, _age_days: mg_per_kg * weight


def _fixed(amount: float) -> Callable[[float, int], float]:
    return lambda _weight, _age_days: amount


CHILD_RULES: dict[str, PaediatricRule] = {
    "N02BE01": PaediatricRule("Paracétamol", "Paracetamol", _per_kg(15), "mg", "oral", _Q6H, 1000),
    "J01CA04": PaediatricRule("Amoxicilline", "Amoxicillin", _per_kg(50 / 3), "mg", "oral", _TID, 1000),
    "J01DD04": PaediatricRule(
        "Ceftriaxone", "Ceftriaxone", _per_kg(50), "mg", "intravenous", ("08:00",), 2000
    ),
    "A04AA01": PaediatricRule(
        "Ondansétron", "Ondansetron", _per_kg(0.15), "mg", "intravenous", (), 4, as_needed=True
    ),
    "M01AE01": PaediatricRule("Ibuprofène", "Ibuprofen", _per_kg(10), "mg", "oral", _TID, 400),
    "J01FA09": PaediatricRule("Clarithromycine", "Clarithromycin", _per_kg(7.5), "mg", "oral", _BID, 500),
    "J01FF01": PaediatricRule("Clindamycine", "Clindamycin", _per_kg(10), "mg", "intravenous", _Q8H, 600),
    "R03AC02": PaediatricRule(
        "Salbutamol nébulisation",
        "Salbutamol nebule",
        lambda _weight, age_days: 2.5 if age_days < 5 * 365 else 5.0,
        "mg",
        "inhaled",
        _Q6H,
        5,
    ),
    "B05BB01": PaediatricRule(
        "NaCl 0,9 %",
        "Sodium chloride 0.9 %",
        lambda w, _a: holliday_segar(w) / 2,
        "mL",
        "intravenous",
        _BID,
        1000,
    ),
    "A11CC05": PaediatricRule(
        "Cholécalciférol 800 UI", "Colecalciferol 400 units", _fixed(1), "dose", "oral", ("12:00",)
    ),
}
NEWBORN_RULES: dict[str, PaediatricRule] = {
    "N02BE01": PaediatricRule("Paracétamol", "Paracetamol", _per_kg(15), "mg", "oral", _Q6H, 1000),
    "J01CA04": PaediatricRule("Amoxicilline", "Amoxicillin", _per_kg(30), "mg", "intravenous", _BID),
    "J01DD01": PaediatricRule("Céfotaxime", "Cefotaxime", _per_kg(50), "mg", "intravenous", _BID),
    "B05BA03": PaediatricRule("Glucosé 10 %", "Glucose 10 %", _per_kg(40), "mL", "intravenous", _BID),
    "A11CC05": PaediatricRule(
        "Cholécalciférol 400 UI", "Colecalciferol 400 units", _fixed(1), "dose", "oral", ("12:00",)
    ),
}


def paediatric_drug(drug: Drug, weight_kg: float, age_days: int, lang: Lang) -> Drug | None:
    """The drug dosed for this child's weight, or None when it has no paediatric dose here."""
    rules = NEWBORN_RULES if age_days < 29 else CHILD_RULES
    rule = rules.get(drug.atc)
    return rule.drug(drug.atc, weight_kg, age_days, lang) if rule else None
