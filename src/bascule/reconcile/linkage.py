"""Fellegi-Sunter record linkage: weights per comparison level, blocking, candidates (pure).

A pair's match weight is the sum over fields of log2(m / u), where m is the probability of the
level among true matches and u among non-matches; an unknown field weighs nothing. The weight plus
the prior's log-odds gives the probability that the pair is the same person.

m follows the error rates of the generated test set (testset.ERROR_RATES: about 3 % of names typed
with one error, 1.5 % of birth dates with day and month swapped, 1.5 % with one wrong digit, 2 %
without a date, a third of married women giving the other family name); these rates are our
assumptions, to be replaced by a hospital's own once it has reconciled a real outage. u is how often
two different people agree by chance in a population of 20,000 (a birth date: about 1 in 30,000
pairs; a family name: about 1 in 200; a phone: household sharing only). The prior is the share of
registrations expected to be known patients (0.8) spread over the population.

Blocking keeps the pairs worth scoring: a registration is compared only with patients sharing its
national number, a phone, its (swapped) birth date, its family name's Soundex with the birth year,
its family's Soundex with the given name's first letters, or its given name with the birth year.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bascule.clinical.records import Patient
from bascule.reconcile.comparison import Comparison, StoredPerson, Written, compare, swapped

# (m, u) per field and level; "missing" and "invalid" are neutral (absent from the table).
WEIGHT_TABLE: dict[str, dict[str, tuple[float, float]]] = {
    "family": {
        "exact": (0.86, 0.005),
        "other_name": (0.06, 0.0005),
        "part": (0.03, 0.0005),
        "close": (0.03, 0.002),
        "disagree": (0.02, 0.992),
    },
    "given": {
        "exact": (0.90, 0.01),
        "first": (0.03, 0.01),
        "nickname": (0.01, 0.0005),
        "close": (0.03, 0.004),
        "disagree": (0.03, 0.975),
    },
    "birth_date": {
        "exact": (0.93, 0.000035),
        "swapped": (0.02, 0.000035),
        "typo": (0.02, 0.0006),
        "year_only": (0.01, 0.012),
        "disagree": (0.02, 0.987),
    },
    "sex": {"agree": (0.99, 0.5), "disagree": (0.01, 0.5)},
    "national": {"exact": (0.97, 0.0000001), "disagree": (0.03, 0.9999999)},
    "phone": {"exact": (0.85, 0.0002), "disagree": (0.15, 0.9998)},
    "postcode": {"exact": (0.90, 0.01), "disagree": (0.10, 0.99)},
}
KNOWN_SHARE = 0.8  # share of downtime registrations that are patients the store already holds
FIELDS: tuple[str, ...] = tuple(WEIGHT_TABLE)


def level_weight(field: str, level: str) -> float:
    """log2(m/u) of this level; 0 for an unknown field."""
    pair = WEIGHT_TABLE[field].get(level)
    return 0.0 if pair is None else math.log2(pair[0] / pair[1])


def match_weight(comparison: Comparison) -> float:
    return sum(level_weight(field, getattr(comparison, field)) for field in FIELDS)


def probability(weight: float, population: int) -> float:
    """The match probability of a pair of this weight in a store of `population` patients."""
    prior = KNOWN_SHARE / max(population, 1)
    log_odds = weight + math.log2(prior / (1 - prior))
    if log_odds > 60:
        return 1.0
    if log_odds < -60:
        return 0.0
    return 1 / (1 + 2 ** (-log_odds))


@functools.lru_cache(maxsize=1 << 16)
def soundex(word: str) -> str:
    """American Soundex of a folded word (letters only): "Robert" and "Rupert" give R163."""
    letters = [char for char in word if "a" <= char <= "z"]
    if not letters:
        return ""
    codes = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"),
             "l": "4", **dict.fromkeys("mn", "5"), "r": "6"}  # fmt: skip
    result, previous = letters[0].upper(), codes.get(letters[0], "")
    for char in letters[1:]:
        code = codes.get(char, "")
        if code and code != previous:
            result += code
        if char not in "hw":
            previous = code
    return (result + "000")[:4]


def _family_codes(families: Iterable[str]) -> set[str]:
    """The Soundex of each family name whole and of each part of a compound one."""
    codes = set()
    for name in families:
        codes.add(soundex(name.replace(" ", "")))
        codes.update(soundex(part) for part in name.split() if len(part) >= 3)
    return codes - {""}


def _stored_keys(person: StoredPerson) -> Iterator[tuple[object, ...]]:
    if person.national:
        yield ("n", person.national)
    for phone in person.phones:
        yield ("p", phone)
    born = person.birth_date
    if born is not None:
        yield ("d", born)
    for code in _family_codes(person.families):
        if born is not None:
            yield ("fy", code, born.year)
        for given in person.givens:
            yield ("fg", code, given[:2])
    if born is not None:
        for given in person.givens:
            yield ("gy", given.split()[0], born.year)


def _written_keys(written: Written) -> Iterator[tuple[object, ...]]:
    if written.national:
        yield ("n", written.national)
    if written.phone:
        yield ("p", written.phone)
    born = written.birth_date
    if born is not None:
        yield ("d", born)
        other = swapped(born)
        if other is not None:
            yield ("d", other)
    for code in _family_codes([written.family] if written.family else []):
        if born is not None:
            yield ("fy", code, born.year)
        if written.given:
            yield ("fg", code, written.given[:2])
    if born is not None and written.given:
        yield ("gy", written.given.split()[0], born.year)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored patient scored against a registration."""

    person: StoredPerson
    comparison: Comparison
    weight: float
    probability: float


class PatientIndex:
    """The store's patients, keyed for blocking; built once, queried per registration."""

    def __init__(self, patients: Iterable[Patient]) -> None:
        self.people: list[StoredPerson] = [StoredPerson.of(patient) for patient in patients]
        self._blocks: dict[tuple[object, ...], list[int]] = defaultdict(list)
        for position, person in enumerate(self.people):
            for key in set(_stored_keys(person)):
                self._blocks[key].append(position)

    def __len__(self) -> int:
        return len(self.people)

    def candidates(self, written: Written) -> list[Candidate]:
        """Every blocked patient scored, best first (ties by patient id, so runs repeat)."""
        positions: set[int] = set()
        for key in _written_keys(written):
            positions.update(self._blocks.get(key, ()))
        scored = []
        for position in positions:
            person = self.people[position]
            comparison = compare(written, person)
            weight = match_weight(comparison)
            scored.append(Candidate(person, comparison, weight, probability(weight, len(self.people))))
        scored.sort(key=lambda candidate: (-candidate.weight, candidate.person.patient_id))
        return scored


def best_of(candidates: Sequence[Candidate]) -> Candidate | None:
    return candidates[0] if candidates else None
