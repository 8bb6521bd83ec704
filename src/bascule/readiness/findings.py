"""A readiness finding: one thing that would hurt on the worst day, found without an exercise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from bascule.i18n import Lang, t
from bascule.readiness import texts as _texts  # noqa: F401  (registers the readiness messages)
from bascule.snapshot.freshness import format_age

Severity = Literal["critical", "high", "medium", "low"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
# A care process's priority says how serious a gap on its path is: vital gaps are critical.
SEVERITY_OF_PRIORITY: Mapping[int, Severity] = {1: "critical", 2: "high", 3: "medium", 4: "low"}

Kind = Literal[
    "no_fallback",
    "single_point",
    "no_teams",
    "no_team",
    "single_person",
    "station_no_bundle",
    "station_stale",
    "station_quarantined",
    "kit_missing",
    "kit_old",
]
# Within one severity, findings read in this order: the map first, then the things kept ready.
KINDS: tuple[Kind, ...] = (
    "no_fallback",
    "single_point",
    "no_teams",
    "no_team",
    "single_person",
    "station_no_bundle",
    "station_stale",
    "station_quarantined",
    "kit_missing",
    "kit_old",
)


@dataclass(frozen=True)
class Finding:
    """`subject` is the id (or folder) the finding is about; `facts` the values its sentence names,
    printed as they are in the JSON document (ids, numbers, lists of ids, ISO 8601 instants)."""

    kind: Kind
    severity: Severity
    subject: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS or self.severity not in SEVERITIES:
            raise ValueError(f"unknown finding {self.kind}/{self.severity}")

    @property
    def rank(self) -> tuple[int, int, str]:
        """Most serious first; then the kind's order; then the subject."""
        return SEVERITIES.index(self.severity), KINDS.index(self.kind), self.subject

    def detail(self, lang: Lang) -> str:
        return t(f"readiness.detail_{self.kind}", lang, subject=self.subject, **_words(self.facts, lang))

    def to_json(self, lang: Lang) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "subject": self.subject,
            "detail": self.detail(lang),
            **{key: list(value) if isinstance(value, tuple) else value for key, value in self.facts.items()},
        }


def _words(facts: Mapping[str, Any], lang: Lang) -> dict[str, Any]:
    """The facts as a sentence names them: lists joined, `x_seconds` also as a readable age `x`,
    what a candidate is in the reader's words."""
    words: dict[str, Any] = {}
    for key, value in facts.items():
        words[key] = ", ".join(str(item) for item in value) if isinstance(value, tuple | list) else value
        if key == "what":
            words[key] = t(f"readiness.what_{value}", lang)
        if key.endswith("_seconds") and isinstance(value, int):
            words[key.removesuffix("_seconds")] = format_age(timedelta(seconds=value))
    return words
