"""What patients read: date, service, what happens and the call-centre number, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bascule.i18n import LANGS
from bascule.notify.templates import TEMPLATED_DECISIONS, MessageFacts, render

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 10, 8, 30, tzinfo=UTC)  # 09:30 in Paris


def facts(decision: str) -> MessageFacts:
    return MessageFacts(
        decision=decision,
        start=START,
        hospital="CH Orge",
        service="Cardiologie",
        call_centre="01 99 00 10 00",
        facility="CHU de la Bièvre" if decision == "divert" else "",
        facility_phone="01 99 00 20 10" if decision == "divert" else "",
    )


EXPECTED = [
    ("postpone", "fr", "CH Orge : votre rendez-vous du mardi 10 mars à 09h30 (Cardiologie) est reporté. "
     "Nous vous rappellerons pour une nouvelle date. Questions : 01 99 00 10 00."),
    ("cancel", "en", "CH Orge: your appointment on Tuesday 10 March at 09:30 (Cardiologie) is cancelled. "
     "Your care team will contact you. Questions: 01 99 00 10 00."),
    ("divert", "fr", "CH Orge : votre rendez-vous du mardi 10 mars à 09h30 (Cardiologie) aura lieu à "
     "CHU de la Bièvre. Appelez-les au 01 99 00 20 10 pour le confirmer. Questions : 01 99 00 10 00."),
]  # fmt: skip


@pytest.mark.parametrize(("decision", "lang", "text"), EXPECTED)
def test_message_text(decision: str, lang: str, text: str) -> None:
    assert render(facts(decision), lang, PARIS).body == text  # type: ignore[arg-type]


@pytest.mark.parametrize("decision", TEMPLATED_DECISIONS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_message_gives_the_date_the_service_and_the_number(decision: str, lang: str) -> None:
    rendered = render(facts(decision), lang, PARIS)
    assert "10" in rendered.body and "Cardiologie" in rendered.body and "01 99 00 10 00" in rendered.body
    assert rendered.subject.startswith("CH Orge")


def test_no_message_without_a_call_centre_number() -> None:
    with pytest.raises(ValueError, match="call-centre"):
        MessageFacts(decision="postpone", start=START, hospital="H", service="S", call_centre="")
