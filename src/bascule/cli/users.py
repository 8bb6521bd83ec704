"""`bascule users add|list|disable|enable|reset-password|unlock`: the accounts of the crisis cell.
There is no default password: it is typed at a prompt, or read from a file the administrator made."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.context import environment
from bascule.cli.serve import DataOption, DbOption
from bascule.errors import UserError

users_app = typer.Typer(help="Manage the crisis cell's accounts.", no_args_is_help=True)


def add_account(name: str, role: str, password: str) -> None:
    """Create the account, or refuse in one sentence (unknown role, taken name, weak password)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from bascule.crisis import journal_store
    from bascule.crisis.models import Account
    from bascule.crisis.roles import Role

    roles = [r.value for r in Role]
    if role not in roles:
        raise UserError(f"Unknown role {role!r}; use one of {', '.join(roles)}.")
    if Account.objects.filter(username=name).exists():
        raise UserError(f"The account {name!r} already exists; choose another name.")
    account = Account(username=name, role=role)
    try:
        account.full_clean(exclude=["password"])
        validate_password(password, account)
    except ValidationError as error:
        raise UserError(f"The account {name!r} was not created: {' '.join(error.messages)}") from None
    account.set_password(password)
    account.save()
    journal_store.append("user.added", "cli", None, {"user": name, "role": role})


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        try:
            return password_file.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError, UnicodeDecodeError):
            raise UserError(
                f"Cannot read a password from {password_file}; put it on the first line."
            ) from None
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _configure(data: Path | None, db: Path | None) -> None:
    from bascule.crisis import runtime

    runtime.from_environment(environment().variables, str(data) if data else None, str(db) if db else None)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")

    @users_app.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="User name (letters, digits, . @ + - _).")],
        role: Annotated[
            str, typer.Option("--role", help="director, it, medical, communications, observer or admin.")
        ],
        password_file: Annotated[
            Path | None,
            typer.Option("--password-file", help="Read the password from this file's first line."),
        ] = None,
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Create an account; the password is asked for unless --password-file is given."""
        password = _password(password_file)
        _configure(data, db)
        add_account(name, role, password)
        typer.echo(f"Account {name} ({role}) created.")

    @users_app.command("list")
    def list_accounts(db: DbOption = None, data: DataOption = None) -> None:
        """List the accounts and their roles."""
        from bascule.crisis import runtime

        runtime.from_environment(
            environment().variables, str(data) if data else None, str(db) if db else None
        )
        from bascule.crisis.models import Account

        for account in Account.objects.order_by("username"):
            typer.echo(f"{account.username}\t{account.role}\t{'active' if account.is_active else 'disabled'}")

    @users_app.command("disable")
    def disable(
        name: Annotated[str, typer.Argument(help="The account to disable.")],
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Disable an account: it cannot sign in, and its open sessions end."""
        _configure(data, db)
        from bascule.crisis import account_admin

        account_admin.set_active(name, False, "cli", "en")
        typer.echo(f"Account {name} disabled; its open sessions end at their next request.")

    @users_app.command("enable")
    def enable(
        name: Annotated[str, typer.Argument(help="The account to enable again.")],
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Enable a disabled account again."""
        _configure(data, db)
        from bascule.crisis import account_admin

        account_admin.set_active(name, True, "cli", "en")
        typer.echo(f"Account {name} enabled.")

    @users_app.command("reset-password")
    def reset_password(
        name: Annotated[str, typer.Argument(help="The account that gets a new password.")],
        password_file: Annotated[
            Path | None,
            typer.Option("--password-file", help="Read the new password from this file's first line."),
        ] = None,
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Give an account a new password (asked for unless --password-file is given); its sessions end."""
        password = _password(password_file)
        _configure(data, db)
        from bascule.crisis import account_admin

        account_admin.reset_password(name, password, "cli", "en")
        typer.echo(f"Account {name} has a new password; its open sessions end at their next request.")

    @users_app.command("unlock")
    def unlock(
        name: Annotated[
            str | None, typer.Argument(help="The account name locked after failed sign-ins.")
        ] = None,
        address: Annotated[
            str | None, typer.Option("--address", help="Unlock this address instead of an account.")
        ] = None,
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Lift a sign-in lockout (too many failed passwords) of an account or an address."""
        if (name is None) == (address is None):
            raise UserError("Give an account name or --address ADDRESS, not both.")
        _configure(data, db)
        from bascule.crisis import account_admin

        kind, value = ("username", name) if name is not None else ("address", address or "")
        removed = account_admin.unlock(kind, value, "cli", "en")
        typer.echo(f"{value}: {'unlocked' if removed else 'was not locked'}.")
