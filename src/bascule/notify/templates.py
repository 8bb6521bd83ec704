"""The messages patients receive, in French and English: the date, the service, what happens and
the call-centre number. No name and no diagnosis: a text can be read by someone else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from bascule import i18n
from bascule.i18n import Lang, t

i18n.register(
    "notify_message",
    {
        "postpone": {
            "fr": "{hospital} : votre rendez-vous du {date} à {time} ({service}) est reporté. Nous vous "
            "rappellerons pour une nouvelle date. Questions : {call_centre}.",
            "en": "{hospital}: your appointment on {date} at {time} ({service}) is postponed. We will "
            "call you with a new date. Questions: {call_centre}.",
        },
        "cancel": {
            "fr": "{hospital} : votre rendez-vous du {date} à {time} ({service}) est annulé. Votre "
            "équipe de soins vous recontactera. Questions : {call_centre}.",
            "en": "{hospital}: your appointment on {date} at {time} ({service}) is cancelled. Your care "
            "team will contact you. Questions: {call_centre}.",
        },
        "divert": {
            "fr": "{hospital} : votre rendez-vous du {date} à {time} ({service}) aura lieu à "
            "{facility}. Appelez-les au {facility_phone} pour le confirmer. Questions : {call_centre}.",
            "en": "{hospital}: your appointment on {date} at {time} ({service}) will take place at "
            "{facility}. Call them on {facility_phone} to confirm. Questions: {call_centre}.",
        },
        "subject": {
            "fr": "{hospital} : votre rendez-vous du {date}",
            "en": "{hospital}: your appointment on {date}",
        },
    },
)

_DAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
TEMPLATED_DECISIONS = ("postpone", "cancel", "divert")


def day_text(moment: datetime, lang: Lang) -> str:
    """ "mardi 10 mars" / "Tuesday 10 March"."""
    return f"{_DAYS[lang][moment.weekday()]} {moment.day} {_MONTHS[lang][moment.month - 1]}"


def clock_text(moment: datetime, lang: Lang) -> str:
    return f"{moment.hour:02d}h{moment.minute:02d}" if lang == "fr" else f"{moment:%H:%M}"


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """What a message says; ids are resolved to names before (service and facility names)."""

    decision: str
    start: datetime
    hospital: str
    service: str
    call_centre: str
    facility: str = ""
    facility_phone: str = ""

    def __post_init__(self) -> None:
        if self.decision not in TEMPLATED_DECISIONS:
            raise ValueError(f"no message is sent for the decision {self.decision!r}")
        if not self.call_centre:
            raise ValueError("a message needs the call-centre number")
        if self.decision == "divert" and not self.facility:
            raise ValueError("a diversion message names the facility")


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    subject: str
    body: str


def render(facts: MessageFacts, lang: Lang, zone: tzinfo) -> RenderedMessage:
    local = facts.start.astimezone(zone)
    values = {
        "hospital": facts.hospital,
        "date": day_text(local, lang),
        "time": clock_text(local, lang),
        "service": facts.service,
        "call_centre": facts.call_centre,
        "facility": facts.facility,
        "facility_phone": facts.facility_phone or facts.call_centre,
    }
    return RenderedMessage(
        subject=t("notify_message.subject", lang, **values),
        body=t(f"notify_message.{facts.decision}", lang, **values),
    )
