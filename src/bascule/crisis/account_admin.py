"""What an administrator does to the crisis cell's accounts: disable and enable one, give it a new
password, lift a sign-in lockout. The web page (admin role) and `bascule users` both call these;
each change is journaled (names and addresses only, never a password).

A disabled account cannot sign in, and its open sessions end at their next request (Django's
backend refuses inactive users); a new password ends them too (the session carries a hash of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from bascule.crisis import journal_store
from bascule.crisis import messages as _messages  # noqa: F401  (registers the catalogue)
from bascule.crisis.models import Account
from bascule.errors import UserError
from bascule.i18n import Lang, t

# Django's password validators speak English; their codes are said here in both languages.
_PASSWORD_RULES = {
    "password_too_short": "password_too_short",
    "password_too_common": "password_too_common",
    "password_too_similar": "password_too_similar",
    "password_entirely_numeric": "password_too_common",
}


class AccountRefused(UserError):
    """A refused change to an account: one sentence in the reader's language."""


def _refuse(key: str, lang: Lang, **params: object) -> AccountRefused:
    return AccountRefused(t(f"crisis.{key}", lang, **params), fr=t(f"crisis.{key}", "fr", **params))


def _account(name: str, lang: Lang) -> Account:
    account: Account | None = Account.objects.filter(username=name).first()
    if account is None:
        raise _refuse("account_unknown", lang, name=name[:150])
    return account


def password_problems(password: str, account: Account, lang: Lang) -> str | None:
    """Why `password` is refused for `account`, as one sentence, or None when it is good."""
    try:
        validate_password(password, account)
    except ValidationError as error:
        rules = sorted({_PASSWORD_RULES.get(e.code or "", "password_too_common") for e in error.error_list})
        return t("crisis.password_refused", lang, rules=" ".join(t(f"crisis.{r}", lang) for r in rules))
    return None


def set_active(name: str, active: bool, actor: str, lang: Lang) -> Account:
    """Disable or enable `name`; an administrator cannot disable their own account."""
    account = _account(name, lang)
    if not active and name == actor:
        raise _refuse("cannot_disable_self", lang)
    if account.is_active != active:
        with transaction.atomic():
            Account.objects.filter(pk=account.pk).update(is_active=active)
            journal_store.append("user.enabled" if active else "user.disabled", actor, None, {"user": name})
        account.is_active = active
    return account


def change_own_password(account: Account, current: str, new: str, again: str, lang: Lang) -> None:
    """The account's holder chooses their own password: the current one proves it is them, the new
    one is typed twice, checked like any other, and differs from the current one. It lifts the
    must-change flag; the holder's other sessions end (the session carries a hash of it)."""
    if not account.check_password(current):
        raise _refuse("password_current_wrong", lang)
    if new != again:
        raise _refuse("password_mismatch", lang)
    if new == current:
        raise _refuse("password_unchanged", lang)
    problem = password_problems(new, account, lang)
    if problem is not None:
        raise AccountRefused(problem, fr=password_problems(new, account, "fr"))
    account.set_password(new)
    account.must_change_password = False
    with transaction.atomic():
        account.save(update_fields=["password", "must_change_password"])
        journal_store.append(
            "user.password_changed", account.get_username(), None, {"user": account.get_username()}
        )


def reset_password(name: str, password: str, actor: str, lang: Lang) -> Account:
    """Give `name` a new password (checked like any other): its open sessions end."""
    account = _account(name, lang)
    problem = password_problems(password, account, lang)
    if problem is not None:
        raise AccountRefused(problem, fr=password_problems(password, account, "fr"))
    account.set_password(password)
    with transaction.atomic():
        account.save(update_fields=["password"])
        journal_store.append("user.password_reset", actor, None, {"user": name})
    return account


@dataclass(frozen=True)
class Lockout:
    """An account name or an address that failed to sign in too often, recently."""

    kind: str  # "username" (locked from `address` only) or "address" (locked for every name)
    value: str
    failures: int
    last: datetime
    address: str = ""


def lockouts() -> list[Lockout]:
    """The account names locked at an address, and the addresses locked for every name, now
    (django-axes' records, read-only; the limits are in settings and bascule.crisis.lockout)."""
    from axes.models import AccessAttempt

    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    pairs = (
        recent.exclude(username__isnull=True)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username", "ip_address")
    )
    addresses = (
        recent.values("ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.BASCULE_ADDRESS_FAILURE_LIMIT)
        .order_by("ip_address")
    )
    return [
        *(
            Lockout(
                "username", str(row["username"]), int(row["failures"]), row["last"], str(row["ip_address"])
            )
            for row in pairs
        ),
        *(Lockout("address", str(row["ip_address"]), int(row["failures"]), row["last"]) for row in addresses),
    ]


def unlock(kind: str, value: str, actor: str, lang: Lang) -> int:
    """Lift the lockout of an account name (`username`) or an address; return how many records went."""
    from axes.utils import reset

    if kind not in ("username", "address") or not value:
        raise _refuse("unlock_what", lang)
    with transaction.atomic():
        removed = int(reset(username=value) if kind == "username" else reset(ip=value))
        if removed:
            known = kind == "address" or Account.objects.filter(username=value).exists()
            # A name typed at the login page may be anything: only an account's name is journaled.
            journal_store.append(
                "login.unlocked", actor, None, {kind: value if known else None, "records": removed}
            )
    return removed
