"""The demo incident: the embedded demo hospital hit by one of its scenarios, ready to be shown."""

from __future__ import annotations

import hashlib

from bascule.crisis import journal_store
from bascule.crisis.models import Account, Hit, Incident
from bascule.crisis.roles import Role
from bascule.hospital.loading import DEMO, demo_map_path, load_map
from bascule.i18n import Lang
from bascule.scenario import load_scenario

DEMO_ACTOR = "bascule-demo"


def demo_incident(scenario_name: str, lang: Lang) -> Incident:
    """The open demo incident of this scenario, created with its hits on first call."""
    hospital = load_map(DEMO)
    scenario = load_scenario(scenario_name, hospital)
    title = scenario.title_in(lang) or scenario_name
    existing: Incident | None = Incident.objects.filter(
        title=title, map_source=DEMO, closed_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    # The demo's author can never sign in: no password is set, the account is inactive.
    author, created = Account.objects.get_or_create(
        username=DEMO_ACTOR, defaults={"role": Role.OBSERVER, "is_active": False}
    )
    if created:
        author.set_unusable_password()
        author.save()
    text = demo_map_path().read_text(encoding="utf-8")
    incident: Incident = Incident.objects.create(
        title=title,
        map_source=DEMO,
        map_text=text,
        map_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        lang=lang,
        opened_by=author,
        reconnect=dict(scenario.reconnect),
        supplier_back=dict(scenario.supplier_back),
    )
    journal_store.append("incident.opened", DEMO_ACTOR, incident.pk, {"map_sha256": incident.map_sha256})
    hits = [(Hit.NODE, n) for n in scenario.down] + [(Hit.SEGMENT, s) for s in scenario.isolate]
    hits += [(Hit.SUPPLIER, s) for s in scenario.suppliers]
    for kind, target in hits:
        Hit.objects.create(incident=incident, kind=kind, target=target, declared_by=author)
        name = "isolation.confirmed" if kind == Hit.SEGMENT else "hit.declared"
        journal_store.append(name, DEMO_ACTOR, incident.pk, {"kind": kind, "target": target})
    incident.bump()
    return incident
