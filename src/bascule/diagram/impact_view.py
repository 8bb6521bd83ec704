"""What the drawing needs to know about an impact: the few questions it asks of `bascule.impact.Impact`.

Kept as a Protocol so the drawing depends on the questions, not on how the impact is computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

Status = Literal["up", "degraded", "down"]
Cause = Literal["declared", "isolated", "supplier", "dependency"]

HIT_CAUSES: frozenset[str] = frozenset({"declared", "isolated", "supplier"})
STATUS_RANK: dict[str, int] = {"up": 0, "degraded": 1, "down": 2}


class ImpactView(Protocol):
    """The answers of contract 2 for one node: status, why, through what, and whether care is left bare."""

    def status(self, node_id: str) -> str: ...

    def cause(self, node_id: str) -> str | None: ...

    def via(self, node_id: str) -> Sequence[str]: ...

    def is_uncovered(self, process_id: str) -> bool: ...


def group_status(member_statuses: Sequence[str], at_least: int) -> Status:
    """Contract 2, rule 2: a group is down below `at_least` members not down, degraded if any is not up."""
    alive = sum(1 for status in member_statuses if status != "down")
    if alive < at_least:
        return "down"
    if any(status != "up" for status in member_statuses):
        return "degraded"
    return "up"


def worst(statuses: Sequence[Status]) -> Status:
    return max(statuses, key=lambda status: STATUS_RANK[status], default="up")
