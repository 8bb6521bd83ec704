"""The care units the synthetic hospital fills: those of a hospital map (the demo map by default)."""

from __future__ import annotations

from pathlib import Path

from bascule.errors import BasculeError
from bascule.hospital.model import CareUnit

# Used only while the demo map has no units: a 1,050-bed general hospital on two sites.
_FALLBACK: tuple[tuple[str, str, str, int], ...] = (
    ("urgences-uhcd", "Urgences - UHCD", "main", 20),
    ("rea-polyvalente", "Réanimation polyvalente", "main", 24),
    ("usc", "Soins continus", "main", 12),
    ("usic", "Soins intensifs de cardiologie", "main", 12),
    ("cardiologie", "Cardiologie", "main", 60),
    ("pneumologie", "Pneumologie", "main", 56),
    ("medecine-interne", "Médecine interne", "main", 60),
    ("gastro-enterologie", "Gastro-entérologie", "main", 48),
    ("neurologie-unv", "Neurologie - UNV", "main", 48),
    ("nephrologie", "Néphrologie", "main", 36),
    ("oncologie", "Oncologie", "main", 48),
    ("hematologie", "Hématologie", "main", 30),
    ("infectiologie", "Maladies infectieuses", "main", 30),
    ("geriatrie-aigue", "Gériatrie aiguë", "main", 60),
    ("chirurgie-digestive", "Chirurgie digestive", "main", 48),
    ("chirurgie-orthopedique", "Chirurgie orthopédique", "main", 56),
    ("chirurgie-vasculaire", "Chirurgie vasculaire", "main", 30),
    ("urologie", "Urologie", "main", 30),
    ("ambulatoire", "Chirurgie ambulatoire", "main", 30),
    ("maternite", "Maternité", "main", 48),
    ("pediatrie", "Pédiatrie", "main", 36),
    ("psychiatrie", "Psychiatrie", "north", 60),
    ("ssr", "Soins de suite et réadaptation", "north", 90),
    ("ehpad-usld", "Soins de longue durée", "north", 78),
)


def fallback_units() -> tuple[CareUnit, ...]:
    return tuple(CareUnit(id=uid, name=name, site=site, beds=beds) for uid, name, site, beds in _FALLBACK)


def map_units(map_path: str | Path = "demo") -> tuple[CareUnit, ...]:
    """The care units of a map; the demo map falls back to a built-in list while it has none."""
    try:
        from bascule.hospital.loading import load_map

        units = tuple(unit for unit in load_map(map_path).units if unit.beds > 0)
    except (ImportError, FileNotFoundError, BasculeError):
        if str(map_path) != "demo":
            raise
        units = ()
    return units or fallback_units()
