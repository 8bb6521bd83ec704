"""Phone numbers: however a valid number is written, in its country or from abroad, one E.164 form
and one line kind come out."""

from __future__ import annotations

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bascule.notify.phone import normalise

COUNTRIES = ["FR", "BE", "RE", "IM", "GB", "DE", "CH", "LU"]
KINDS = {"mobile": PhoneNumberType.MOBILE, "fixed": PhoneNumberType.FIXED_LINE}


@given(
    country=st.sampled_from(COUNTRIES),
    kind=st.sampled_from(sorted(KINDS)),
    reader=st.sampled_from(COUNTRIES),
    sep=st.sampled_from([" ", ".", "-", "/", ""]),
    style=st.sampled_from(["national", "plus", "zeros"]),
)
def test_a_number_reads_the_same_however_it_is_written(
    country: str, kind: str, reader: str, sep: str, style: str
) -> None:
    example = phonenumbers.example_number_for_type(country, KINDS[kind])
    assert example is not None
    e164 = phonenumbers.format_number(example, PhoneNumberFormat.E164)
    if style == "national":
        written = phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)
        reader = country
    else:
        written = phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)
        written = written if style == "plus" else "00" + written[1:]
    written = written.replace(" ", sep)
    number = normalise(written, reader)
    assert (number.e164, number.kind) == (e164, kind)
    assert normalise(number.e164, "GB") == number  # E.164 reads the same from anywhere
