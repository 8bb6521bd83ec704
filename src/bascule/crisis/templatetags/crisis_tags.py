"""Template helpers: `{% tr "key" %}` in the reader's language, status labels and classes."""

from __future__ import annotations

from typing import Any

from django import template

from bascule.crisis import messages  # noqa: F401  (registers the catalogue)
from bascule.i18n import Lang, t

register = template.Library()


@register.simple_tag(takes_context=True)
def tr(context: Any, key: str, **params: object) -> str:
    lang: Lang = context.get("lang", "fr")
    return t(f"crisis.{key}", lang, **params)


@register.filter
def chain(via: Any) -> str:
    """A `via` chain as the reader follows it: "transfusion ← lims ← pathlab-link"."""
    return " ← ".join(via or ())
