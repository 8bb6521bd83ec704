"""What every template knows: the reader's language, role and the time of the page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone


def crisis_context(request: HttpRequest) -> dict[str, Any]:
    return {"lang": getattr(request, "crisis_lang", "fr"), "now": timezone.now()}
