"""The station's local accounts: passphrases, lockout, break-glass codes and bearer tokens."""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from tests.station_folder import QUICK_HASHER, make_station

from bascule.errors import UserError
from bascule.station.accounts import (
    CODE_ALPHABET,
    MAX_UNKNOWN_NAMES,
    Account,
    LoginRefused,
    StationAccounts,
    normalize_code,
)
from bascule.station.state import Layout, StationStateError

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
GOOD = "correct horse battery"


@pytest.fixture
def accounts(tmp_path: Path) -> StationAccounts:
    book = StationAccounts(Layout(make_station(tmp_path)), QUICK_HASHER)
    book.add("alice", "nurse", GOOD)
    return book


def stored(accounts: StationAccounts) -> bytes:
    return accounts.path.read_bytes()


def refusal(accounts: StationAccounts, name: str, password: str, now: datetime = NOW) -> str:
    with pytest.raises(LoginRefused) as refused:
        accounts.authenticate(name, password, now)
    assert refused.value.french
    return str(refused.value)


def test_a_made_account_logs_in(accounts: StationAccounts) -> None:
    assert accounts.authenticate("alice", GOOD, NOW) == Account("alice", "nurse")
    assert accounts.listing() == [{"name": "alice", "role": "nurse", "active": True, "locked_until": None}]


def test_the_file_is_private_and_holds_no_passphrase(accounts: StationAccounts) -> None:
    assert os.stat(accounts.path).st_mode & 0o777 == 0o600
    assert GOOD.encode() not in stored(accounts)
    assert b"$argon2id$" in stored(accounts)


def test_the_default_hasher_is_argon2id(tmp_path: Path) -> None:
    book = StationAccounts(Layout(make_station(tmp_path)))
    assert book.hasher.type.name == "ID"


@pytest.mark.parametrize(
    ("name", "role", "password", "says"),
    [
        ("alice", "nurse", "another good passphrase", "already exists"),
        ("bob", "surgeon", GOOD, "Unknown role"),
        ("", "nurse", GOOD, "cannot be an account name"),
        ("b" * 65, "nurse", GOOD, "cannot be an account name"),
        ("bob smith", "nurse", GOOD, "cannot be an account name"),
        ("bob/../x", "nurse", GOOD, "cannot be an account name"),
        ("bob", "nurse", "short", "too short"),
        ("bob", "nurse", "password123", "most common"),
        ("robert.martin", "doctor", "martin.robert", "too like"),
    ],
)
def test_refused_accounts_change_nothing(
    accounts: StationAccounts, name: str, role: str, password: str, says: str
) -> None:
    before = stored(accounts)
    with pytest.raises(UserError) as refused:
        accounts.add(name, role, password)
    assert says in str(refused.value)
    assert stored(accounts) == before


def test_a_wrong_name_or_passphrase_or_a_disabled_account_say_the_same(accounts: StationAccounts) -> None:
    wrong_password = refusal(accounts, "alice", "not the passphrase")
    unknown = refusal(accounts, "nobody", GOOD)
    accounts.disable("alice")
    disabled = refusal(accounts, "alice", GOOD)
    assert wrong_password == unknown == disabled
    accounts.enable("alice")
    assert accounts.authenticate("alice", GOOD, NOW).name == "alice"


