"""Adapters: the facts readiness needs from station folders and a kits folder, read without opening
anything sealed (a station's private state is plain JSON; a kit's printing time is in its PDF's
document information).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from bascule.errors import NotFoundError, UserError
from bascule.readiness.upkeep import KitFacts, StationFacts
from bascule.station.state import Layout, load_state

# ReportLab writes `/CreationDate (D:20261206085233+00'00')` in every PDF's information dictionary.
_CREATION_DATE = re.compile(rb"/CreationDate \(D:(\d{14})(?:([+-])(\d\d)'(\d\d)'?|Z)?")
KIT_PATTERN = "kit-*.pdf"


def read_station(folder: Path) -> StationFacts:
    """The data time of the bundle the station verified last and the newer bundles it quarantined;
    a folder that does not exist or is not a station is one sentence (exit 2)."""
    state = load_state(Layout(folder))
    in_use = state.marks.get(state.accepted_key) if state.accepted_key else None
    newest = in_use.sequence if in_use else 0
    quarantined = tuple(
        str(entry.get("bundle"))
        for entry in state.quarantine
        if isinstance(entry, dict) and int(entry.get("sequence", 0)) > newest
    )
    return StationFacts(str(folder), in_use.data_time if in_use else None, quarantined)


def read_kits(folder: Path) -> list[KitFacts]:
    """Every kit PDF in the folder and when it was printed (its recorded creation date, else the
    file's modification time)."""
    if not folder.is_dir():
        raise NotFoundError(
            f"The kits folder {folder} does not exist; give the folder bascule kits --out printed into.",
            fr=f"Le dossier de kits {folder} n'existe pas ; donnez le dossier où bascule kits --out a imprimé.",
        )
    kits = []
    try:
        for path in sorted(folder.glob(KIT_PATTERN)):
            kits.append(KitFacts(path.name, printed_at(path)))
    except OSError as error:
        raise UserError(
            f"Cannot read the kits in {folder}: {error.strerror}.",
            fr=f"Impossible de lire les kits de {folder} : {error.strerror}.",
        ) from None
    return kits


def printed_at(path: Path) -> datetime:
    """When the kit was printed: the PDF's own creation date, else the file's modification time."""
    with path.open("rb") as stream:
        recorded = creation_date(stream.read())
    return recorded or datetime.fromtimestamp(path.stat().st_mtime, UTC)


def creation_date(pdf: bytes) -> datetime | None:
    """The creation date a PDF records (the last one, as an incremental update would leave it)."""
    found = list(_CREATION_DATE.finditer(pdf))
    if not found:
        return None
    digits, sign, hours, minutes = found[-1].groups()
    try:
        moment = datetime.strptime(digits.decode(), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    offset = timedelta(0)
    if sign is not None:
        offset = timedelta(hours=int(hours), minutes=int(minutes)) * (-1 if sign == b"-" else 1)
    return moment.replace(tzinfo=timezone(offset)).astimezone(UTC)
