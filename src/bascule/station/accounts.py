"""The downtime station's own accounts: made in advance, checked with no directory service.

The attack takes the Active Directory down first, so a station keeps its accounts in
DIR/.station/accounts.json (0600, in the 0700 private folder): argon2id passphrase hashes, one-time
break-glass codes (their SHA-256 only: they are 80 random bits, too many to guess), bearer tokens
(their SHA-256 only) and the lockout counts. Every change is a read-modify-write under a flock on
`accounts.lock`, written atomically, so `bascule station users add` may run while the viewer serves;
readers re-read the file when it changed.

A refused login says one generic sentence whether the name, the passphrase or the account's state
was wrong, and costs the same argon2 verification either way. Five failures within 15 minutes lock
the name (known or not: an unknown name that never locked would give the known ones away) for 15
minutes; a success clears the count.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bascule.durable import held_lock, write_atomically
from bascule.errors import UserError
from bascule.passphrase_rules import check_passphrase
from bascule.station.state import Layout, StationStateError, load_state

ROLES = ("nurse", "doctor", "admin")
ACCOUNTS_FORMAT = 1
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
DEFAULT_TOKEN_VALIDITY = timedelta(hours=12)
MAX_UNKNOWN_NAMES = 1024  # failures of names that do not exist, kept in memory, oldest forgotten first
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Crockford's base32: no I, L, O or U to misread; 16 symbols of 5 bits are 80 bits.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, CODE_GROUP_LENGTH = 4, 4
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1", "-": None, " ": None})


@dataclass(frozen=True)
class Account:
    """Who is using the station: a named account, or `breakglass-SERIAL` for an emergency code."""

    name: str
    role: str
    breakglass: bool = False

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown station role {self.role!r}")


@dataclass(frozen=True)
class BreakglassCode:
    """A code as printed on its sealed card; only its SHA-256 is kept."""

    serial: int
    code: str
    role: str


class LoginRefused(UserError):
    """A login or code that does not open the station; the sentence never says which part was wrong."""


def _refused() -> LoginRefused:
    return LoginRefused(
        "Wrong name or passphrase, or this account is disabled.",
        fr="Nom ou phrase de passe incorrects, ou ce compte est désactivé.",
    )


def _locked(until: datetime, now: datetime) -> LoginRefused:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return LoginRefused(
        f"Too many failed attempts: this account is locked for {minutes} more minute(s); "
        "an administrator can unlock it with bascule station users unlock.",
        fr=f"Trop d'essais manqués : ce compte est verrouillé pour encore {minutes} minute(s) ; "
        "un administrateur peut le déverrouiller avec bascule station users unlock.",
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _instant(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("station times carry their offset")
    return moment.isoformat()


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _after_failure(failures: list[datetime], now: datetime) -> tuple[list[datetime], datetime | None]:
    """The failures still counted and the end of the lockout (None: not locked) after one more."""
    recent = [*(moment for moment in failures if now - moment < FAILURE_WINDOW), now]
    if len(recent) >= MAX_FAILURES:
        return [], now + LOCKOUT
    return recent, None


def normalize_code(code: str) -> str:
    """The code as stored: upper case, no spaces or dashes, O read as 0 and I or L as 1."""
    return code.upper().translate(_MISREAD)


def new_code() -> str:
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH))
    return "-".join(
        symbols[start : start + CODE_GROUP_LENGTH] for start in range(0, len(symbols), CODE_GROUP_LENGTH)
    )


def check_name(name: str) -> None:
    if not NAME_PATTERN.fullmatch(name):
        raise UserError(
            f"{name!r} cannot be an account name: use 1 to 64 letters (a-z, A-Z), digits, dots, dashes "
            "or underscores.",
            fr=f"{name!r} ne peut pas être un nom de compte : utilisez 1 à 64 lettres (a-z, A-Z), chiffres, "
            "points, tirets ou soulignés.",
        )


def check_role(role: str) -> None:
    if role not in ROLES:
        raise UserError(
            f"Unknown role {role!r}; use {', '.join(ROLES)}.",
            fr=f"Rôle inconnu {role!r} ; utilisez {', '.join(ROLES)}.",
        )


def _no_such_account(name: str) -> UserError:
    return UserError(
        f"There is no account {name!r} on this station; see bascule station users list.",
        fr=f"Il n'y a pas de compte {name!r} sur ce poste ; voir bascule station users list.",
    )


@dataclass
class _Book:
    """The file's content, as plain JSON documents (read, changed, written back whole)."""

    accounts: dict[str, dict[str, Any]]
    breakglass: list[dict[str, Any]]
    tokens: list[dict[str, Any]]

    @classmethod
    def empty(cls) -> _Book:
        return cls({}, [], [])

    @classmethod
    def from_bytes(cls, raw: bytes, source: Path) -> _Book:
        try:
            document = json.loads(raw)
            if document["format"] != ACCOUNTS_FORMAT:
                raise ValueError("format")
            accounts = {str(name): dict(entry) for name, entry in document["accounts"].items()}
            for entry in accounts.values():
                if entry["role"] not in ROLES or not isinstance(entry["hash"], str):
                    raise ValueError("account")
            breakglass = [dict(entry) for entry in document["breakglass"]]
            tokens = [dict(entry) for entry in document["tokens"]]
            return cls(accounts, breakglass, tokens)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StationStateError(
                f"The station's accounts file {source} is damaged; restore it from a backup or make the "
                "accounts again.",
                fr=f"Le fichier des comptes du poste {source} est endommagé ; restaurez-le d'une sauvegarde "
                "ou recréez les comptes.",
            ) from None

    def to_bytes(self) -> bytes:
        document = {
            "format": ACCOUNTS_FORMAT,
            "accounts": dict(sorted(self.accounts.items())),
            "breakglass": self.breakglass,
            "tokens": self.tokens,
        }
        return json.dumps(document, indent=1).encode() + b"\n"

    def account(self, name: str) -> dict[str, Any]:
        entry = self.accounts.get(name)
        if entry is None:
            raise _no_such_account(name)
        return entry


