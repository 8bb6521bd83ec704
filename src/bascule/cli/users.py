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
        from bascule.incident import wiring

        if password_file is not None:
            try:
                password = password_file.read_text(encoding="utf-8").splitlines()[0]
            except (OSError, IndexError, UnicodeDecodeError):
                raise UserError(
                    f"Cannot read a password from {password_file}; put it on the first line."
                ) from None
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        wiring.crisis_store(environment().variables, data, db)
        wiring.account_book().add(name, role, password, "cli")
        typer.echo(f"Account {name} ({role}) created.")

    @users_app.command("list")
    def list_accounts(db: DbOption = None, data: DataOption = None) -> None:
        """List the accounts and their roles."""
        from bascule.incident import wiring

        wiring.crisis_store(environment().variables, data, db)
        for name, role, active in wiring.account_book().listing():
            typer.echo(f"{name}\t{role}\t{'active' if active else 'disabled'}")
