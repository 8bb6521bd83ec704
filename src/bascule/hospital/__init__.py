"""The hospital map: model, loading with located errors, validation and the compiled graph."""

from bascule.hospital.loading import load_map
from bascule.hospital.model import HospitalMap

__all__ = ["HospitalMap", "load_map"]
