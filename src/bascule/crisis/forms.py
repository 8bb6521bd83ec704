"""What the forms of the crisis application accept: each reader of a posted field either returns a
good value or raises `Refused` with the key of one sentence (crisis/messages.py), which the view
shows with a 400. Nothing is stored before every field of a post was read."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from bascule.i18n import LANGS, Lang

# A due time outside these years is a typing slip (year 1, year 9999), never a plan.
FIRST_DUE_YEAR, LAST_DUE_YEAR = 2000, 2099
_DUE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


class Refused(Exception):
    """A posted value refused: `key` names the sentence, `params` fill it."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def bounded(value: str, limit: int) -> str:
    """`value` stripped, refused when longer than `limit` characters (never silently cut)."""
    value = value.strip()
    if len(value) > limit:
        raise Refused("field_too_long", limit=limit)
    return value


def due_time(value: str) -> datetime | None:
    """A due time typed as YYYY-MM-DD HH:MM (or the browser's YYYY-MM-DDTHH:MM), in the server's
    time zone; empty means none."""
    value = value.strip()
    if not value:
        return None
    if len(value) > 40:
        raise Refused("due_invalid")
    for fmt in _DUE_FORMATS:
        try:
            naive = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if not FIRST_DUE_YEAR <= naive.year <= LAST_DUE_YEAR:
            raise Refused("due_out_of_range", first=FIRST_DUE_YEAR, last=LAST_DUE_YEAR)
        moment: datetime = timezone.make_aware(naive)
        return moment
    raise Refused("due_invalid")


def return_time(hours: str, moment: str) -> tuple[float | None, datetime | None]:
    """A return time typed as hours after the incident opened ("36", "1,5") or as a local date-time
    (YYYY-MM-DD HH:MM, the browser's YYYY-MM-DDTHH:MM); the hours win when both are given."""
    hours, moment = hours.strip().replace(",", "."), moment.strip()
    if hours:
        try:
            value = float(hours) if len(hours) <= 20 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise Refused("return_invalid")
        return value, None
    if moment:
        try:
            return None, due_time(moment)
        except Refused:
            raise Refused("return_invalid") from None
    raise Refused("return_missing")


def report_lang(value: str) -> Lang:
    """The language a report is written in: fr or en."""
    for lang in LANGS:
        if value == lang:
            return lang
    raise Refused("lang_unknown")


def uploaded_text(upload: Any, limit: int) -> str:
    """An uploaded text file of at most `limit` bytes, in UTF-8."""
    if upload.size is None or upload.size > limit:
        raise Refused("map_too_large", megabytes=limit // (1024 * 1024))
    try:
        text: str = upload.read().decode("utf-8")
    except UnicodeDecodeError:
        raise Refused("map_not_utf8") from None
    if "\x00" in text:
        raise Refused("map_not_utf8")
    return text


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with the length of the name enforced before any password check:
    django-axes stores the name it counts (255 characters at most in its table)."""

    def clean_username(self) -> str:
        name: str = self.cleaned_data.get("username") or ""
        if len(name) > 150:
            raise ValidationError("too long", code="invalid_login")
        return name
