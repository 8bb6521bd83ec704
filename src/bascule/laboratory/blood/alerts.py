"""The national blood supply alert level, as the blood supplier announces it (EFS "tension" in
France, NHSBT amber and red alerts in England): normal, amber or red, recorded with who and when.
The latest recorded level is the current one; none recorded is normal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bascule.errors import UserError
from bascule.i18n import Lang, register, t

register(
    "blood_alert",
    {
        "normal": {"fr": "normal", "en": "normal"},
        "amber": {"fr": "ambre (tension)", "en": "amber"},
        "red": {"fr": "rouge", "en": "red"},
    },
)

AlertLevel = Literal["normal", "amber", "red"]
ALERT_LEVELS: tuple[AlertLevel, ...] = ("normal", "amber", "red")


def parse_level(text: str) -> AlertLevel:
    for level in ALERT_LEVELS:
        if text.strip().lower() == level:
            return level
    raise UserError(
        f"Unknown supply alert level {text!r}: use normal, amber or red.",
        fr=f"Niveau d'alerte d'approvisionnement inconnu {text!r} : utilisez normal, amber ou red.",
    )


@dataclass(frozen=True, slots=True)
class SupplyAlert:
    level: AlertLevel
    at: datetime
    by: str
    note: str = ""


def level_name(level: AlertLevel, lang: Lang) -> str:
    return t(f"blood_alert.{level}", lang)


def current_level(alerts: Iterable[SupplyAlert]) -> SupplyAlert | None:
    return max(alerts, key=lambda alert: alert.at, default=None)
