"""Phone numbers: however a valid French or UK number is written, one E.164 form comes out."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bascule.notify.phone import normalise

french = st.tuples(st.sampled_from("1234567"), st.text("0123456789", min_size=8, max_size=8)).map("".join)
british = st.tuples(
    st.sampled_from(["71", "73", "75", "77", "79", "20", "11"]), st.text("0123456789", min_size=8, max_size=8)
).map("".join)
separator = st.sampled_from(["", " ", ".", "-"])


def spread(digits: str, sep: str) -> str:
    return sep.join(digits[i : i + 2] for i in range(0, len(digits), 2))


@given(significant=french, sep=separator, style=st.sampled_from(["national", "plus", "zeros"]))
def test_french_numbers(significant: str, sep: str, style: str) -> None:
    written = {"national": "0", "plus": "+33" + sep, "zeros": "0033" + sep}[style] + spread(significant, sep)
    number = normalise(written, "FR")
    assert number.e164 == "+33" + significant
    assert number.is_mobile == (significant[0] in "67")
    assert normalise(number.e164, "GB") == number  # E.164 reads the same from anywhere


@given(significant=british, sep=separator, national=st.booleans())
def test_british_numbers(significant: str, sep: str, national: bool) -> None:
    written = ("0" if national else "+44" + sep) + spread(significant, sep)
    number = normalise(written, "GB")
    assert number.e164 == "+44" + significant
    assert number.is_mobile == significant.startswith(("71", "73", "75", "77", "79"))
    assert normalise(number.e164, "FR") == number
