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
from bascule.incident.sitrep import role_name as sitrep_role_name

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


@register.simple_tag(takes_context=True)
def role_name(context: Any, role: str) -> str:
    """An account's role in the reader's words ("director" → "direction")."""
    lang: Lang = context.get("lang", "fr")
    return sitrep_role_name(role, lang)


@register.simple_tag(takes_context=True)
def node_kind(context: Any, kind: str) -> str:
    """What a node is in the reader's words ("server" → "serveur"); a kind the app does not know
    is the map's own word, shown as it is."""
    lang: Lang = context.get("lang", "fr")
    return t(f"crisis.nodekind_{kind}", lang) if f"nodekind_{kind}" in messages.MESSAGES else kind


_KIND_VALUES = ("node", "segment", "supplier")
_STATUS_VALUES = ("open", "in_progress", "done", "cancelled")


@register.simple_tag(takes_context=True)
def details(context: Any, payload: Any) -> str:
    """A journal entry's payload as "key=value" pairs in the reader's words (ids stay as they are)."""
    lang: Lang = context.get("lang", "fr")
    parts = []
    for key, value in dict(payload or {}).items():
        name = t(f"crisis_payload.{key}", lang) if key in messages.PAYLOAD_KEYS else key
        if value is None:
            shown = "—"
        elif key == "role":
            shown = sitrep_role_name(str(value), lang)
        elif key == "kind" and value in _KIND_VALUES:
            shown = t(f"sitrep.kind_{value}", lang)
        elif key == "status" and value in _STATUS_VALUES:
            shown = t(f"sitrep.act_{value}", lang)
        elif isinstance(value, list | tuple):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = str(value)
        parts.append(f"{name}={shown}")
    return " ".join(parts)


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """`mapping[key]`, or None (templates cannot index a dict by a variable)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
