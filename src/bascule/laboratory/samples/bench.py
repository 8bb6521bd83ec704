"""What the laboratory's bench (paillasse) reads from the sample log (issue 19): the last scans a
person made, and the critical results waiting for a second person's confirmation. Samples are
named by their number; the patient reference stays in the store."""

from __future__ import annotations

from pathlib import Path

from bascule.downtime.side_store import connected
from bascule.laboratory.samples import store as tables
from bascule.laboratory.samples.results import Result
from bascule.laboratory.samples.sample import Step

LAST_SCANS = 15


def last_scans(store_path: Path, actor: str, limit: int = LAST_SCANS) -> list[Step]:
    """The last steps `actor` scanned (and results they entered), newest first."""
    with connected(store_path, readonly=True) as connection:
        return tables.steps_by(connection, actor, limit)


def awaiting_confirmation(store_path: Path) -> list[Result]:
    """The critical results not yet released to the wards: each needs a second person's
    confirmation (another account than the one who entered it), oldest first."""
    with connected(store_path, readonly=True) as connection:
        return [r for r in tables.unconfirmed_results(connection) if not r.released]
