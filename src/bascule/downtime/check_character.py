"""ISO 7064 MOD 37-2: one check character over digits and capital letters.

37 is prime and 2 a primitive root modulo 37, so every single-character substitution and every
adjacent transposition changes the weighted sum: both are always detected. The check character is
one of 0-9, A-Z or `*`.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
BODY_ALPHABET = ALPHABET[:36]
_MODULUS = 37
_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}


def check_character(body: str) -> str:
    """The MOD 37-2 check character of `body` (digits and capital letters only)."""
    if not body:
        raise ValueError("a check character needs at least one character to protect")
    total = 0
    for symbol in body:
        value = _VALUES.get(symbol)
        if value is None or symbol == "*":
            raise ValueError(f"{symbol!r} is not a digit or a capital letter")
        total = ((total + value) * 2) % _MODULUS
    return ALPHABET[(_MODULUS + 1 - total) % _MODULUS]


def is_valid(body: str, check: str) -> bool:
    """Whether `check` is the check character of `body`; false for anything malformed."""
    try:
        return check_character(body) == check
    except ValueError:
        return False
