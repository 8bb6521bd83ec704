"""Names folded so that what a nurse types at 3 a.m. matches what the EHR wrote.

NFKD takes the accents off (é, ñ, å); a few letters are letters of their own that NFKD leaves
alone (Ø, Æ, ß, Ł...): they are spelled the way a French or English keyboard would type them.
Hyphens, apostrophes and other punctuation separate words, so "Le Goff-N'Diaye" is four words.
"""

from __future__ import annotations

import unicodedata

# Letters without a decomposition, folded after casefold (so only lower-case forms are needed).
_LETTERS = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ŋ": "n",
        "ħ": "h",
        "ŧ": "t",
        "ĸ": "k",
        "ƒ": "f",
        "ɨ": "i",
        "ʉ": "u",
        # Apostrophes that Unicode files as letters (modifier letters): they separate words too.
        "ʼ": " ",
        "ʻ": " ",
        "ʹ": " ",
    }
)


def fold(text: str) -> str:
    """`text` without accents or case, special letters spelled out, words split by single spaces."""
    # casefold can bring back marks or compatibility forms (İ, ǰ): decompose again after it.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        char = char.translate(_LETTERS)
        kept.append(char if char.isalnum() else " ")
    return " ".join("".join(kept).split())


def tokens(text: str) -> tuple[str, ...]:
    """The folded words of `text`."""
    return tuple(fold(text).split())
