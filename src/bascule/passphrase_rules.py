"""The passphrase rules of the crisis web app, for accounts that live outside Django (a downtime station).

They are the three validators of `bascule.crisis.settings.AUTH_PASSWORD_VALIDATORS`, restated so that
a station never configures Django: at least 10 characters, not in Django's list of common passwords
(read from Django's own file, so both lists are the same), and not too like the account's name
(`UserAttributeSimilarityValidator`: a `SequenceMatcher` quick ratio of 0.7 or more).
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path

from bascule.errors import UserError

MIN_LENGTH = 10
MAX_SIMILARITY = 0.7


@cache
def common_passwords() -> frozenset[str]:
    """Django's common-password list, read from the installed package without setting Django up."""
    spec = importlib.util.find_spec("django")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Django is a dependency of Bascule and is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "contrib" / "auth" / "common-passwords.txt.gz"
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def _too_long_to_compare(password: str, part: str) -> bool:
    """Django skips a name part much shorter than the password: it cannot make it guessable."""
    return len(password) >= 10 * len(part) and len(part) < MAX_SIMILARITY / 2 * len(password)


def _too_similar(password: str, name: str) -> bool:
    lowered, name_lowered = password.lower(), name.lower()
    for part in [*re.split(r"\W+", name_lowered), name_lowered]:
        if not part or _too_long_to_compare(lowered, part):
            continue
        if SequenceMatcher(a=lowered, b=part).quick_ratio() >= MAX_SIMILARITY:
            return True
    return False


def check_passphrase(password: str, name: str) -> None:
    """Refuse (UserError, one sentence) a passphrase the crisis web app would refuse for `name`."""
    if len(password) < MIN_LENGTH:
        raise UserError(
            f"This passphrase is too short: use at least {MIN_LENGTH} characters (a few words are easy to type).",
            fr=f"Cette phrase de passe est trop courte : utilisez au moins {MIN_LENGTH} caractères "
            "(quelques mots se tapent facilement).",
        )
    if password.lower().strip() in common_passwords():
        raise UserError(
            "This passphrase is one of the most common ones; choose another.",
            fr="Cette phrase de passe fait partie des plus courantes ; choisissez-en une autre.",
        )
    if _too_similar(password, name):
        raise UserError(
            "This passphrase is too like the account name; choose another.",
            fr="Cette phrase de passe ressemble trop au nom du compte ; choisissez-en une autre.",
        )
