"""The composition root of the crisis cell for the command line: the one place outside the Django
face that reaches it. Adapters are loaded by name, so that `bascule.cli` and the rest of
`bascule.incident` never import `bascule.crisis` (tests/unit/core/test_layers.py checks it) and
Django is loaded only by the commands that need the crisis database.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from bascule.i18n import Lang
from bascule.incident.model import Incident
from bascule.incident.ports import AccountBook, IncidentStore
from bascule.journal_audit import AuditReport


def _adapter(name: str) -> Any:
    return importlib.import_module(f"bascule.crisis.{name}")


def crisis_store(
    environ: Mapping[str, str],
    data: Path | None = None,
    db: Path | None = None,
    *,
    anchors: Sequence[Path] = (),
    sign_key: Path | None = None,
) -> IncidentStore:
    """The crisis database found from the options and the environment, set up and migrated; the
    journal's checkpoints also go to `anchors`, signed with `sign_key` if given."""
    _adapter("runtime").from_environment(
        environ, str(data) if data else None, str(db) if db else None, anchors=anchors, sign_key=sign_key
    )
    return cast(IncidentStore, _adapter("repository").STORE)


def prepare_journal() -> None:
    """Find or make the journal's key and checkpoint signer now (configure the database first):
    a key missing while the journal holds entries is refused here, in one sentence."""
    _adapter("journal_store").anchoring()


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


def audit_journal(anchors: Sequence[Path] = (), public_key: Path | None = None) -> AuditReport:
    """Check the configured crisis journal: chain, seals, checkpoints (those of the data folder,
    of the anchors and those given) and note digests."""
    report: AuditReport = _adapter("journal_store").audit_journal(anchors, public_key)
    return report


def journal_csv() -> str:
    """The whole configured journal as CSV (formulas neutralised)."""
    reports, models = _adapter("reports"), _adapter("models")
    text: str = reports.journal_csv(models.JournalRecord.objects.order_by("seq"))
    return text


def journal_pdf(lang: Lang) -> bytes:
    """The whole configured journal as a PDF, with the verdict of its chain."""
    reports, models, store = _adapter("reports"), _adapter("models"), _adapter("journal_store")
    records = models.JournalRecord.objects.order_by("seq")
    pdf: bytes = reports.journal_pdf(records, store.verify_chain(), lang)
    return pdf
