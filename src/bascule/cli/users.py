"""`bascule users add|list|disable|enable|reset-password|unlock`: the accounts of the crisis cell.
There is no default password: it is typed at a prompt, or read from a file the administrator made."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.context import environment
from bascule.cli.options import read_password
from bascule.cli.serve import DataOption, DbOption
from bascule.errors import UserError
from bascule.incident.ports import AccountBook

users_app = typer.Typer(help="Manage the crisis cell's accounts.", no_args_is_help=True)


def _accounts(data: Path | None, db: Path | None) -> AccountBook:
    """The accounts of the crisis database found from the options and the environment."""
    from bascule.incident import wiring

    wiring.crisis_store(environment().variables, data, db)
    return wiring.account_book()


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")

    @users_app.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="User name (letters, digits, . @ + - _).")],
        role: Annotated[
            str,
            typer.Option(
                "--role",
                help="director, it, medical, communications, observer, identity, saisie (the clerk), facilitator (of exercises), laboratory (scans samples, enters results) or admin.",
            ),
        ],
        password_file: Annotated[
            Path | None,
            typer.Option("--password-file", help="Read the password from this file's first line."),
        ] = None,
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Create an account; the password is asked for unless --password-file is given."""
        password = read_password(password_file)
        _accounts(data, db).add(name, role, password, "cli")
        typer.echo(f"Account {name} ({role}) created.")

    @users_app.command("list")
    def list_accounts(db: DbOption = None, data: DataOption = None) -> None:
        """List the accounts and their roles."""
        for name, role, active in _accounts(data, db).listing():
            typer.echo(f"{name}\t{role}\t{'active' if active else 'disabled'}")

    @users_app.command("disable")
    def disable(
        name: Annotated[str, typer.Argument(help="The account to disable.")],
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Disable an account: it cannot sign in, and its open sessions end."""
        _accounts(data, db).set_active(name, False, "cli", "en")
        typer.echo(f"Account {name} disabled; its open sessions end at their next request.")

    @users_app.command("enable")
    def enable(
        name: Annotated[str, typer.Argument(help="The account to enable again.")],
        db: DbOption = None,
        data: DataOption = None,
    ) -> None:
        """Enable a disabled account again."""
        _accounts(data, db).set_active(name, True, "cli", "en")
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
        password = read_password(password_file)
        _accounts(data, db).reset_password(name, password, "cli", "en")
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
            raise UserError(
                "Give an account name or --address ADDRESS, not both.",
                fr="Donnez un nom de compte ou --address ADRESSE, pas les deux.",
            )
        kind, value = ("username", name) if name is not None else ("address", address or "")
        removed = _accounts(data, db).unlock(kind, value, "cli", "en")
        typer.echo(f"{value}: {'unlocked' if removed else 'was not locked'}.")
