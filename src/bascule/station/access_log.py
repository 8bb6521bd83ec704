"""Who opened what on the station: an append-only, hash-chained log for the privacy officer.

DIR/.station/access.jsonl (0600) holds one JSON object a line (see bascule.chained_log): `seq`,
`at` (ISO 8601 with its offset), `user`, `action`, `patient` and `unit` (ids, never names),
`detail`, `prev` and `hash`; DIR/.station/access.head keeps the last (seq, hash).

What it does not do: someone with the station's root (or its account) can delete both files or
rewrite the whole chain, which holds no secret. The chain shows careless or partial edits, not a
determined administrator; the export says so.
"""

from __future__ import annotations

from datetime import datetime

from bascule.chained_log import GENESIS, ChainedLog, ChainReport, Head, line_hash, verify_chain
from bascule.station.state import Layout

ACTIONS = frozenset(
    {
        "login",
        "login_failed",
        "logout",
        "idle_logout",
        "breakglass",
        "open_patient",
        "print_patient",
        "print_unit",
        "open_unit",
        "search",
        "record",
    }
)
FIELDS = ("seq", "at", "user", "action", "patient", "unit", "detail", "prev", "hash")
MAX_USER = 64  # an account name's longest; a longer name typed at login is cut

__all__ = ["ACTIONS", "FIELDS", "GENESIS", "AccessLog", "ChainReport", "Head", "line_hash", "verify_chain"]


class AccessLog(ChainedLog):
    """The station's access log; any number of processes may append at once."""

    def __init__(self, layout: Layout) -> None:
        super().__init__(layout.private / "access.jsonl", layout.private / "access.head", FIELDS)
        self.layout = layout

    def record(
        self,
        user: str,
        action: str,
        now: datetime,
        patient_id: str | None = None,
        unit_id: str | None = None,
        detail: str | None = None,
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown access-log action {action!r}")
        if action == "search" and detail is not None and not detail.isdigit():
            raise ValueError("a search is logged with its count of hits only, never its text")
        if now.tzinfo is None:
            raise ValueError("access-log times carry their offset")
        body = {
            "at": now.isoformat(),
            "user": user[:MAX_USER],
            "action": action,
            "patient": patient_id,
            "unit": unit_id,
            "detail": detail,
        }
        try:
            self.append(body)
        except ValueError:
            raise ValueError("an access-log line holds ids and a short detail, nothing longer") from None
