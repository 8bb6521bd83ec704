"""How many failed sign-ins lock what: an account name from one address, or an address on its own.

django-axes counts failures per group of lockout parameters but compares every group with one
limit. Locking an account name on its own would let anyone who reaches the login page keep the
director locked out by typing wrong passwords; so the name is locked only together with the address
it is guessed from (10 failures), and an address on its own, whatever names it tries, after three
times as many (30): guessing one password from one laptop stops after 10, spraying names after 30,
and the director signs in from the cell's own desk meanwhile. This handler gives each group its own
limit by counting the address's failures scaled down to the name's limit, and a successful sign-in
clears only that name at that address; everything else is django-axes' own.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def address_failure_limit() -> int:
    """Failures from one address, whatever the names, that lock the address."""
    return int(settings.BASCULE_ADDRESS_FAILURE_LIMIT)


class NameAtAddressHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a higher limit for an address than for a name at it."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failures that count against the limit (AXES_FAILURE_LIMIT): those of the name at its
        address, or those of the address scaled down to the same limit, whichever is nearer."""
        # One queryset per group of AXES_LOCKOUT_PARAMETERS: [["username", "ip_address"], "ip_address"].
        pair, address = (
            int(attempts.aggregate(Sum("failures_since_start"))["failures_since_start__sum"] or 0)
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(pair, address * int(settings.AXES_FAILURE_LIMIT) // address_failure_limit())

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """After a successful sign-in, forget that name's failures at that address, not the
        address's failures with other names: else one valid account would wipe a sprayer's count."""
        pair = self.filter_user_attempts(request, credentials)[0]
        deleted, _ = pair.delete()
        return int(deleted)
