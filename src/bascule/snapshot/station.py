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
from bascule.snapshot.verify import check_signature, read_signature

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
    max_age: timedelta = DEFAULT_MAX_AGE,
    public_key: PublicKey | None = None,
    now: datetime | None = None,
) -> StationStatus:
    if not folder.is_dir():
        raise NotFoundError(f"The station folder {folder} does not exist.")
    bundle = BundleFolder(folder).current()
    if bundle is None:
        return StationStatus(folder, None, None, False, None, max_age)
    archive = folder / bundle.archive
    if public_key is not None:
        seal = check_signature(archive, public_key)
    else:
        seal = Seal.from_comment(read_signature(archive).trusted_comment, bundle.archive)
    age = (now or datetime.now(UTC)) - seal.data_time
    return StationStatus(folder, bundle, seal, public_key is not None, age, max_age)
