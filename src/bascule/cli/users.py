"""`bascule users add|list`: the accounts of the crisis cell. There is no default password:
it is typed at a prompt, or read from a file the administrator made."""

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
        from bascule.crisis import runtime

        if password_file is not None:
            try:
                password = password_file.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError, UnicodeDecodeError):
                raise UserError(
                    f"Cannot read a password from {password_file}; put it on the first line."
                ) from None
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        runtime.from_environment(
            environment().variables, str(data) if data else None, str(db) if db else None
        )
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