class StationAccounts:
    """The accounts of one station; safe to use from several processes at once."""

    def __init__(self, layout: Layout, hasher: PasswordHasher | None = None) -> None:
        load_state(layout)  # not a station, or its private folder is exposed: one sentence, exit 2
        self.layout = layout
        self.path = layout.private / "accounts.json"
        self.lock_path = layout.private / "accounts.lock"
        self.hasher = hasher or PasswordHasher()  # argon2id, the library's recommended parameters
        self._dummy_hash: str | None = None
        self._unknown_failures: OrderedDict[str, tuple[list[datetime], datetime | None]] = OrderedDict()
        self._cached: tuple[tuple[int, int, int, int], _Book] | None = None

    # -- the file -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with held_lock(self.lock_path):
            yield

    def _read(self) -> _Book:
        """The book as on disk, parsed again only when the file was replaced since the last read
        (every write is a rename: a new inode and times). Callers only read what it returns."""
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            return _Book.empty()
        signature = (status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size)
        if self._cached is not None and self._cached[0] == signature:
            return self._cached[1]
        book = self._parse()
        self._cached = (signature, book)
        return book

    def _parse(self) -> _Book:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return _Book.empty()
        except OSError as error:
            raise StationStateError(
                f"Cannot read the station's accounts {self.path}: {error.strerror}.",
                fr=f"Impossible de lire les comptes du poste {self.path} : {error.strerror}.",
            ) from None
        return _Book.from_bytes(raw, self.path)

    @contextlib.contextmanager
    def _changing(self) -> Iterator[_Book]:
        """Under the lock: a fresh copy of the book for the block to change, written back if the
        block returns and changed it (a refusal raised inside writes nothing)."""
        with self._locked():
            book = self._parse()
            before = book.to_bytes()
            yield book
            after = book.to_bytes()
            if after != before:
                write_atomically(self.path, after, 0o600)
                self._cached = None

    # -- accounts -------------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str) -> None:
        check_name(name)
        check_role(role)
        check_passphrase(password, name)
        if name in self._read().accounts:  # before the slow hash; checked again under the lock
            raise self._taken(name)
        digest = self.hasher.hash(password)
        with self._changing() as book:
            if name in book.accounts:
                raise self._taken(name)
            book.accounts[name] = {
                "role": role,
                "hash": digest,
                "active": True,
                "failures": [],
                "locked_until": None,
            }

    @staticmethod
    def _taken(name: str) -> UserError:
        return UserError(
            f"The account {name!r} already exists on this station; choose another name.",
            fr=f"Le compte {name!r} existe déjà sur ce poste ; choisissez un autre nom.",
        )

    def _verify(self, digest: str, password: str) -> bool:
        try:
            return self.hasher.verify(digest, password)
        except (VerificationError, InvalidHashError):
            return False

    def _spend_like_a_check(self, password: str) -> None:
        """Spend the time of a real check, so that an unknown or disabled name answers as slowly."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        self._verify(self._dummy_hash, password)

    def authenticate(self, name: str, password: str, now: datetime) -> Account:
        with self._changing() as book:
            entry = book.accounts.get(name)
            if entry is None:
                self._unknown_failure(name, password, now)
            else:
                locked_until = _moment(entry.get("locked_until"))
                if locked_until is not None and now < locked_until:
                    raise _locked(locked_until, now)
                if self._verify(entry["hash"], password) and entry["active"]:
                    entry["failures"], entry["locked_until"] = [], None
                    if self.hasher.check_needs_rehash(entry["hash"]):
                        entry["hash"] = self.hasher.hash(password)
                    return Account(name, entry["role"])
                failures, locked = _after_failure(
                    [datetime.fromisoformat(moment) for moment in entry.get("failures", [])], now
                )
                entry["failures"] = [_instant(moment) for moment in failures]
                entry["locked_until"] = None if locked is None else _instant(locked)
        raise _refused()  # after the failure is written

    def _unknown_failure(self, name: str, password: str, now: datetime) -> None:
        """Refuse a name that does not exist exactly as a real one (same check time, same lockout);
        its failures are kept in memory, for a bounded number of names."""
        failures, locked = self._unknown_failures.pop(name, ([], None))
        if locked is not None and now < locked:
            self._unknown_failures[name] = (failures, locked)
            raise _locked(locked, now)
        self._spend_like_a_check(password)
        if not NAME_PATTERN.fullmatch(name):
            raise _refused()
        self._unknown_failures[name] = _after_failure(failures, now)
        while len(self._unknown_failures) > MAX_UNKNOWN_NAMES:
            self._unknown_failures.popitem(last=False)
        raise _refused()

    def disable(self, name: str) -> None:
        with self._changing() as book:
            book.account(name)["active"] = False

    def enable(self, name: str) -> None:
        with self._changing() as book:
            book.account(name)["active"] = True

    def unlock(self, name: str) -> None:
        with self._changing() as book:
            entry = book.account(name)
            entry["failures"], entry["locked_until"] = [], None

    def listing(self) -> list[dict[str, Any]]:
        """Each account: name, role, active, locked_until (ISO 8601, or None)."""
        book = self._read()
        return [
            {
                "name": name,
                "role": entry["role"],
                "active": bool(entry["active"]),
                "locked_until": entry.get("locked_until"),
            }
            for name, entry in sorted(book.accounts.items())
        ]

    # -- break-glass codes ----------------------------------------------------------------------

    def issue_breakglass_codes(self, count: int, role: str, now: datetime) -> list[BreakglassCode]:
        """Fresh one-time codes with their serial numbers; only their SHA-256 is stored."""
        check_role(role)
        if not 1 <= count <= 1000:
            raise UserError(
                "Give a number of codes between 1 and 1000.",
                fr="Donnez un nombre de codes entre 1 et 1000.",
            )
        with self._changing() as book:
            first = max((int(entry["serial"]) for entry in book.breakglass), default=0) + 1
            codes = [BreakglassCode(first + index, new_code(), role) for index in range(count)]
            book.breakglass.extend(
                {
                    "serial": code.serial,
                    "sha256": _sha256(normalize_code(code.code)),
                    "role": role,
                    "issued_at": _instant(now),
                    "spent_at": None,
                }
                for code in codes
            )
        return codes

    def issue_breakglass(self, count: int, role: str, now: datetime) -> list[str]:
        return [code.code for code in self.issue_breakglass_codes(count, role, now)]

    def void_breakglass(self, serials: list[int], now: datetime) -> None:
        """Spend codes nobody may use (their cards were never printed, or were lost)."""
        with self._changing() as book:
            for entry in book.breakglass:
                if entry["serial"] in serials and entry["spent_at"] is None:
                    entry["spent_at"] = _instant(now)

    def use_breakglass(self, code: str, now: datetime) -> Account:
        digest = _sha256(normalize_code(code))
        with self._changing() as book:
            for entry in book.breakglass:
                if secrets.compare_digest(entry["sha256"], digest):
                    if entry["spent_at"] is not None:
                        raise LoginRefused(
                            "This emergency code was already used; it opens the station only once "
                            "(tell the administrator if you did not use it).",
                            fr="Ce code d'urgence a déjà servi ; il n'ouvre le poste qu'une fois "
                            "(prévenez l'administrateur si ce n'est pas vous).",
                        )
                    entry["spent_at"] = _instant(now)
                    return Account(f"breakglass-{entry['serial']}", entry["role"], True)
        raise LoginRefused(
            "This emergency code is not one of this station's; check it letter by letter.",
            fr="Ce code d'urgence n'est pas un code de ce poste ; vérifiez-le caractère par caractère.",
        )

    # -- bearer tokens --------------------------------------------------------------------------

    def issue_token(self, name: str, now: datetime, valid: timedelta = DEFAULT_TOKEN_VALIDITY) -> str:
        if valid <= timedelta(0):
            raise UserError(
                "A token must be valid for some time.", fr="Un jeton doit valoir un certain temps."
            )
        token = secrets.token_urlsafe(32)
        with self._changing() as book:
            if not book.account(name)["active"]:
                raise UserError(
                    f"The account {name!r} is disabled; enable it before giving it a token.",
                    fr=f"Le compte {name!r} est désactivé ; réactivez-le avant de lui donner un jeton.",
                )
            book.tokens = [entry for entry in book.tokens if datetime.fromisoformat(entry["expires"]) > now]
            book.tokens.append({"sha256": _sha256(token), "name": name, "expires": _instant(now + valid)})
        return token

    def account_for_token(self, token: str, now: datetime) -> Account | None:
        digest = _sha256(token)
        book = self._read()
        for entry in book.tokens:
            if secrets.compare_digest(entry["sha256"], digest):
                account = book.accounts.get(entry["name"])
                if (
                    account is None
                    or not account["active"]
                    or datetime.fromisoformat(entry["expires"]) <= now
                ):
                    return None
                return Account(entry["name"], account["role"])
        return None
