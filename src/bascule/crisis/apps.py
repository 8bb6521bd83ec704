"""Django's view of the crisis application."""

from __future__ import annotations

from django.apps import AppConfig


class CrisisConfig(AppConfig):
    name = "bascule.crisis"
    label = "crisis"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Bascule crisis cell"
