"""`bascule lab`: the laboratory in downtime (issue 19). The group alone; its commands live in
modules named after what they do (lab_menu, lab_samples, ...), each adding itself to `lab_app`
when bascule.cli imports it (listed in _COMMAND_MODULES after this one)."""

from __future__ import annotations

import typer

lab_app = typer.Typer(
    help="The laboratory while its system is down: the reduced menu, samples, results.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(lab_app, name="lab")
