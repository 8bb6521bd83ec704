"""Phone numbers as people write them, and what the sender makes of them (E.164 and line kind).

The hospital's country reads the numbers written without a country code: a Belgian mobile in a
Belgian hospital (the Vivalia case) is +32, a mobile in La Réunion is +262, one on the Isle of Man
(+44 7624) is a mobile that gets a text.
"""

from __future__ import annotations

import pytest

from bascule.hospital.model import Hospital
from bascule.notify.phone import InvalidPhone, country_of, normalise
from bascule.notify.queueing import choose_channel

VALID = [
    # (as written, hospital's country, E.164, kind)
    ("06 12 34 56 78", "FR", "+33612345678", "mobile"),
    ("06.12.34.56.78", "FR", "+33612345678", "mobile"),
    ("+33 6 12 34 56 78", "FR", "+33612345678", "mobile"),
    ("+33 (0)6 12 34 56 78", "FR", "+33612345678", "mobile"),
    ("0033612345678", "GB", "+33612345678", "mobile"),
    ("07 81 23 45 67", "FR", "+33781234567", "mobile"),
    ("01 42 68 53 00", "FR", "+33142685300", "fixed"),
    ("+33142685300", "DE", "+33142685300", "fixed"),
    ("06 39 98 12 34", "FR", "+33639981234", "mobile"),  # ARCEP range for fiction
    ("07700 900123", "GB", "+447700900123", "mobile"),  # Ofcom drama range
    # Belgium (Vivalia): a mobile and a Brussels line, read in Belgium or written in full
    ("0470 12 34 56", "BE", "+32470123456", "mobile"),
    ("+32 470 12 34 56", "FR", "+32470123456", "mobile"),
    ("0032 476 12 34 56", "LU", "+32476123456", "mobile"),
    ("02 555 12 12", "BE", "+3225551212", "fixed"),
    # La Réunion
    ("0692 50 12 34", "RE", "+262692501234", "mobile"),
    ("+262 692 50 12 34", "FR", "+262692501234", "mobile"),
    ("0262 40 50 60", "RE", "+262262405060", "fixed"),
    # Isle of Man: +44, its own mobiles
    ("07624 234567", "IM", "+447624234567", "mobile"),
    ("07624 234567", "GB", "+447624234567", "mobile"),
    ("+44 7624 234567", "FR", "+447624234567", "mobile"),
    ("01624 686000", "IM", "+441624686000", "fixed"),
    # Great Britain
    ("07400 123456", "GB", "+447400123456", "mobile"),
    ("+44 (0)7400 123456", "FR", "+447400123456", "mobile"),
    ("020 7946 0958", "GB", "+442079460958", "fixed"),
    ("0161 496 0000", "GB", "+441614960000", "fixed"),
    # Germany
    ("0171 1234567", "DE", "+491711234567", "mobile"),
    ("+49 171 1234567", "CH", "+491711234567", "mobile"),
    ("089 12345678", "DE", "+498912345678", "fixed"),
    # Switzerland
    ("078 123 45 67", "CH", "+41781234567", "mobile"),
    ("+41 78 123 45 67", "FR", "+41781234567", "mobile"),
    ("022 123 45 67", "CH", "+41221234567", "fixed"),
    # Luxembourg: no trunk 0
    ("691 123 456", "LU", "+352691123456", "mobile"),
    ("+352 691 123 456", "BE", "+352691123456", "mobile"),
    ("46 12 34", "LU", "+352461234", "fixed"),
    # North America: a line that may be either gets no text
    ("+1 202 555 0143", "FR", "+12025550143", "unknown"),
]

INVALID = [
    # (as written, hospital's country, reason)
    ("", "FR", "empty"),
    ("   ", "FR", "empty"),
    ("06 12 34 56", "FR", "too-short"),
    ("06 12 34 56 78 9", "FR", "too-long"),
    ("06-12-34-AB-CD", "FR", "letters"),
    ("n/a", "GB", "letters"),
    ("+999 123456789", "FR", "country-code"),
    ("07 12 34 56 78", "FR", "unallocated"),  # 07 1x is not a French mobile range
    ("0470 12 34 56", "GB", "unallocated"),  # a Belgian mobile read in Britain
    ("0692 50 12 34", "FR", "unallocated"),  # a Réunion mobile read in metropolitan France
    ("+1234", "FR", "too-short"),
]


@pytest.mark.parametrize(("written", "country", "e164", "kind"), VALID)
def test_valid_numbers(written: str, country: str, e164: str, kind: str) -> None:
    number = normalise(written, country)
    assert (number.e164, number.kind) == (e164, kind)


@pytest.mark.parametrize(("written", "country", "reason"), INVALID)
def test_invalid_numbers_are_refused_in_one_sentence_without_repeating_them(
    written: str, country: str, reason: str
) -> None:
    with pytest.raises(InvalidPhone) as refused:
        normalise(written, country)
    assert refused.value.reason == reason
    digits = "".join(ch for ch in written if ch.isdigit())
    for lang in ("fr", "en"):
        sentence = refused.value.sentence(lang)
        assert sentence.count(".") == 1 and sentence.endswith(".")
        if len(digits) > 3:
            assert digits[-4:] not in sentence.replace(" ", "")
    if len(digits) > 3:
        assert digits[-4:] not in str(refused.value).replace(" ", "")


def test_the_map_country_reads_national_numbers_else_the_map_language() -> None:
    vivalia = Hospital(id="vivalia", name="Vivalia", lang="fr", country="BE")
    assert country_of(vivalia) == "BE"
    assert normalise("0470 12 34 56", country_of(vivalia)).e164 == "+32470123456"
    assert country_of(Hospital(id="chsv", name="CH", lang="fr")) == "FR"
    assert country_of(Hospital(id="nhs", name="Trust", lang="en")) == "GB"


CHANNELS = [
    # (phone, e-mail, hospital's country, channel, address, problem)
    ("06 12 34 56 78", "a@example.org", "FR", "sms", "+33612345678", None),
    ("0470 12 34 56", None, "BE", "sms", "+32470123456", None),
    ("0692 50 12 34", None, "RE", "sms", "+262692501234", None),
    ("07624 234567", None, "GB", "sms", "+447624234567", None),
    ("01 42 68 53 00", "a@example.org", "FR", "email", "a@example.org", None),
    ("01 42 68 53 00", None, "FR", "none", None, "no-mobile"),
    ("0470 12 34 56", None, "FR", "none", None, "no-mobile"),  # read as a French landline
    ("06 12", "a@example.org", "FR", "email", "a@example.org", None),
    ("06 12", None, "FR", "none", None, "invalid-phone"),
    (None, "not an address", "FR", "none", None, "no-contact"),
    (None, None, "FR", "none", None, "no-contact"),
]


@pytest.mark.parametrize(("phone", "email", "country", "channel", "address", "problem"), CHANNELS)
def test_text_if_mobile_else_email_else_the_call_centre(
    phone: str | None, email: str | None, country: str, channel: str, address: str | None, problem: str | None
) -> None:
    chosen = choose_channel(phone, email, country)
    assert (chosen.channel, chosen.address, chosen.problem) == (channel, address, problem)
