"""How strong a break-glass passphrase must be: it opens every bundle sealed with it, offline, so a
guess can be tried at leisure against a stolen copy (age's scrypt slows each try, it cannot make a
weak passphrase strong).

Accepted: five or more distinct words (a diceware passphrase, the easiest strong one to read out
over the phone at 3 a.m.), or anything zxcvbn scores 3 ("safely unguessable") or more. zxcvbn is
the well-kept estimator for this (Dropbox's, used by password managers); nothing is hand-rolled.
The passphrase itself is never shown nor logged.
"""

from __future__ import annotations

import re

from zxcvbn import zxcvbn

from bascule.errors import UserError

MIN_SCORE = 3
MIN_WORDS = 5
_WORD = re.compile(r"[^\W\d_]{3,}")  # letters only, 3 or more: "the", "glass", "brèche"
_ESTIMATED_CHARACTERS = 100  # zxcvbn's cost grows with length; past this a passphrase is long enough to judge


def word_count(passphrase: str) -> int:
    return len({word.casefold() for word in _WORD.findall(passphrase)})


def check_breakglass_strength(passphrase: str) -> None:
    """Refuse, in one sentence, a passphrase neither long in words nor hard to guess."""
    if word_count(passphrase) >= MIN_WORDS:
        return
    score = int(zxcvbn(passphrase[:_ESTIMATED_CHARACTERS])["score"])
    if score < MIN_SCORE:
        raise UserError(
            f"The break-glass passphrase is too easy to guess (strength {score} of 4, {MIN_SCORE} needed); "
            f"use {MIN_WORDS} or more random words, such as a diceware passphrase.",
            fr=f"La phrase de passe bris de glace est trop facile à deviner (force {score} sur 4, {MIN_SCORE} requis) ; "
            f"utilisez {MIN_WORDS} mots aléatoires ou plus, comme une phrase de passe diceware.",
        )
