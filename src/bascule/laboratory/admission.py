"""Admission of a laboratory request at request time (issue 19), pure: a request outside the menu
or above the day's cap is refused there and then, with its reason, instead of waiting in a queue
that nobody will run.

The sample log calls `admit(menu, test_id, taken_today)` when a request is made; `taken_today` is
how many requests for that test it has already accepted today. On the full menu (the laboratory
system works) every known test is accepted and the cap does not apply; on the downtime menu a
test is accepted while one of its runners is up and fewer than its `daily` cap were taken today
(a cap of 0: none can be taken)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bascule.hospital.naming import closest
from bascule.laboratory.menu import Menu

RefusalReason = Literal["not_on_menu", "no_runner", "cap_reached"]
REFUSAL_REASONS: tuple[RefusalReason, ...] = ("not_on_menu", "no_runner", "cap_reached")


@dataclass(frozen=True, slots=True)
class Admission:
    """Accepted, or refused with `reason`; `en`/`fr`: one sentence each, ids only."""

    test_id: str
    accepted: bool
    reason: RefusalReason | None
    en: str
    fr: str

    def sentence(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


def admit(menu: Menu, test_id: str, taken_today: int) -> Admission:
    """Whether a request for `test_id` can be taken now, `taken_today` already being taken today."""
    line = menu.line(test_id)
    if line is None:
        near = closest(test_id, [known.id for known in menu.lines])
        hint_en = f' (did you mean "{near}"?)' if near else ""
        hint_fr = f" (vouliez-vous dire « {near} » ?)" if near else ""
        return Admission(
            test_id,
            False,
            "not_on_menu",
            f'Refused: "{test_id}" is not on the laboratory\'s menu{hint_en}.',
            f"Refusé : « {test_id} » n'est pas au menu du laboratoire{hint_fr}.",
        )
    if line.state == "full":
        return Admission(
            test_id,
            True,
            None,
            f"Accepted: {test_id}, the laboratory system works.",
            f"Accepté : {test_id}, le système du laboratoire fonctionne.",
        )
    if line.state == "off":
        down = ", ".join(line.runners_down)
        return Admission(
            test_id,
            False,
            "no_runner",
            f"Refused: nothing runs {test_id} now"
            + (
                f"; down: {down}."
                if down
                else "; no analyser or partner laboratory runs it without the laboratory system."
            ),
            f"Refusé : rien ne réalise {test_id} maintenant"
            + (
                f" ; hors service : {down}."
                if down
                else " ; aucun automate ni laboratoire partenaire ne le réalise sans le système du laboratoire."
            ),
        )
    cap = line.test.daily
    if taken_today >= cap:
        return Admission(
            test_id,
            False,
            "cap_reached",
            f"Refused: {test_id} is at its downtime cap, {taken_today} of {cap} today.",
            f"Refusé : {test_id} a atteint son plafond du mode dégradé, {taken_today} sur {cap} aujourd'hui.",
        )
    return Admission(
        test_id,
        True,
        None,
        f"Accepted: {test_id}, {taken_today + 1} of {cap} today, run by {', '.join(line.runners_up)}.",
        f"Accepté : {test_id}, {taken_today + 1} sur {cap} aujourd'hui, réalisé par {', '.join(line.runners_up)}.",
    )
