"""A downtime station made as a hospital makes one, for the tests: the crisis cell's keys, a sealed
bundle of a store, a station with the pinned key, the bundle delivered to its inbox, accounts."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

from bascule.cli import main

PASSWORD = "correct horse battery staple"


def run(*argv: str | Path) -> None:
    code = main([str(a) for a in argv])
    assert code == 0, argv


def init_station(cell: Path, root: Path, accounts: dict[str, str]) -> Path:
    """A station at `root` trusting the cell's key, with these accounts (name -> role), no bundle."""
    run(
        "station",
        "init",
        root,
        "--hospital",
        "chvo",
        "--trust",
        cell / "cell.pub",
        "--identity",
        cell / "station.age",
    )
    password = cell / "password.txt"
    password.write_text(PASSWORD + "\n")
    for name, role in accounts.items():
        run("station", "users", "add", root, name, "--role", role, "--password-file", password)
    return root


def sealed_station(cell: Path, store: Path, accounts: dict[str, str]) -> Path:
    """The cell's keys made in `cell`, `store` sealed, and a station `cell/station` holding the bundle."""
    run("keys", "new", "cell", "--dir", cell)
    run("keys", "new", "station", "--dir", cell)
    run(
        "snapshot",
        "seal",
        "--store",
        store,
        "--to",
        cell / "station.age.pub",
        "--sign",
        cell / "cell.key",
        "--out",
        cell / "bundles",
        "--map",
        "demo",
    )
    root = init_station(cell, cell / "station", accounts)
    for bundle in (cell / "bundles").glob("bascule-*"):
        shutil.copy(bundle, root / "inbox")
    return root


def json_answer(*argv: str | Path) -> tuple[int, Any]:
    """Run a command whose --json answer is one object on stdout: (exit code, the object)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([str(a) for a in argv])
    return code, json.loads(out.getvalue())
