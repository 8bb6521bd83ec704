"""The demo incident: the embedded demo hospital hit by one of its scenarios, ready to be shown."""

from __future__ import annotations

from bascule.crisis.models import Account
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Role
from bascule.hospital.loading import DEMO, demo_map_path, load_map
from bascule.i18n import Lang
from bascule.incident import hits
from bascule.incident.model import Incident
from bascule.scenario import load_scenario

DEMO_ACTOR = "bascule-demo"


def demo_incident(scenario_name: str, lang: Lang) -> Incident:
    """The open demo incident of this scenario, opened with its hits on first call."""
    hospital = load_map(DEMO)
    scenario = load_scenario(scenario_name, hospital)
    title = scenario.title_in(lang) or scenario_name
    for existing in STORE.repository.all_incidents():
        if existing.title == title and existing.map_source == DEMO and existing.closed_at is None:
            return existing
    # The demo's author can never sign in: no password is set, the account is inactive.
    author, created = Account.objects.get_or_create(
        username=DEMO_ACTOR, defaults={"role": Role.OBSERVER, "is_active": False}
    )
    if created:
        author.set_unusable_password()
        author.save()
    text = demo_map_path().read_text(encoding="utf-8")
    return hits.open_incident(STORE, DEMO_ACTOR, title, DEMO, text, scenario)
