"""A break-glass passphrase opens every bundle of a session: five words, or zxcvbn score 3 or more."""

from __future__ import annotations

import pytest

from bascule.errors import UserError
from bascule.snapshot.bundle import BreakGlass
from bascule.snapshot.passphrase_strength import check_breakglass_strength

ACCEPTED = [
    "correct horse battery staple",  # zxcvbn 4
    "ambre falaise torrent vigie pluie",  # five words
    "urgence-chsv-2026",  # zxcvbn 4
]
REFUSED = [
    "password",
    "hospital2026!",
    "love love love love love",  # one word five times is not five words
    "12345678901234",
    "azerty",
]


@pytest.mark.parametrize("passphrase", ACCEPTED)
def test_accepted(passphrase: str) -> None:
    check_breakglass_strength(passphrase)


@pytest.mark.parametrize("passphrase", REFUSED)
def test_refused_in_one_sentence_that_does_not_repeat_it(passphrase: str) -> None:
    with pytest.raises(UserError) as raised:
        check_breakglass_strength(passphrase)
    message = str(raised.value)
    assert message.startswith("The break-glass passphrase is too easy to guess (strength ")
    assert passphrase not in message and "\n" not in message and raised.value.exit_code == 2


def test_sealing_refuses_a_weak_break_glass_before_any_work() -> None:
    with pytest.raises(UserError, match="too easy to guess"):
        BreakGlass.from_passphrase(b"hospital2026!")
    with pytest.raises(UserError, match="not UTF-8"):
        BreakGlass.from_passphrase(b"\xff\xfe weak")
