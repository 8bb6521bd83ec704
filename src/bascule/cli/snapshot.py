"""`bascule snapshot ...`: the group shared by the data feed (pull, import, listen) and the
sealing commands (seal, verify, open, watch, status), each defined in its own module."""

from __future__ import annotations

import typer

snapshot_app = typer.Typer(
    help="Keep, seal and check the copy of the critical patient data.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(snapshot_app, name="snapshot")
