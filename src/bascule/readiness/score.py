"""The readiness score: components 0–100 and their weighted mean (see the package docstring)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from bascule.hospital.model import CareProcess, HospitalMap
from bascule.i18n import Lang
from bascule.readiness.findings import Finding
from bascule.readiness.map_checks import VITAL_PRIORITIES, MapReview
from bascule.readiness.upkeep import (
    DEFAULT_KIT_MAX_AGE,
    DEFAULT_STATION_MAX_AGE,
    KitFacts,
    KitReview,
    StationFacts,
    station_findings,
)

# How much each component counts in the score; a component that was not checked is left out.
COMPONENT_WEIGHTS: Mapping[str, int] = {
    "fallback": 3,
    "single_points": 3,
    "skills": 2,
    "stations": 1,
    "kits": 1,
}


@dataclass(frozen=True)
class Readiness:
    """The findings, most serious first, and the score of each component that was checked."""

    findings: tuple[Finding, ...]
    components: Mapping[str, Fraction]  # 0..100, exact

    @property
    def score(self) -> int:
        """The weighted mean of the components checked, rounded down: 100 only when nothing is wrong."""
        weights = {name: COMPONENT_WEIGHTS[name] for name in self.components}
        total = sum(self.components[name] * weight for name, weight in weights.items())
        return math.floor(Fraction(total) / sum(weights.values()))

    def to_json(self, lang: Lang) -> dict[str, Any]:
        return {
            "score": self.score,
            "components": {name: round(float(value), 1) for name, value in self.components.items()},
            "findings": [finding.to_json(lang) for finding in self.findings],
        }


@dataclass(frozen=True)
class Upkeep:
    """What the adapters read outside the map: stations (None: not checked) and kits (None: not checked)."""

    now: datetime
    stations: Sequence[StationFacts] | None = None
    station_max_age: timedelta = DEFAULT_STATION_MAX_AGE
    kits: Sequence[KitFacts] | None = None
    kit_max_age: timedelta = DEFAULT_KIT_MAX_AGE


def assess_readiness(hospital_map: HospitalMap, upkeep: Upkeep | None = None) -> Readiness:
    review = MapReview(hospital_map)
    findings = review.findings()
    processes = hospital_map.processes
    vital = [p for p in processes if p.priority in VITAL_PRIORITIES]
    components: dict[str, Fraction] = {
        "fallback": _weighted_share(processes, lambda p: p.fallback is not None),
        "single_points": _weighted_share(vital, review.redundant_share),
        "skills": _weighted_share(processes, review.skills_ready),
    }
    if upkeep is not None and upkeep.stations is not None:
        ready = 0
        for station in upkeep.stations:
            found = station_findings(station, upkeep.now, upkeep.station_max_age)
            findings.extend(found)
            ready += not found
        components["stations"] = (
            Fraction(100 * ready, len(upkeep.stations)) if upkeep.stations else Fraction(0)
        )
    if upkeep is not None and upkeep.kits is not None:
        kits = KitReview(hospital_map, upkeep.kits, upkeep.now, upkeep.kit_max_age)
        findings.extend(kits.findings())
        components["kits"] = 100 * kits.share_ready
    return Readiness(tuple(sorted(findings, key=lambda f: f.rank)), components)


def _weighted_share(
    processes: Sequence[CareProcess], passes: Callable[[CareProcess], bool | Fraction]
) -> Fraction:
    """100 × Σ W(p) × how far p passes (0 or 1, or a share) over Σ W(p) (100 when there is none)."""
    total = sum(p.weight for p in processes)
    if total == 0:
        return Fraction(100)
    return 100 * sum((p.weight * Fraction(passes(p)) for p in processes), Fraction(0)) / total
