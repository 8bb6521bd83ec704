"""Who lies in which care unit: ages, sex, problems and drugs by kind of unit (from its name)."""

from __future__ import annotations

from dataclasses import dataclass

from bascule.hospital.model import CareUnit
from bascule.sources.synthetic import catalogue as cat
from bascule.sources.synthetic.catalogue import Diagnosis, Drug


def _drugs(*atc: str) -> tuple[Drug, ...]:
    return tuple(drug for drug in (*cat.DRUGS, *PSYCHIATRIC_DRUGS, *NEONATAL_DRUGS) if drug.atc in atc)


PSYCHIATRIC_DRUGS: tuple[Drug, ...] = (
    Drug("N06AB06", "Sertraline 50 mg", "Sertraline 50 mg", 50, "mg", "oral", ("08:00",)),
    Drug("N05AH03", "Olanzapine 10 mg", "Olanzapine 10 mg", 10, "mg", "oral", ("20:00",)),
    Drug("N05AN01", "Lithium 400 mg", "Lithium carbonate 400 mg", 400, "mg", "oral", ("08:00", "20:00")),
    Drug("N05BA01", "Diazépam 5 mg", "Diazepam 5 mg", 5, "mg", "oral", (), as_needed=True),
)
# Newborns get cefotaxime rather than ceftriaxone (bilirubin, calcium) and glucose 10 % as fluids;
# the adult doses here are placeholders, always replaced by weight-based ones (see paediatrics).
NEONATAL_DRUGS: tuple[Drug, ...] = (
    Drug("J01DD01", "Céfotaxime 1 g", "Cefotaxime 1 g", 1, "g", "intravenous", ("08:00", "20:00")),
    Drug(
        "B05BA03", "Glucosé 10 % 500 mL", "Glucose 10 % 500 mL", 500, "mL", "intravenous", ("08:00", "20:00")
    ),
)


@dataclass(frozen=True, slots=True)
class Profile:
    """The patients of one kind of care unit."""

    age_mean: float
    age_spread: float
    age_min: int
    age_max: int
    female_share: float
    diagnoses: tuple[Diagnosis, ...]
    drugs: tuple[Drug, ...]
    most_drugs: int = 10


ADULT = Profile(68, 17, 18, 101, 0.52, cat.DIAGNOSES, cat.DRUGS)
ELDERLY = Profile(84, 6, 70, 104, 0.62, cat.DIAGNOSES, cat.DRUGS)
MATERNITY = Profile(
    31,
    5,
    18,
    45,
    1.0,
    (
        Diagnosis("O80", "Accouchement unique et spontané", "Single spontaneous delivery"),
        Diagnosis("O82", "Accouchement par césarienne", "Caesarean delivery"),
        Diagnosis("O14.9", "Prééclampsie", "Pre-eclampsia"),
        Diagnosis("O24.4", "Diabète gestationnel", "Gestational diabetes"),
        Diagnosis("O72.1", "Hémorragie du post-partum", "Postpartum haemorrhage"),
    ),
    _drugs("N02BE01", "B01AB05", "A11CC05", "A04AA01", "B05BB01", "J01CA04"),
    6,
)
NEWBORN = Profile(
    0,
    0,
    0,
    0,
    0.49,
    (
        Diagnosis("P07.3", "Prématurité", "Preterm infant"),
        Diagnosis("P59.9", "Ictère néonatal", "Neonatal jaundice"),
        Diagnosis("P22.1", "Détresse respiratoire transitoire", "Transient tachypnoea of newborn"),
        Diagnosis("P70.4", "Hypoglycémie néonatale", "Neonatal hypoglycaemia"),
    ),
    _drugs("N02BE01", "J01CA04", "A11CC05", "B05BA03", "J01DD01"),
    4,
)
CHILD = Profile(
    7,
    5,
    1,
    17,
    0.48,
    (
        Diagnosis("J21.9", "Bronchiolite", "Bronchiolitis"),
        Diagnosis("A09", "Gastro-entérite", "Gastroenteritis"),
        Diagnosis("J45.9", "Asthme", "Asthma"),
        Diagnosis("K35.8", "Appendicite aiguë", "Acute appendicitis"),
        Diagnosis("F32.2", "Épisode dépressif sévère", "Severe depressive episode"),
    ),
    _drugs("N02BE01", "J01CA04", "R03AC02", "A04AA01", "B05BB01", "A11CC05", "J01DD04", "M01AE01"),
    5,
)
PSYCHIATRY = Profile(
    42,
    15,
    18,
    90,
    0.5,
    (
        Diagnosis("F32.2", "Épisode dépressif sévère", "Severe depressive episode"),
        Diagnosis("F20.9", "Schizophrénie", "Schizophrenia"),
        Diagnosis("F31.9", "Trouble bipolaire", "Bipolar affective disorder"),
        Diagnosis("F10.2", "Dépendance à l'alcool", "Alcohol dependence"),
        Diagnosis("I10", "Hypertension artérielle essentielle", "Essential hypertension"),
    ),
    _drugs("N06AB06", "N05AH03", "N05AN01", "N05BA01", "N05CF01", "N02BE01", "A02BC01"),
    6,
)

# First match wins: neonatal before paediatric, child psychiatry before adult psychiatry.
_BY_WORDS: tuple[tuple[tuple[str, ...], Profile], ...] = (
    (("néonat", "neonat", "newborn"), NEWBORN),
    (("pédopsy", "pedopsy", "pédiatr", "pediatr", "paediatr", "children", "child"), CHILD),
    (("maternit", "obstétr", "obstet", "gynéco", "gyneco", "labour", "midwife"), MATERNITY),
    (("psychiatr", "addicto", "mental"), PSYCHIATRY),
    (("gériatr", "geriatr", "longue durée", "long-term", "long term", "ehpad", "usld"), ELDERLY),
)


def profile_of(unit: CareUnit) -> Profile:
    text = f"{unit.id} {unit.name}".lower()
    for words, profile in _BY_WORDS:
        if any(word in text for word in words):
            return profile
    return ADULT
