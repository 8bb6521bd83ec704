"""One card per patient and the index that finds them as a nurse types.

Built once from the sealed copy, so everything a search needs is computed then: each card's
folded words, a sorted vocabulary of the words (a prefix is a range of it), and for the typo
tolerance a deletion neighbourhood of the words' prefixes (two words one edit apart share a word
with one letter deleted, so the candidates are a few dictionary look-ups, not a scan). A search
then costs a few look-ups and a sort of the cards found, whatever the size of the hospital.

Ranking: an exact identifier, then every name word exact, then prefixes, then one typo; among
equals inpatients before discharged patients, then by family and given name.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Literal

from bascule.lookup.folding import tokens
from bascule.lookup.query import Query, normalise_identifier, parse_query

How = Literal["identifier", "exact", "prefix", "fuzzy", "birth_date"]
# Lower is better; a query without name words matches by identifier or by birth date alone.
_LEVEL: dict[How, int] = {"identifier": 0, "exact": 1, "birth_date": 1, "prefix": 2, "fuzzy": 3}
_NAME_HOW: tuple[How, ...] = ("identifier", "exact", "prefix", "fuzzy")
# Shorter typed words are too ambiguous to forgive a typo in ("mar" is one edit from half the ward).
FUZZY_FROM = 4
_NUMBER_PARTS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True, kw_only=True)
class PatientCard:
    """What the search shows of a patient: who, and where they lie or last lay.

    `in_census` is a current stay (a patient the kits list, placed or not); a discharged patient
    has no unit, room or bed but the end and unit of their last stay."""

    id: str
    family: str
    given: str
    birth_date: date | None = None
    mrn: str | None = None
    national_number: str | None = None
    downtime_numbers: tuple[str, ...] = ()
    unit_id: str | None = None
    unit_name: str | None = None
    room: str | None = None
    bed: str | None = None
    in_census: bool = False
    last_stay_end: datetime | None = None
    last_unit_name: str | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a patient card needs the patient's id")
        if not self.in_census and (self.unit_id or self.room or self.bed):
            raise ValueError(f"patient card {self.id}: a patient in no census has no unit, room or bed")
        if self.in_census and (self.last_stay_end is not None or self.last_unit_name is not None):
            raise ValueError(f"patient card {self.id}: an inpatient's last stay is the current one")

    @property
    def identifiers(self) -> tuple[str, ...]:
        """Every identifier a nurse may type: MRN, national number, downtime numbers, bed."""
        found = [self.mrn, self.national_number, *self.downtime_numbers, self.bed]
        return tuple(value for value in found if value)


@dataclass(frozen=True, slots=True)
class Hit:
    """A card found, and how: the worst way one of its words matched."""

    card: PatientCard
    how: How


def within_one_edit(typed: str, word: str) -> bool:
    """Optimal string alignment distance at most 1: one letter added, dropped, changed, or two
    neighbours swapped."""
    if typed == word:
        return True
    typed_length, word_length = len(typed), len(word)
    if abs(typed_length - word_length) > 1:
        return False
    same = 0
    shortest = min(typed_length, word_length)
    while same < shortest and typed[same] == word[same]:
        same += 1
    if typed_length > word_length:
        return typed[same + 1 :] == word[same:]
    if typed_length < word_length:
        return typed[same:] == word[same + 1 :]
    if typed[same + 1 :] == word[same + 1 :]:
        return True
    return (
        same + 1 < typed_length
        and typed[same] == word[same + 1]
        and typed[same + 1] == word[same]
        and typed[same + 2 :] == word[same + 2 :]
    )


def _deletions(text: str) -> set[str]:
    return {text[:index] + text[index + 1 :] for index in range(len(text))}


def _typo_keys(word: str) -> set[str]:
    """The keys under which a word is found by a typed word of FUZZY_FROM or more letters that is
    one edit from one of its prefixes (or from itself)."""
    keys: set[str] = set()
    for length in range(FUZZY_FROM - 1, len(word) + 1):
        prefix = word[:length]
        keys.add(prefix)
        if length >= FUZZY_FROM:
            keys |= _deletions(prefix)
    return keys


def natural_key(text: str | None) -> tuple[tuple[int, int, str], ...]:
    """Sorts "bed 2" before "bed 10": numbers by value, the rest by folded text."""
    parts = _NUMBER_PARTS.split(text or "")  # the numbers are at the odd places
    return tuple(
        (0, int(part), "") if place % 2 else (1, 0, part.casefold())
        for place, part in enumerate(parts)
        if part
    )


class PatientIndex:
    """Every patient card, indexed for `search`, `by_unit` and `get`. Read-only once built."""

    __slots__ = (
        "_birth_dates",
        "_by_id",
        "_cards",
        "_identifiers",
        "_postings",
        "_rank",
        "_typo_index",
        "_units",
        "_words",
    )

    def __init__(self, cards: Iterable[PatientCard]) -> None:
        self._cards: tuple[PatientCard, ...] = tuple(cards)
        self._by_id = {card.id: position for position, card in enumerate(self._cards)}
        if len(self._by_id) != len(self._cards):
            raise ValueError("two patient cards share an id")
        folded: dict[str, tuple[str, ...]] = {}  # names repeat: each is folded once
        names = [
            (
                folded.setdefault(card.family, tokens(card.family)),
                folded.setdefault(card.given, tokens(card.given)),
            )
            for card in self._cards
        ]
        order = sorted(
            range(len(self._cards)),
            key=lambda position: (
                not self._cards[position].in_census,
                *names[position],
                self._cards[position].id,
            ),
        )
        # A card's place in the tie-break order: inpatients first, then family and given name.
        self._rank = [0] * len(self._cards)
        for place, position in enumerate(order):
            self._rank[position] = place
        postings: dict[str, list[int]] = defaultdict(list)
        identifiers: dict[str, list[int]] = defaultdict(list)
        birth_dates: dict[date, list[int]] = defaultdict(list)
        units: dict[str, list[int]] = defaultdict(list)
        for position, card in enumerate(self._cards):
            for word in _name_words(names[position]):
                postings[word].append(position)
            for identifier in {normalise_identifier(value) for value in card.identifiers}:
                if identifier:
                    identifiers[identifier].append(position)
            if card.birth_date is not None:
                birth_dates[card.birth_date].append(position)
            if card.in_census and card.unit_id is not None:
                units[card.unit_id].append(position)
        self._words: list[str] = sorted(postings)
        self._postings: list[tuple[int, ...]] = [tuple(postings[word]) for word in self._words]
        self._identifiers = {key: tuple(found) for key, found in identifiers.items()}
        self._birth_dates = {key: tuple(found) for key, found in birth_dates.items()}
        self._units = {
            unit: tuple(
                sorted(
                    found,
                    key=lambda position: (
                        natural_key(self._cards[position].room),
                        natural_key(self._cards[position].bed),
                        self._rank[position],
                    ),
                )
            )
            for unit, found in units.items()
        }
        typo_index: dict[str, list[int]] = defaultdict(list)
        for word_id, word in enumerate(self._words):
            for key in _typo_keys(word):
                typo_index[key].append(word_id)
        self._typo_index = {key: tuple(found) for key, found in typo_index.items()}

    def __len__(self) -> int:
        return len(self._cards)

    def get(self, patient_id: str) -> PatientCard | None:
        position = self._by_id.get(patient_id)
        return None if position is None else self._cards[position]

    def by_unit(self, unit_id: str) -> list[PatientCard]:
        """The unit's census, by room and bed (bed 2 before bed 10)."""
        return [self._cards[position] for position in self._units.get(unit_id, ())]

    def search(self, text: str, limit: int = 25) -> list[Hit]:
        """The best `limit` patients for what was typed; nothing for fewer than two characters."""
        query = parse_query(text)
        if query.is_empty or limit <= 0:
            return []
        found = self._matching_words(query)
        if query.whole_identifier:
            for position in self._identifiers.get(query.whole_identifier, ()):
                found[position] = _LEVEL["identifier"]
        best = heapq.nsmallest(limit, found.items(), key=lambda item: (item[1], self._rank[item[0]]))
        return [Hit(self._cards[position], self._how(query, level)) for position, level in best]

    @staticmethod
    def _how(query: Query, level: int) -> How:
        if level == _LEVEL["identifier"] or query.names or query.either:
            return _NAME_HOW[level]
        return "identifier" if query.identifiers else "birth_date"

    def _matching_words(self, query: Query) -> dict[int, int]:
        """Card position -> level, for cards that meet every word of the query."""
        allowed: set[int] | None = None
        for identifier in query.identifiers:
            allowed = _narrowed(allowed, self._identifiers.get(identifier, ()))
        for birth_date in query.birth_dates:
            allowed = _narrowed(allowed, self._birth_dates.get(birth_date, ()))
        either_levels: dict[int, int] = {}
        for name, identifier in query.either:  # an identifier if some patient has it, else a name word
            by_identifier = dict.fromkeys(self._identifiers.get(identifier, ()), _LEVEL["identifier"])
            matched = by_identifier or self._word_levels(name)
            allowed = _narrowed(allowed, tuple(matched))
            either_levels = {p: max(either_levels.get(p, 0), v) for p, v in matched.items()}
        if not query.names:
            if query.either:
                return {p: either_levels[p] for p in allowed or ()}
            level = _LEVEL["identifier"] if query.identifiers else _LEVEL["birth_date"]
            return dict.fromkeys(allowed or (), level)
        levels: dict[int, int] | None = None
        for word in sorted(query.names, key=len, reverse=True):  # the longest narrows most
            matched = self._word_levels(word)
            if levels is None:
                levels = matched if allowed is None else {p: v for p, v in matched.items() if p in allowed}
            else:
                levels = {p: max(v, matched[p]) for p, v in levels.items() if p in matched}
            if not levels:
                return {}
        return levels or {}

    def _word_levels(self, typed: str) -> dict[int, int]:
        """Card position -> how well one typed word matches one of its name words."""
        levels: dict[int, int] = {}
        start = bisect_left(self._words, typed)
        if start < len(self._words) and self._words[start] == typed:
            levels = dict.fromkeys(self._postings[start], _LEVEL["exact"])
        prefix_level = _LEVEL["prefix"]
        end = bisect_left(self._words, typed + "\U0010ffff", start)
        for word_id in range(start, end):
            for position in self._postings[word_id]:
                levels.setdefault(position, prefix_level)
        if len(typed) >= FUZZY_FROM:
            fuzzy_level = _LEVEL["fuzzy"]
            seen: set[int] = set()
            for key in (typed, *_deletions(typed)):
                for word_id in self._typo_index.get(key, ()):
                    if word_id in seen or start <= word_id < end:
                        continue
                    seen.add(word_id)
                    if _one_edit_from_prefix(typed, self._words[word_id]):
                        for position in self._postings[word_id]:
                            levels.setdefault(position, fuzzy_level)
        return levels


def _name_words(names: tuple[tuple[str, ...], ...]) -> set[str]:
    """The words a card is found by: each word of its folded names, and each two neighbours
    joined, since "Le Goff" and "N'Diaye" are often typed "legoff" and "ndiaye"."""
    found: set[str] = set()
    for words in names:
        found.update(words)
        found.update(first + second for first, second in pairwise(words))
    return found


def _narrowed(allowed: set[int] | None, found: tuple[int, ...]) -> set[int]:
    return set(found) if allowed is None else allowed.intersection(found)


def _one_edit_from_prefix(typed: str, word: str) -> bool:
    """The typed word is one edit from the word or from one of its prefixes (typing goes on)."""
    length = len(typed)
    return any(
        within_one_edit(typed, word[:size]) for size in (length - 1, length, length + 1) if size <= len(word)
    )
