"""From triage proposals to outbox messages: one per decided activity, by text or by e-mail.

A mobile number gets a text; no mobile (none, a landline, or an invalid number) but an e-mail
address gets an e-mail; neither gets a row marked unreachable, with the reason, for the call
centre. Invalid numbers are listed, never sent to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo

from bascule.clinical.views import ScheduledActivity
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang
from bascule.notify.outbox import NewMessage, message_key
from bascule.notify.phone import InvalidPhone, normalise
from bascule.notify.templates import MessageFacts, render
from bascule.triage.rules import Proposal

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Unreachable:
    """A patient no message can reach; ids and the reason only."""

    activity_id: str
    patient_id: str
    problem: str  # invalid-phone, no-mobile, no-contact


@dataclass(frozen=True, slots=True)
class Channel:
    channel: str
    address: str | None
    contact_phone: str | None
    problem: str | None


def choose_channel(phone: str | None, email: str | None, country: str) -> Channel:
    contact = None
    problem = "no-contact"
    if phone:
        try:
            number = normalise(phone, country)
        except InvalidPhone:
            problem = "invalid-phone"
        else:
            if number.is_mobile:
                return Channel("sms", number.e164, number.e164, None)
            contact, problem = number.e164, "no-mobile"
    if email and _EMAIL.match(email.strip()):
        return Channel("email", email.strip(), contact, None)
    return Channel("none", None, contact, problem)


def build_messages(
    proposals: Iterable[Proposal],
    scheduled: Mapping[str, ScheduledActivity],
    hospital_map: HospitalMap,
    *,
    call_centre: str,
    lang: Lang,
    zone: tzinfo,
    country: str,
    unit_names: Mapping[str, str] | None = None,
) -> tuple[list[NewMessage], list[Unreachable]]:
    """The messages for every proposal that changes something for the patient."""
    names = {**(unit_names or {}), **{u.id: u.name for u in hospital_map.units if u.name}}
    facilities = {f.id: f for f in hospital_map.facilities}
    messages: list[NewMessage] = []
    unreachable: list[Unreachable] = []
    for proposal in proposals:
        if not proposal.notified:
            continue
        item = scheduled.get(proposal.activity_id)
        if item is None:
            continue  # gone from the store since triage: nothing to tell
        facility = facilities.get(proposal.facility or "")
        facts = MessageFacts(
            decision=proposal.decision,
            start=proposal.start,
            hospital=hospital_map.hospital.name,
            service=names.get(proposal.unit_id or "", proposal.unit_id or ""),
            call_centre=call_centre,
            facility=facility.name or facility.id if facility else "",
            facility_phone=facility.phone if facility else "",
        )
        text = render(facts, lang, zone)
        channel = choose_channel(item.phone, item.email, country)
        if channel.channel == "none":
            unreachable.append(Unreachable(proposal.activity_id, proposal.patient_id, channel.problem or ""))
        messages.append(
            NewMessage(
                key=message_key(proposal.activity_id, proposal.decision, item.activity.version),
                activity_id=proposal.activity_id,
                patient_id=proposal.patient_id,
                decision=proposal.decision,
                channel=channel.channel,
                address=channel.address,
                contact_phone=channel.contact_phone,
                problem=channel.problem,
                subject=text.subject,
                body=text.body,
                lang=lang,
                starts_at=proposal.start.isoformat(),
                unit_id=proposal.unit_id,
            )
        )
    return messages, unreachable
