"""Options shared by the commands that take a map and what is hit (impact, plan, map draw...)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bascule.cli.context import environment
from bascule.errors import UserError
from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, parse_lang

if TYPE_CHECKING:  # imported when used: it brings numpy, which the station's commands do not need
    from bascule.scenario import Scenario

MapArgument = Annotated[
    str,
    typer.Argument(metavar="MAP", help="The hospital map (.yaml or .json), or 'demo' for the embedded one."),
]
DownOption = Annotated[
    list[str] | None, typer.Option("--down", "-d", metavar="ID", help="A node declared down (repeatable).")
]
IsolateOption = Annotated[
    list[str] | None,
    typer.Option("--isolate", "-i", metavar="SEGMENT", help="A segment isolated (repeatable)."),
]
SupplierOption = Annotated[
    list[str] | None,
    typer.Option("--supplier", "-s", metavar="SUPPLIER", help="A supplier down (repeatable)."),
]
ScenarioOption = Annotated[
    str | None,
    typer.Option(
        "--scenario", metavar="NAME|FILE", help="A scenario file, or an embedded scenario of the demo map."
    ),
]
StoreOption = Annotated[Path, typer.Option("--store", metavar="FILE", help="The continuity store.")]
LangOption = Annotated[
    str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output (default: the map's).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the JSON document instead of tables.")]
# The commands that read a sealed bundle: its signer's key (a station knows its own pinned keys).
PubkeyOption = Annotated[
    Path | None,
    typer.Option(
        "--pubkey", metavar="PUB", help="The crisis cell's minisign key (not needed for a station)."
    ),
]
PassphraseFileOption = Annotated[
    Path | None, typer.Option("--passphrase-file", metavar="F", help="Passphrase of the identity file.")
]


def map_and_scenario(
    map_path: str,
    scenario: str | None,
    down: list[str] | None,
    isolate: list[str] | None,
    suppliers: list[str] | None,
) -> tuple[HospitalMap, Scenario]:
    """Load the map, then the scenario (if any) plus the hits given as flags, checked against the map."""
    from bascule.scenario import Scenario, load_scenario

    hospital_map = load_map(map_path)
    base = load_scenario(scenario, hospital_map) if scenario else Scenario()
    combined = base.plus(down=down or (), isolate=isolate or (), suppliers=suppliers or ())
    combined.check_against(hospital_map)
    return hospital_map, combined


def output_lang(value: str | None, hospital_map: HospitalMap | None = None) -> Lang:
    if value is None:
        return hospital_map.hospital.lang if hospital_map is not None else "en"
    return parse_lang(value)


def map_lang(value: str | None, map_path: str) -> Lang:
    """--lang, else the language of the hospital whose map is given, read only when needed: for
    the commands whose continuity store does not record its hospital's language."""
    return parse_lang(value) if value is not None else load_map(map_path).hospital.lang


def read_password(password_file: Path | None) -> str:
    """The first line of `password_file`, or typed twice, hidden, without it (never a command-line
    argument: it would stay in the shell's history and the process list)."""
    if password_file is None:
        password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return password
    try:
        return password_file.read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError, UnicodeDecodeError):
        raise UserError(
            f"Cannot read a password from {password_file}; put it on the first line.",
            fr=f"Impossible de lire un mot de passe dans {password_file} ; mettez-le sur la première ligne.",
        ) from None


def acting(name: str | None = None) -> str:
    """Who does it, as recorded: the name given, else the login (USER, LOGNAME, then the account's
    own name), else "unknown"."""
    found = name or environment().get("USER") or environment().get("LOGNAME")
    if found:
        return found
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
