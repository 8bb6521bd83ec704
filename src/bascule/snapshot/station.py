"""A downtime station's folder: which bundle is current, and is it fresh enough to care with?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bascule.errors import NotFoundError
from bascule.snapshot.bundle import BundleName
from bascule.snapshot.folder import BundleFolder
from bascule.snapshot.manifest import Seal
from bascule.snapshot.minisign import PublicKey
from bascule.snapshot.verify import check_signature

DEFAULT_MAX_AGE = timedelta(hours=2)


@dataclass(frozen=True)
class StationStatus:
    folder: Path
    bundle: BundleName | None
    seal: Seal | None
    signature_checked: bool
    age: timedelta | None
    max_age: timedelta

    @property
    def stale(self) -> bool:
        return self.age is None or self.age > self.max_age


def station_status(
    folder: Path,
    public_key: PublicKey,
    max_age: timedelta = DEFAULT_MAX_AGE,
    now: datetime | None = None,
) -> StationStatus:
    """Which bundle is current and how old its data is, its signature checked against `public_key`
    (there is no unchecked way to read a bundle's facts)."""
    if not folder.is_dir():
        raise NotFoundError(
            f"The station folder {folder} does not exist.", fr=f"Le dossier de poste {folder} n'existe pas."
        )
    bundle = BundleFolder(folder).current()
    if bundle is None:
        return StationStatus(folder, None, None, False, None, max_age)
    archive = folder / bundle.archive
    seal = check_signature(archive, public_key)
    age = (now or datetime.now(UTC)) - seal.data_time
    return StationStatus(folder, bundle, seal, True, age, max_age)
