"""Phone numbers as people write them, and what the sender makes of them (E.164 and line kind)."""

from __future__ import annotations

import pytest

from bascule.notify.phone import InvalidPhone, normalise
from bascule.notify.queueing import choose_channel

VALID = [
    # (as written, hospital's country, E.164, kind)
    ("06 39 98 12 34", "FR", "+33639981234", "mobile"),
    ("06.39.98.12.34", "FR", "+33639981234", "mobile"),
    ("+33 6 39 98 12 34", "FR", "+33639981234", "mobile"),
    ("+33 (0)6 39 98 12 34", "FR", "+33639981234", "mobile"),
    ("0033639981234", "GB", "+33639981234", "mobile"),
    ("07 12 34 56 78", "FR", "+33712345678", "mobile"),
    ("01 99 00 10 00", "FR", "+33199001000", "fixed"),
    ("+33199001000", "GB", "+33199001000", "fixed"),
    ("07700 900123", "GB", "+447700900123", "mobile"),
    ("+44 7700 900123", "FR", "+447700900123", "mobile"),
    ("020 7946 0123", "GB", "+442079460123", "fixed"),
    ("07624 123456", "GB", "+447624123456", "fixed"),  # 76: pagers, not mobiles
    ("+32 470 12 34 56", "FR", "+32470123456", "unknown"),  # elsewhere: valid, kind unknown
]

INVALID = [
    ("", "FR"),
    ("06 39 98 12", "FR"),  # too short
    ("06 39 98 12 34 5", "FR"),  # too long
    ("6 39 98 12 34", "FR"),  # no trunk 0
    ("+33 0 6 39 98 12 34", "FR"),  # trunk 0 after the country code
    ("07700 90012", "GB"),  # UK mobile with 9 digits
    ("+44 0 7700 900123", "GB"),
    ("06-39-98-AB-CD", "FR"),
    ("+1234", "FR"),
    ("n/a", "GB"),
]


@pytest.mark.parametrize(("written", "country", "e164", "kind"), VALID)
def test_valid_numbers(written: str, country: str, e164: str, kind: str) -> None:
    number = normalise(written, country)  # type: ignore[arg-type]
    assert (number.e164, number.kind) == (e164, kind)


@pytest.mark.parametrize(("written", "country"), INVALID)
def test_invalid_numbers_are_refused_without_repeating_them(written: str, country: str) -> None:
    with pytest.raises(InvalidPhone) as refused:
        normalise(written, country)  # type: ignore[arg-type]
    if len(written) > 3:
        assert written not in str(refused.value)


CHANNELS = [
    # (phone, e-mail, channel, address, problem)
    ("06 39 98 12 34", "a@example.org", "sms", "+33639981234", None),
    ("01 99 00 10 00", "a@example.org", "email", "a@example.org", None),
    ("01 99 00 10 00", None, "none", None, "no-mobile"),
    ("06 39", "a@example.org", "email", "a@example.org", None),
    ("06 39", None, "none", None, "invalid-phone"),
    (None, "not an address", "none", None, "no-contact"),
    (None, None, "none", None, "no-contact"),
]


@pytest.mark.parametrize(("phone", "email", "channel", "address", "problem"), CHANNELS)
def test_text_if_mobile_else_email_else_the_call_centre(
    phone: str | None, email: str | None, channel: str, address: str | None, problem: str | None
) -> None:
    chosen = choose_channel(phone, email, "FR")
    assert (chosen.channel, chosen.address, chosen.problem) == (channel, address, problem)
