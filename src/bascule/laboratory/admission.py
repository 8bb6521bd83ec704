"""Admission of a laboratory request at request time (issue 19), pure: a request outside the menu
or above the day's cap is refused there and then, with its reason, instead of waiting in a queue
that nobody will run.

The sample log calls `admit(menu, test_id, taken_today)` when a request is made; `taken_today` is
how many requests for that test it has already accepted today. On the full menu (the laboratory
system works) every known test is accepted and the cap does not apply; on the downtime menu a
test is accepted while one of its runners is up and fewer than its `daily` cap were taken today
(a cap of 0: none can be taken). `Admission.sentence(lang)` says the decision in one sentence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bascule.hospital.naming import closest
from bascule.i18n import Lang, t
from bascule.laboratory.menu import Menu

RefusalReason = Literal["not_on_menu", "no_runner", "cap_reached"]
REFUSAL_REASONS: tuple[RefusalReason, ...] = ("not_on_menu", "no_runner", "cap_reached")


@dataclass(frozen=True, slots=True)
class Admission:
    """Accepted, or refused with `reason`; the facts its sentence is made of (ids and counts only)."""

    test_id: str
    accepted: bool
    reason: RefusalReason | None
    full_menu: bool = False
    count: int = 0
    cap: int = 0
    runners: tuple[str, ...] = ()
    near: str | None = None

    def sentence(self, lang: Lang) -> str:
        """One sentence saying the decision and why."""
        runners = ", ".join(self.runners)
        if self.accepted:
            key = "accepted_full" if self.full_menu else "accepted_downtime"
            return t(
                f"laboratory.{key}", lang, test=self.test_id, count=self.count, cap=self.cap, runners=runners
            )
        if self.reason == "not_on_menu":
            near = t("laboratory.near", lang, test=self.near) if self.near else ""
            return t("laboratory.refused_not_on_menu", lang, test=self.test_id, near=near)
        if self.reason == "no_runner" and not self.runners:
            return t("laboratory.refused_no_runner_at_all", lang, test=self.test_id)
        return t(
            f"laboratory.refused_{self.reason}",
            lang,
            test=self.test_id,
            count=self.count,
            cap=self.cap,
            runners=runners,
        )


def admit(menu: Menu, test_id: str, taken_today: int) -> Admission:
    """Whether a request for `test_id` can be taken now, `taken_today` already being taken today."""
    if taken_today < 0:
        raise ValueError(f"taken_today must not be negative, not {taken_today}")
    line = menu.line(test_id)
    if line is None:
        near = closest(test_id, [known.id for known in menu.lines])
        return Admission(test_id, False, "not_on_menu", near=near)
    if line.state == "full":
        return Admission(test_id, True, None, full_menu=True)
    if line.state == "off":
        return Admission(test_id, False, "no_runner", runners=line.runners_down)
    cap = line.test.daily
    if taken_today >= cap:
        return Admission(test_id, False, "cap_reached", count=taken_today, cap=cap)
    return Admission(test_id, True, None, count=taken_today + 1, cap=cap, runners=line.runners_up)
