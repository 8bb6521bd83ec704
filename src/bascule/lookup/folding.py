"""Names folded so that what a nurse types at 3 a.m. matches what the EHR wrote.

NFKD takes the accents off (é, ñ, å); a few letters are letters of their own that NFKD leaves
alone (Ø, Æ, ß, Ł...): they are spelled the way a French or English keyboard would type them.
Hyphens, apostrophes and other punctuation separate words, so "Le Goff-N'Diaye" is four words.
"""

from __future__ import annotations

import re
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


# Anything but a letter or a digit separates words (\w is letters, digits and the underscore).
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """`text` without accents or case, special letters spelled out, words split by single spaces."""
    # casefold can bring back marks or compatibility forms (İ, ǰ): decompose again after it.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    if not decomposed.isascii():
        decomposed = "".join(char for char in decomposed if not unicodedata.combining(char))
        decomposed = decomposed.translate(_LETTERS)
    return " ".join(_NOT_WORD.sub(" ", decomposed).split())


def tokens(text: str) -> tuple[str, ...]:
    """The folded words of `text`."""
    return tuple(fold(text).split())
