"""What `snapshot import` and `snapshot pull` say when done: human lines, or one JSON document.

The JSON document (`--json`) is a contract; fields are added, never renamed:

    {"imported": N, "skipped": {TYPE: N}, "rejected": [{"line", "type", "id", "reason"}],
     "data_time": ISO | null, "rejected_total": N, "warnings": [{"line", "type", "id", "reason"}],
     "warnings_total": N, "written": N, "unchanged": N, "data_time_source": "transactionTime" |
     "stated" (--data-time) | "lastUpdated" | null, "store_data_time": ISO | null}

`imported` counts the resources kept (written or already held), `rejected` lists the first rejects
(`rejected_total` counts them all), `line` is "FILE:LINE" for an import and null for a pull,
`data_time` is the source's time of this data (null: the source gave none and the store's data time
was left as it was), `written` the rows that changed and `unchanged` the records the store already
held the same or newer. A pull adds `removed` and `not_served`. Reasons name fields, never values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from rich.console import Console

from bascule import i18n
from bascule.i18n import Lang, t
from bascule.snapshot.store import Reject, WriteResult

i18n.register(
    "intake",
    {
        "rejected": {
            "fr": "Rejeté : {kind} {id} — {reason}{where}",
            "en": "Rejected: {kind} {id} — {reason}{where}",
        },
        "more_rejects": {"fr": "… et {count} autre(s) rejet(s).", "en": "… and {count} more rejected."},
        "warned": {
            "fr": "Gardé avec un doute : {kind} {id} — {reason}{where}",
            "en": "Kept with a doubt: {kind} {id} — {reason}{where}",
        },
        "more_warnings": {
            "fr": "… et {count} autre(s) doute(s).",
            "en": "… and {count} more kept with a doubt.",
        },
        "skipped": {
            "fr": "Ignorés (types que Bascule n'utilise pas) : {types}.",
            "en": "Skipped (types Bascule does not use): {types}.",
        },
        "written": {
            "fr": "{written} enregistrement(s) modifié(s), {unchanged} déjà à jour ou plus récent(s) dans le magasin.",
            "en": "{written} record(s) changed, {unchanged} already held the same or newer.",
        },
        "source_time": {
            "fr": "Heure des données ({what}) : {time}.",
            "en": "Time of the data ({what}): {time}.",
        },
        "no_data_time_yet": {
            "fr": "Le magasin n'a pas encore d'heure de données : il ne peut pas être scellé. Importez "
            "l'export avec son manifeste $export, ou dites quand il a été pris (--data-time).",
            "en": "The store has no data time yet, so it cannot be sealed: import the export with its $export "
            "manifest, or state when it was taken (--data-time).",
        },
        "no_source_time": {
            "fr": "La source ne donne pas l'heure de ses données (ni transactionTime, ni meta.lastUpdated) : "
            "l'heure des données du magasin reste celle d'avant.",
            "en": "The source gives no time for its data (no transactionTime, no meta.lastUpdated): "
            "the store's data time is left as it was.",
        },
    },
)


def local_time(moment: datetime, zone: tzinfo, now: datetime | None = None) -> str:
    """A time as the hospital reads it: its own zone, day/month, with the year only when it is not
    this year's ("10/03 08:00 CET", "28/12/2025 23:10 CET")."""
    local = moment.astimezone(zone)
    this_year = (now or datetime.now(UTC)).astimezone(zone).year
    day = f"{local:%d/%m}" if local.year == this_year else f"{local:%d/%m/%Y}"
    return f"{day} {local:%H:%M} {local:%Z}".rstrip()


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _notes(notes: Sequence[Reject]) -> list[dict[str, Any]]:
    return [
        {"line": note.line, "type": note.resource_type, "id": note.resource_id, "reason": note.reason}
        for note in notes
    ]


def feed_document(
    *,
    kept: int,
    skipped: Mapping[str, int],
    rejects: Sequence[Reject],
    rejected: int,
    warnings: Sequence[Reject],
    warned: int,
    written: WriteResult,
    data_time: datetime | None,
    data_time_from: str | None,
    store_data_time: datetime | None,
) -> dict[str, Any]:
    """The JSON document of an import or a pull (the module docstring's contract)."""
    return {
        "imported": kept,
        "skipped": dict(sorted(skipped.items())),
        "rejected": _notes(rejects),
        "data_time": _iso(data_time),
        "rejected_total": rejected,
        "warnings": _notes(warnings),
        "warnings_total": warned,
        "written": written.total_written,
        "unchanged": written.skipped_older,
        "data_time_source": data_time_from,
        "store_data_time": _iso(store_data_time),
    }


def _where(note: Reject) -> str:
    return f" ({note.line})" if note.line else ""


def print_notes(
    notes: Sequence[Reject],
    total: int,
    console: Console,
    lang: Lang,
    *,
    doubts: bool = False,
    limit: int = 20,
) -> None:
    """The first rejects (or doubts) one line each, then how many more there were."""
    for note in notes[:limit]:
        console.print(
            t(
                "intake.warned" if doubts else "intake.rejected",
                lang,
                kind=note.resource_type,
                id=note.resource_id or "?",
                reason=note.reason,
                where=_where(note),
            ),
            markup=False,
        )
    shown = min(limit, len(notes))
    if total > shown:
        console.print(
            t("intake.more_warnings" if doubts else "intake.more_rejects", lang, count=total - shown)
        )


def print_outcome(
    *,
    skipped: Mapping[str, int],
    written: WriteResult,
    data_time: datetime | None,
    data_time_from: str | None,
    store_data_time: datetime | None,
    zone: tzinfo,
    console: Console,
    lang: Lang,
    import_hint: bool = False,
) -> None:
    """What was skipped, what changed, and the source's time of the data (or that it gave none)."""
    if skipped:
        types = ", ".join(f"{kind} {count}" for kind, count in sorted(skipped.items()))
        console.print(t("intake.skipped", lang, types=types), markup=False)
    console.print(t("intake.written", lang, written=written.total_written, unchanged=written.skipped_older))
    if data_time is None:
        console.print(t("intake.no_source_time", lang), style="yellow")
        if store_data_time is None and import_hint:
            console.print(t("intake.no_data_time_yet", lang), style="yellow")
    else:
        what = _TIME_SOURCES.get(data_time_from or "", "meta.lastUpdated")
        console.print(t("intake.source_time", lang, what=what, time=local_time(data_time, zone)))


_TIME_SOURCES = {
    "transactionTime": "transactionTime",
    "stated": "--data-time",
    "lastUpdated": "meta.lastUpdated",
}
