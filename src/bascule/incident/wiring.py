"""The composition root of the crisis cell for the command line: the one place outside the Django
face that reaches it. Adapters are loaded by name, so that `bascule.cli` and the rest of
`bascule.incident` never import `bascule.crisis` (tests/unit/core/test_layers.py checks it) and
Django is loaded only by the commands that need the crisis database.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from bascule.i18n import Lang
from bascule.incident.model import Incident
from bascule.incident.ports import AccountBook, IncidentStore


def _adapter(name: str) -> Any:
    return importlib.import_module(f"bascule.crisis.{name}")


def crisis_store(
    environ: Mapping[str, str], data: Path | None = None, db: Path | None = None
) -> IncidentStore:
    """The crisis database found from the options and the environment, set up and migrated."""
    _adapter("runtime").from_environment(environ, str(data) if data else None, str(db) if db else None)
    return cast(IncidentStore, _adapter("repository").STORE)


def demo_store(data_dir: Path, lang: Lang) -> IncidentStore:
    """The crisis database of the demo, in `data_dir`."""
    _adapter("runtime").configure(data_dir, lang=lang)
    return cast(IncidentStore, _adapter("repository").STORE)


def account_book() -> AccountBook:
    """The accounts of the configured crisis database (configure it first with crisis_store)."""
    return cast(AccountBook, _adapter("account_book").BOOK)


def demo_incident(scenario: str, lang: Lang) -> Incident:
    """The open demo incident of this scenario in the configured database, made on first call."""
    incident: Incident = _adapter("demo").demo_incident(scenario, lang)
    return incident


def web_application() -> Any:
    """The crisis cell's WSGI application (configure the database first)."""
    return _adapter("wsgi").application
