"""The crisis cell's accounts as the command line manages them (the AccountBook port)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from bascule.crisis import account_admin, journal_store
from bascule.crisis.models import Account
from bascule.crisis.roles import Role
from bascule.errors import UserError
from bascule.i18n import Lang


class DjangoAccountBook:
    def add(self, name: str, role: str, password: str, actor: str) -> None:
        roles = [r.value for r in Role]
        if role not in roles:
            raise UserError(
                f"Unknown role {role!r}; use one of {', '.join(roles)}.",
                fr=f"Rôle inconnu {role!r} ; utilisez l'un de {', '.join(roles)}.",
            )
        if Account.objects.filter(username=name).exists():
            raise UserError(
                f"The account {name!r} already exists; choose another name.",
                fr=f"Le compte {name!r} existe déjà ; choisissez un autre nom.",
            )
        account = Account(username=name, role=role)
        try:
            account.full_clean(exclude=["password"])
            validate_password(password, account)
        except ValidationError as error:
            raise UserError(
                f"The account {name!r} was not created: {' '.join(error.messages)}",
                fr=f"Le compte {name!r} n'a pas été créé : {account_admin.password_problems(password, account, 'fr') or ' '.join(error.messages)}",
            ) from None
        account.set_password(password)
        with transaction.atomic():
            account.save()
            journal_store.append("user.added", actor, None, {"user": name, "role": role})

    def listing(self) -> list[tuple[str, str, bool]]:
        return [(a.username, a.role, a.is_active) for a in Account.objects.order_by("username")]

    def any_active(self) -> bool:
        return bool(Account.objects.filter(is_active=True).exists())

    def set_active(self, name: str, active: bool, actor: str, lang: Lang) -> None:
        account_admin.set_active(name, active, actor, lang)

    def reset_password(self, name: str, password: str, actor: str, lang: Lang) -> None:
        account_admin.reset_password(name, password, actor, lang)

    def unlock(self, kind: str, value: str, actor: str, lang: Lang) -> int:
        return account_admin.unlock(kind, value, actor, lang)

    def set_password(
        self, name: str, role: str, password: str, actor: str, *, provisional: bool = False
    ) -> None:
        with transaction.atomic():
            account = Account.objects.filter(username=name).first()
            if account is None:
                self.add(name, role, password, actor)
                account = Account.objects.get(username=name)
            else:
                account.set_password(password)
                journal_store.append("user.password_set", actor, None, {"user": name})
            account.is_active = True
            account.must_change_password = provisional
            account.save()


BOOK = DjangoAccountBook()
