"""Template helpers: `{% tr "key" %}` in the reader's language, status labels and classes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

from bascule.crisis import messages
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import named_chain
from bascule.i18n import Lang, t

register = template.Library()


@register.simple_tag(takes_context=True)
def tr(context: Any, key: str, **params: object) -> str:
    lang: Lang = context.get("lang", "fr")
    return t(f"crisis.{key}", lang, **params)


@register.filter
def age(moment: datetime) -> str:
    """How long ago `moment` was, as crisis.js writes it ("42 s", "3 min", "2 h 5 min")."""
    seconds = max(0, int((timezone.now() - moment).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


@register.simple_tag(takes_context=True)
def eta(context: Any, incident: Any, hours: float | None) -> str:
    """A plan's ETA (hours after the incident opened) as the clock time a director can use."""
    lang: Lang = context.get("lang", "fr")
    if hours is None:
        return t("crisis.eta_never", lang)
    moment = timezone.localtime(incident.opened_at + timedelta(hours=float(hours)))
    return t("crisis.eta_at", lang, time=moment.strftime("%d/%m %H:%M"), hours=f"{float(hours):.1f}")


@register.simple_tag(takes_context=True)
def event(context: Any, name: str) -> str:
    """A journal entry's name in the reader's words ("hit.declared" → "Déclaré touché")."""
    lang: Lang = context.get("lang", "fr")
    if name in messages.EVENTS:
        return t(f"crisis_events.{name}", lang)
    return name


@register.filter
def chain(via: Any, hospital: HospitalMap | None = None) -> str:
    """A `via` chain as the reader follows it, by name when the map is given:
    "Transfusion sanguine ← Laboratoire ← Lien laboratoire" (ids only without it)."""
    if hospital is None:
        return " ← ".join(via or ())
    return named_chain(hospital, via or ())
