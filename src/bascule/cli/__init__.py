"""The command line: thin faces that parse, call the core and print.

`main(argv, environ)` is the testable entry point: it returns the exit code and never lets a
UserError escape as a traceback. Each capability lives in its own module of this package with a
`register(app)` function; `_COMMAND_MODULES` lists them.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import typer
import typer.main

from bascule.cli.context import Environment, set_environment
from bascule.cli.reader_language import reader_language
from bascule.errors import UserError

_COMMAND_MODULES: tuple[str, ...] = (
    "map",
    "draw",
    "impact",
    "demo",
    "snapshot",
    "snapshot_feed",
    "synth",
    "keys",
    "snapshot_seal",
    "station",
    "station_users",
    "station_recording",
    "serve",
    "users",
    "journal",
    "plan",
    "kits",
    "downtime_ids",
    "triage",
    "notify",
    "reconcile",
    "exercise",
    "exercise_run",
    "readiness",
    "lab",
    "lab_menu",
    "blood",
    "lab_samples",
    "lab_sheet",
)

# The modules that make a whole command group, for a group whose commands must start fast: `bascule
# station serve` is the downtime viewer, started in a hurry (its first page within 2 s), and the
# other command modules cost it most of a second of imports. Other groups build the whole line.
_GROUP_MODULES: dict[str, tuple[str, ...]] = {"station": ("station", "station_users", "station_recording")}


@functools.cache
def build_app(modules: tuple[str, ...] = _COMMAND_MODULES) -> typer.Typer:
    """The command line (by default whole; `modules` for one group only), built once per process
    and set of modules: capability modules add commands to their own module-level sub-apps when
    registered, so building it again would add them twice (and each call of `main` would cost
    more than the last)."""
    app = typer.Typer(
        name="bascule",
        help="Keep caring for patients while the IT is down, and bring it back in the best order.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    for name in modules:
        module = importlib.import_module(f"bascule.cli.{name}")
        module.register(app)
    return app


@functools.cache
def _click_command(modules: tuple[str, ...] = _COMMAND_MODULES) -> Any:  # Click, as Typer vendors it
    return typer.main.get_command(build_app(modules))


def _modules_for(arguments: Sequence[str]) -> tuple[str, ...]:
    """Only a group's own modules when the command names such a group; else every module."""
    return _GROUP_MODULES.get(arguments[0], _COMMAND_MODULES) if arguments else _COMMAND_MODULES


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the CLI with these arguments and environment; return the exit code."""
    variables = dict(os.environ if environ is None else environ)
    arguments = list(sys.argv[1:] if argv is None else argv)
    set_environment(Environment(variables))
    command = _click_command(_modules_for(arguments))
    try:
        # Standalone mode prints usage errors (exit 2) itself; our own errors come through here.
        command.main(args=arguments, prog_name="bascule", standalone_mode=True)
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except UserError as error:
        french = reader_language(arguments, variables) == "fr"
        label = "Erreur :" if french else "Error:"
        print(f"{label} {error.in_lang('fr' if french else 'en')}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        french = reader_language(arguments, variables) == "fr"
        print("Interrompu." if french else "Interrupted.", file=sys.stderr)
        return 130
    return 0


def run() -> None:
    """Console-script entry point: a one-shot process, so a built map may be frozen out of the
    collector's scans (`bascule serve` turns that off again when it configures the web app)."""
    from bascule.hospital.memory import freeze_after_building

    freeze_after_building(True)
    raise SystemExit(main())