def test_unknown_and_disabled_names_cost_a_full_check(
    accounts: StationAccounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No timing assertion: every refusal runs exactly one argon2 verification, as a real login does."""
    verified: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, digest: str, password: str) -> bool:
        verified.append(digest)
        return real(self, digest, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    for name, password in [("alice", GOOD), ("alice", "wrong passphrase"), ("nobody", GOOD), ("n o", GOOD)]:
        verified.clear()
        with contextlib.suppress(LoginRefused):
            accounts.authenticate(name, password, NOW)
        assert len(verified) == 1, name
    accounts.disable("alice")
    verified.clear()
    with pytest.raises(LoginRefused):
        accounts.authenticate("alice", GOOD, NOW)
    assert len(verified) == 1


def test_five_failures_lock_for_fifteen_minutes(accounts: StationAccounts) -> None:
    for minute in range(4):
        refusal(accounts, "alice", "wrong passphrase", NOW + timedelta(minutes=minute))
    assert accounts.listing()[0]["locked_until"] is None
    generic = refusal(accounts, "alice", "wrong passphrase", NOW + timedelta(minutes=4))
    assert "locked" not in generic
    locked_until = NOW + timedelta(minutes=19)
    assert accounts.listing()[0]["locked_until"] == locked_until.isoformat()
    # Locked: even the right passphrase is refused, and the sentence does not say it was right.
    right = refusal(accounts, "alice", GOOD, NOW + timedelta(minutes=5))
    wrong = refusal(accounts, "alice", "wrong passphrase", NOW + timedelta(minutes=5))
    assert right == wrong
    assert "locked for 14 more minute(s)" in right
    assert accounts.authenticate("alice", GOOD, locked_until).name == "alice"


def test_failures_older_than_fifteen_minutes_are_forgotten(accounts: StationAccounts) -> None:
    for minute in (0, 5, 10, 14):
        refusal(accounts, "alice", "wrong passphrase", NOW + timedelta(minutes=minute))
    message = refusal(accounts, "alice", "wrong passphrase", NOW + timedelta(minutes=16))
    assert "locked" not in message
    assert accounts.listing()[0]["locked_until"] is None
    assert accounts.authenticate("alice", GOOD, NOW + timedelta(minutes=16)).name == "alice"


def test_a_success_clears_the_count(accounts: StationAccounts) -> None:
    for _ in range(4):
        refusal(accounts, "alice", "wrong passphrase")
    accounts.authenticate("alice", GOOD, NOW)
    for _ in range(4):
        refusal(accounts, "alice", "wrong passphrase")
    assert accounts.authenticate("alice", GOOD, NOW).name == "alice"


def test_unlock_lifts_a_lockout(accounts: StationAccounts) -> None:
    for _ in range(5):
        refusal(accounts, "alice", "wrong passphrase")
    assert "locked" in refusal(accounts, "alice", GOOD)
    accounts.unlock("alice")
    assert accounts.listing()[0]["locked_until"] is None
    assert accounts.authenticate("alice", GOOD, NOW).name == "alice"


def test_unknown_names_lock_too_so_they_cannot_be_told_apart(accounts: StationAccounts) -> None:
    for _ in range(5):
        refusal(accounts, "nobody", "wrong passphrase")
        refusal(accounts, "alice", "wrong passphrase")
    assert refusal(accounts, "nobody", GOOD) == refusal(accounts, "alice", GOOD)
    assert "locked for 15 more minute(s)" in refusal(accounts, "nobody", GOOD)
    assert "locked" not in refusal(accounts, "nobody", GOOD, NOW + timedelta(minutes=15))


def test_unknown_names_are_remembered_in_bounded_memory(accounts: StationAccounts) -> None:
    for number in range(MAX_UNKNOWN_NAMES + 50):
        refusal(accounts, f"guess{number}", "wrong passphrase")
    assert len(accounts._unknown_failures) == MAX_UNKNOWN_NAMES
    assert "guess0" not in accounts._unknown_failures
    assert b"guess" not in stored(accounts)


def test_disable_enable_unlock_of_an_unknown_account(accounts: StationAccounts) -> None:
    before = stored(accounts)
    for change in (accounts.disable, accounts.enable, accounts.unlock):
        with pytest.raises(UserError, match="no account 'bob'"):
            change("bob")
    assert stored(accounts) == before


def test_another_process_adding_an_account_is_seen(accounts: StationAccounts) -> None:
    """The viewer's instance reads the file again when `station users add` replaced it."""
    assert accounts.account_for_token("nothing", NOW) is None  # fills the cache
    StationAccounts(accounts.layout, QUICK_HASHER).add("bob", "doctor", "another good passphrase")
    assert accounts.authenticate("bob", "another good passphrase", NOW) == Account("bob", "doctor")
    assert [entry["name"] for entry in accounts.listing()] == ["alice", "bob"]


def test_not_a_station(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(StationStateError, match="not a station"):
        StationAccounts(Layout(tmp_path / "plain"))


def test_a_damaged_file_is_one_sentence(accounts: StationAccounts) -> None:
    accounts.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(StationStateError, match=r"accounts file .* is damaged"):
        StationAccounts(accounts.layout, QUICK_HASHER).listing()


# -- break-glass codes ------------------------------------------------------------------------------


def test_breakglass_codes_open_once(accounts: StationAccounts) -> None:
    codes = accounts.issue_breakglass(3, "doctor", NOW)
    assert len(set(codes)) == 3
    for code in codes:
        groups = code.split("-")
        assert [len(group) for group in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(CODE_ALPHABET)
        assert code.encode() not in stored(accounts)
    assert accounts.use_breakglass(codes[1], NOW) == Account("breakglass-2", "doctor", True)
    with pytest.raises(LoginRefused, match="already used"):
        accounts.use_breakglass(codes[1], NOW + timedelta(days=400))
    assert accounts.use_breakglass(codes[0], NOW).name == "breakglass-1"


def test_breakglass_serials_go_on_and_codes_forgive_typing(accounts: StationAccounts) -> None:
    accounts.issue_breakglass(2, "nurse", NOW)
    later = accounts.issue_breakglass_codes(1, "admin", NOW)
    assert later[0].serial == 3
    typed = later[0].code.replace("-", " ").lower().replace("0", "o").replace("1", "l")
    assert normalize_code(typed) == normalize_code(later[0].code)
    assert accounts.use_breakglass(typed, NOW) == Account("breakglass-3", "admin", True)


def test_an_unknown_or_voided_code_is_refused(accounts: StationAccounts) -> None:
    cards = accounts.issue_breakglass_codes(2, "doctor", NOW)
    with pytest.raises(LoginRefused, match="not one of this station's"):
        accounts.use_breakglass("AAAA-BBBB-CCCC-DDDD", NOW)
    accounts.void_breakglass([cards[0].serial], NOW)
    with pytest.raises(LoginRefused, match="already used"):
        accounts.use_breakglass(cards[0].code, NOW)
    assert accounts.use_breakglass(cards[1].code, NOW).name == f"breakglass-{cards[1].serial}"


@pytest.mark.parametrize(("count", "role"), [(0, "doctor"), (1001, "doctor"), (3, "janitor")])
def test_refused_breakglass_issues_change_nothing(accounts: StationAccounts, count: int, role: str) -> None:
    before = stored(accounts)
    with pytest.raises(UserError):
        accounts.issue_breakglass(count, role, NOW)
    assert stored(accounts) == before


# -- bearer tokens -----------------------------------------------------------------------------------


def test_a_token_works_until_it_expires(accounts: StationAccounts) -> None:
    token = accounts.issue_token("alice", NOW, timedelta(hours=1))
    assert len(token) >= 43
    assert token.encode() not in stored(accounts)
    assert accounts.account_for_token(token, NOW + timedelta(minutes=59)) == Account("alice", "nurse")
    assert accounts.account_for_token(token, NOW + timedelta(hours=1)) is None
    assert accounts.account_for_token("not-a-token", NOW) is None
    assert accounts.account_for_token(token[:-1], NOW) is None


def test_a_token_dies_with_its_account(accounts: StationAccounts) -> None:
    token = accounts.issue_token("alice", NOW)
    assert accounts.account_for_token(token, NOW + timedelta(hours=11)) is not None
    accounts.disable("alice")
    assert accounts.account_for_token(token, NOW) is None
    accounts.enable("alice")
    assert accounts.account_for_token(token, NOW) is not None


def test_expired_tokens_are_dropped_at_the_next_issue(accounts: StationAccounts) -> None:
    accounts.issue_token("alice", NOW, timedelta(minutes=1))
    accounts.issue_token("alice", NOW + timedelta(hours=1))
    assert stored(accounts).count(b'"expires"') == 1


def test_tokens_only_for_active_known_accounts(accounts: StationAccounts) -> None:
    before = stored(accounts)
    with pytest.raises(UserError, match="no account 'bob'"):
        accounts.issue_token("bob", NOW)
    with pytest.raises(UserError, match="valid for some time"):
        accounts.issue_token("alice", NOW, timedelta(0))
    accounts.disable("alice")
    disabled = stored(accounts)
    with pytest.raises(UserError, match="disabled"):
        accounts.issue_token("alice", NOW)
    assert stored(accounts) == disabled != before


def test_a_login_that_changes_nothing_does_not_rewrite_the_file(accounts: StationAccounts) -> None:
    before = os.stat(accounts.path).st_ino
    accounts.authenticate("alice", GOOD, NOW)
    assert os.stat(accounts.path).st_ino == before
    refusal(accounts, "alice", "wrong passphrase")
    assert os.stat(accounts.path).st_ino != before
