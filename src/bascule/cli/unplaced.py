"""After a refresh, how many patients with a current stay are placed in no care unit.

One line for the person at the console (a count); the log names the stays by id only."""

from __future__ import annotations

import logging
from pathlib import Path

from rich.console import Console

from bascule import i18n
from bascule.i18n import Lang, t
from bascule.snapshot.store import ContinuityStore

i18n.register(
    "unplaced_feed",
    {
        "count": {
            "fr": "{count} patient(s) avec un séjour en cours placé(s) dans aucune unité : chaque kit "
            "les liste en page « Patients non placés ».",
            "en": "{count} patient(s) with a current stay placed in no unit: every kit lists them on "
            'its "Patients not placed" page.',
        },
        "orphans": {
            "fr": "{count} séjour(s) en cours dont le patient manque dans la source : sur aucun "
            "recensement ; identifiants dans le journal, à vérifier dans le dossier source.",
            "en": "{count} current stay(s) whose patient the source did not send: on no census; "
            "ids in the log, to check in the source record.",
        },
    },
)

_log = logging.getLogger("bascule.census")
_LOGGED_IDS = 50


def report_unplaced(store_path: Path, console: Console, lang: Lang) -> int:
    """Print how many patients are not placed (nothing if none); return that number."""
    with ContinuityStore.open(store_path, readonly=True) as store:
        stay_ids = store.unplaced_stay_ids()
        orphans = store.stays_without_patient()
    if orphans:
        console.print(t("unplaced_feed.orphans", lang, count=len(orphans)), style="yellow")
        _log.warning(
            "current stays without their patient: %s%s",
            ", ".join(orphans[:_LOGGED_IDS]),
            " ..." if len(orphans) > _LOGGED_IDS else "",
        )
    if stay_ids:
        console.print(t("unplaced_feed.count", lang, count=len(stay_ids)), style="yellow")
        _log.warning(
            "stays placed in no care unit: %s%s",
            ", ".join(stay_ids[:_LOGGED_IDS]),
            " ..." if len(stay_ids) > _LOGGED_IDS else "",
        )
    return len(stay_ids)
