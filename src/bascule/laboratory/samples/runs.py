"""Transport runs to a mutual-aid laboratory, pure (issue 19): a run to a destination (a facility
of the map) is open while samples are added to it by scanning, then departed, then received at
the destination, where each sample is scanned on arrival. A sample of a received run that was not
scanned on arrival is missing in transport: the board shows it until it is found or rejected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bascule.errors import UserError
from bascule.laboratory.samples.sample import Sample

RunState = Literal["open", "departed", "received"]
RUN_STATES: tuple[RunState, ...] = ("open", "departed", "received")
_RUN_STATE_FR = {"open": "ouverte", "departed": "partie", "received": "reçue"}


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    destination: str
    created_at: datetime
    created_by: str
    state: RunState = "open"
    departed_at: datetime | None = None
    received_at: datetime | None = None


def require_run_state(run: Run, expected: RunState, doing: str, doing_fr: str) -> None:
    """UserError naming the run's state when it is not `expected`."""
    if run.state != expected:
        raise UserError(
            f"Run {run.id} is {run.state}: samples cannot be {doing} now.",
            fr=f"La navette {run.id} est {_RUN_STATE_FR[run.state]} : on ne peut plus {doing_fr}.",
        )


def missing_in_transport(runs: Iterable[Run], samples: Iterable[Sample]) -> list[Sample]:
    """The samples of received runs not scanned on arrival and still sent (not found since)."""
    received = {run.id for run in runs if run.state == "received"}
    return [s for s in samples if s.run in received and not s.arrived and s.state == "sent"]
