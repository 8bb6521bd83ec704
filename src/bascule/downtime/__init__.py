"""Downtime numbers: identifiers handed out on paper while the patient-administration system is down.

Each number names its site and station and carries a check character (ISO 7064 MOD 37-2), so a
number copied by hand with one wrong or two swapped characters is refused. Allocations are recorded
in the continuity store (table `downtime_ids`) so that reconciliation can map every number to the
patient's real MRN once the EHR is back.
"""

from bascule.downtime.check_character import check_character, is_valid
from bascule.downtime.numbers import DowntimeNumber, parse_number

__all__ = ["DowntimeNumber", "check_character", "is_valid", "parse_number"]
