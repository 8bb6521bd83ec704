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
    "serve",
    "users",
    "journal",
    "plan",
    "kits",
    "downtime_ids",
    "triage",
    "notify",
    "reconcile",
)


@functools.cache
def build_app() -> typer.Typer:
    """The whole command line, built once per process: capability modules add commands to their
    own module-level sub-apps when registered, so building it again would add them twice (and each
    call of `main` would cost more than the last)."""
    app = typer.Typer(
        name="bascule",
        help="Keep caring for patients while the IT is down, and bring it back in the best order.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"bascule.cli.{name}")
        module.register(app)
    return app


@functools.cache
def _click_command() -> Any:  # the Click command Typer builds (Typer vendors Click)
    return typer.main.get_command(build_app())


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the CLI with these arguments and environment; return the exit code."""
    variables = dict(os.environ if environ is None else environ)
    arguments = list(sys.argv[1:] if argv is None else argv)
    set_environment(Environment(variables))
    command = _click_command()
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
