"""What was typed in the search box, read as names, a birth date and identifiers.

Every word is a condition and all must hold: "dupont 12/03/1950" is a Dupont born that day. A word
with a digit is a date when it reads as one (1950-03-12, 12/03/1950, 12.03.1950, 12-03-1950; an
impossible day such as 31/02/1950 is no date), else an identifier: an MRN, a national number, a
downtime number or a bed, compared whole once case, spaces and dashes are set aside. The whole text
is also tried as one identifier, since national numbers are written with spaces ("1 85 05 78 006 084").
A date still being typed ("12/03") is no condition yet, so that the list does not empty meanwhile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bascule.lookup.folding import fold

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
# A date being typed ("12/03", "12/03/19", "1950-03-"): no condition yet, so the list stays put.
_DATE_BEING_TYPED = re.compile(r"^(\d{1,2}[/.](\d{1,2}([/.]\d{0,3})?)?|\d{4}-(\d{1,2}-?)?)$")
# Dashes of every kind, spaces and dots: how identifiers are written differently on paper and screen.
_IDENTIFIER_NOISE = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")


@dataclass(frozen=True, slots=True)
class Query:
    """Folded name words, birth dates and identifier words: every one must match a patient.

    `whole_identifier` is the whole text as one identifier (None when it holds no digit): a patient
    whose identifier it is matches whatever the words say. `either` holds the words that mix letters
    and digits and are no date: a name word or an identifier, whichever a patient has (Synthea writes
    names as "Ortega812"; an MRN may be "A12345")."""

    names: tuple[str, ...] = ()
    birth_dates: tuple[date, ...] = ()
    identifiers: tuple[str, ...] = ()
    whole_identifier: str | None = None
    either: tuple[tuple[str, str], ...] = ()  # (folded name word, identifier)

    @property
    def is_empty(self) -> bool:
        return not (self.names or self.birth_dates or self.identifiers or self.either)


def normalise_identifier(text: str) -> str:
    """An identifier as compared: upper case, without spaces, dashes or dots."""
    return _IDENTIFIER_NOISE.sub("", text).upper()


def parse_date(text: str) -> date | None:
    """The day `text` writes (ISO, or day first with /, . or -), or None (also for an impossible day)."""
    if iso := _ISO.match(text):
        year, month, day = (int(part) for part in iso.groups())
    elif day_first := _DAY_FIRST.match(text):
        day, month, year = int(day_first[1]), int(day_first[3]), int(day_first[4])
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_query(text: str) -> Query:
    """Read `text`; fewer than two letters or digits in all is an empty query (not the whole hospital)."""
    if sum(char.isalnum() for char in text) < 2:
        return Query()
    names: list[str] = []
    dates: list[date] = []
    identifiers: list[str] = []
    either: list[tuple[str, str]] = []
    for word in text.split():
        if not any(char.isdigit() for char in word):
            names.extend(fold(word).split())
        elif (day := parse_date(word)) is not None:
            dates.append(day)
        elif _DATE_BEING_TYPED.match(word):
            continue
        elif identifier := normalise_identifier(word):
            folded = fold(word).split()
            if len(folded) == 1 and any(char.isalpha() for char in word):
                either.append((folded[0], identifier))
            else:
                identifiers.append(identifier)
    has_digit = any(char.isdigit() for char in text)
    return Query(
        names=tuple(names),
        birth_dates=tuple(dates),
        identifiers=tuple(identifiers),
        whole_identifier=normalise_identifier(text) if has_digit else None,
        either=tuple(either),
    )
