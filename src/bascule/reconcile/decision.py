"""Auto, review or new: when a registration may be merged without a person looking (pure).

A wrong merge puts one patient's drugs and results in another's record: a patient-safety incident.
So "auto" needs all of: the best candidate's probability at least AUTO_PROBABILITY, the second best
below SECOND_BELOW, a family name and a given name that agree (exactly, as another stored name,
as a part of a compound name, or by one typo or a known nickname, these two only with the sex
written and agreeing), the same birth date, and no
hard blocker or lookalike. Hard blockers: a disagreeing given name, birth date (a swapped day and
month, a wrong digit or an unknown date too), sex, family name, or a valid national number that
differs. Lookalikes, which send a merge to review whatever the score: a newborn (no given name
yet, or "Bébé"), the best candidate's twin in the store (same family and birth date), a homonym
(same family and first given name, another birth date: a parent and child too) and a spouse (same
family, phone and postcode). "new" when no candidate reaches NEW_BELOW. A second candidate that the registration itself
tells apart (told_apart) does not make the best one ambiguous.

Reasons are codes (REASONS), never values: they go to the worklist and the logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bascule.reconcile.comparison import StoredPerson, Written
from bascule.reconcile.linkage import Candidate

Decision = Literal["auto", "review", "new"]
DECISIONS: tuple[Decision, ...] = ("auto", "review", "new")
AUTO_PROBABILITY = 0.999
SECOND_BELOW = 0.01
NEW_BELOW = 0.05
_PARENT_GAP_YEARS = 14

REASONS: dict[str, tuple[str, str]] = {
    "another_registration": (
        "another downtime number may be the same new person: creating both would make a duplicate",
        "un autre numéro dégradé est peut-être la même nouvelle personne : les créer tous deux ferait un doublon",
    ),
    "registrations_differ": (
        "two registrations of this downtime number say different things",
        "deux enregistrements de ce numéro dégradé ne disent pas la même chose",
    ),
    "no_candidate": ("no stored patient is plausible", "aucun patient connu n'est plausible"),
    "low_score": ("the best score is too low for a merge", "le meilleur score est trop bas pour fusionner"),
    "second_candidate": ("a second candidate is close", "un second candidat est proche"),
    "family_disagrees": ("the family name differs", "le nom de famille diffère"),
    "given_disagrees": ("the given name differs", "le prénom diffère"),
    "given_missing": ("the given name is unknown", "le prénom est inconnu"),
    "given_uncertain": (
        "the given name is close but the sex is not written to tell a man's name from a woman's",
        "le prénom est proche mais le sexe n'est pas écrit pour distinguer prénom masculin et féminin",
    ),
    "family_missing": ("the family name is unknown", "le nom de famille est inconnu"),
    "birth_date_disagrees": ("the birth date differs", "la date de naissance diffère"),
    "birth_date_swapped": (
        "the birth date matches with day and month swapped",
        "la date de naissance correspond, jour et mois inversés",
    ),
    "birth_date_missing": ("the birth date is unknown", "la date de naissance est inconnue"),
    "sex_disagrees": ("the sex differs", "le sexe diffère"),
    "national_id_disagrees": ("a valid national number differs", "un numéro national valide diffère"),
    "newborn": ("a newborn without a given name", "un nouveau-né sans prénom"),
    "twin_in_store": ("the candidate has a twin in the store", "le candidat a un jumeau connu"),
    "homonym_in_store": (
        "another stored patient has the same name",
        "un autre patient connu porte le même nom",
    ),
    "parent_or_child_in_store": (
        "a stored parent or child shares the name and phone",
        "un parent ou enfant connu partage le nom et le téléphone",
    ),
    "spouse_in_store": (
        "a stored spouse shares the family name, phone and postcode",
        "un conjoint connu partage le nom, le téléphone et le code postal",
    ),
}


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    candidate: Candidate | None
    reasons: tuple[str, ...]

    @property
    def patient_id(self) -> str | None:
        return None if self.decision == "new" or self.candidate is None else self.candidate.person.patient_id

    @property
    def score(self) -> float:
        return 0.0 if self.candidate is None else round(self.candidate.probability, 6)


def _blockers(written: Written, best: Candidate) -> list[str]:
    levels = best.comparison
    found = []
    if written.newborn:
        found.append("newborn")
    if levels.family == "disagree":
        found.append("family_disagrees")
    elif levels.family == "missing":
        found.append("family_missing")
    if levels.given == "disagree":
        found.append("given_disagrees")
    elif levels.given in ("close", "nickname") and levels.sex != "agree":
        # Louis and Louise, René and Renée are one letter apart: without the sex, a twin of the
        # other sex would pass for a typo.
        found.append("given_uncertain")
    elif levels.given == "missing" and not written.newborn:
        found.append("given_missing")
    if levels.birth_date == "swapped":
        found.append("birth_date_swapped")
    elif levels.birth_date == "missing":
        found.append("birth_date_missing")
    elif levels.birth_date != "exact":
        found.append("birth_date_disagrees")
    if levels.sex == "disagree":
        found.append("sex_disagrees")
    if levels.national == "disagree":
        found.append("national_id_disagrees")
    return found


def _shares_family(one: StoredPerson, other: StoredPerson) -> bool:
    return bool(set(one.families) & set(other.families))


def _first_given(person: StoredPerson) -> str:
    return person.given.split()[0] if person.given else ""


def lookalikes(best: StoredPerson, others: Sequence[Candidate]) -> list[str]:
    """The hard cases around the best candidate among the other candidates.

    A homonym whose birth date is beyond any slip of the written one (not equal, swapped, one digit
    off or the same year) is told apart by the written date, which "auto" requires to be exact:
    common names ("Jean Martin") would otherwise never merge. A twin, a parent or child and a
    spouse always send to review, whatever the written date says."""
    found: set[str] = set()
    for candidate in others:
        other = candidate.person
        if other.patient_id == best.patient_id or not _shares_family(best, other):
            continue
        same_given = bool(_first_given(best)) and _first_given(best) == _first_given(other)
        born, other_born = best.birth_date, other.birth_date
        if born is not None and born == other_born and not same_given:
            found.add("twin_in_store")
        if same_given and born != other_born:
            apart = born is not None and other_born is not None and abs(born.year - other_born.year)
            if best.phones & other.phones and apart and apart >= _PARENT_GAP_YEARS:
                found.add("parent_or_child_in_store")
            elif candidate.comparison.birth_date != "disagree":
                found.add("homonym_in_store")
        if same_given and born == other_born:
            found.add("homonym_in_store")  # the same person twice in the store: a person decides
        if (
            not same_given
            and born != other_born
            and best.phones & other.phones
            and best.postcode is not None
            and best.postcode == other.postcode
        ):
            found.add("spouse_in_store")
    return sorted(found)


def told_apart(candidate: Candidate) -> bool:
    """The registration itself excludes this candidate: a birth date beyond any slip of the pen
    (not equal, swapped, one digit off or the same year) or a valid national number that differs."""
    return candidate.comparison.birth_date == "disagree" or candidate.comparison.national == "disagree"


def decide(written: Written, candidates: Sequence[Candidate]) -> Verdict:
    """The decision for one registration given its scored candidates, best first."""
    if not candidates or candidates[0].probability < NEW_BELOW:
        return Verdict("new", candidates[0] if candidates else None, ("no_candidate",))
    best = candidates[0]
    reasons = _blockers(written, best)
    if best.probability < AUTO_PROBABILITY:
        reasons.append("low_score")
    if any(other.probability >= SECOND_BELOW and not told_apart(other) for other in candidates[1:]):
        reasons.append("second_candidate")
    reasons += lookalikes(best.person, candidates[1:])
    if reasons:
        return Verdict("review", best, tuple(dict.fromkeys(reasons)))
    return Verdict("auto", best, ())
