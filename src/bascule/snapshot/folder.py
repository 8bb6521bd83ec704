"""A folder of bundles: the sealing folder (with its private state) or a station folder.

    current                  name of the newest good bundle, replaced atomically, written last
    bascule-*.tar.age(...)   the bundles (see bundle.py); the last N are kept
    quarantine/              bundles the ransomware guard refused (sealing folder only)
    .bascule/                sealing state, mode 0700: sequence, guard key, baseline, lock

A bundle is complete once its signature is in place (renamed last); `current` only ever names a
complete bundle, so a crash at any moment leaves the previous bundle current and intact.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bascule.durable import (
    PRIVATE,
    SHARED,
    durable_temp,
    fsync_folder,
    publish,
    sweep_leftovers,
    write_atomically,
)
from bascule.errors import UserError
from bascule.snapshot.bundle import BundleName, remove_bundle_files, signature_path
from bascule.snapshot.freshness import format_instant
from bascule.snapshot.manifest import Seal
from bascule.snapshot.minisign import Signature, SignatureMismatch

CURRENT = "current"
CLOCK_SKEW = timedelta(minutes=1)  # how far ahead of the sealing machine the feed's clock may be
QUARANTINE = "quarantine"
STATE_FOLDER = ".bascule"
DEFAULT_KEEP = 48


@dataclass(frozen=True)
class BundleFolder:
    path: Path

    def ensure(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UserError(
                f"Cannot create the folder {self.path}: {error.strerror}.",
                fr=f"Impossible de créer le dossier {self.path} : {error.strerror}.",
            ) from None
        if not self.path.is_dir():
            raise UserError(f"{self.path} is not a folder.", fr=f"{self.path} n'est pas un dossier.")

    def bundles(self) -> list[BundleName]:
        """Complete bundles (archive and signature present), oldest first."""
        if not self.path.is_dir():
            return []
        names = {entry.name for entry in os.scandir(self.path)}
        found = [BundleName.parse(name) for name in names]
        return sorted(n for n in found if n is not None and n.signature in names)

    def incomplete(self) -> list[BundleName]:
        names = {entry.name for entry in os.scandir(self.path)} if self.path.is_dir() else set()
        found = [BundleName.parse(name) for name in names]
        return [n for n in found if n is not None and n.signature not in names]

    def current(self) -> BundleName | None:
        """The bundle `current` names if complete; else the newest complete one."""
        try:
            named = BundleName.parse((self.path / CURRENT).read_text().strip())
        except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError):
            named = None
        complete = self.bundles()
        if named is not None and named in complete:
            return named
        return complete[-1] if complete else None

    def highest_sequence(self) -> int:
        all_names = [*self.bundles(), *self.incomplete()]
        return max((n.sequence for n in all_names), default=0)

    def set_current(self, name: BundleName) -> None:
        write_atomically(self.path / CURRENT, f"{name.archive}\n".encode(), SHARED)

    def prune(self, keep: int, also_keep: frozenset[int] = frozenset()) -> list[BundleName]:
        """Keep the newest `keep` complete bundles, the current one and the sequences in `also_keep`
        (the guard's anchors: the last copy known good a day ago stays); drop crash leftovers."""
        sweep_leftovers(self.path)
        current = self.current()
        for leftover in self.incomplete():
            if current is None or leftover.sequence < current.sequence:
                remove_bundle_files(self.path, leftover)
        complete = self.bundles()
        dropped = [
            n
            for n in complete[: max(len(complete) - keep, 0)]
            if n != current and n.sequence not in also_keep
        ]
        for name in dropped:
            remove_bundle_files(self.path, name)
        return dropped

    def receive(self, source: Path, name: BundleName) -> None:
        """Copy a bundle here atomically (signature last), then point `current` at it."""
        self.ensure()
        for file_name in name.files():
            origin = source / file_name
            if not origin.exists():
                continue
            mode = PRIVATE if file_name == name.breakglass else SHARED
            with durable_temp(self.path / file_name, mode) as (stream, temp), origin.open("rb") as reader:
                while chunk := reader.read(1 << 20):
                    stream.write(chunk)
            publish(temp, self.path / file_name)
        fsync_folder(self.path)
        self.set_current(name)


def resolve_bundle(path: Path) -> Path:
    """The archive that `path` names: the archive itself, the `current` pointer, or a bundle folder
    (its `current`). A pointer that names no complete bundle is refused (exit 3)."""
    if path.is_dir():
        path = path / CURRENT
        if not path.exists():
            raise UserError(
                f"The folder {path.parent} has no {CURRENT} pointer; give a bundle or a bundle folder.",
                fr=f"Le dossier {path.parent} n'a pas de pointeur {CURRENT} ; donnez un paquet ou un dossier de paquets.",
            )
    if BundleName.parse(path.name) is not None or not path.is_file():
        return path
    try:
        named = path.read_bytes()[:200].decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        named = ""
    name = BundleName.parse(named)
    if name is None:
        if signature_path(path).exists():
            return path  # an archive under another name: its signature decides
        raise SignatureMismatch(
            f"{path} names no bundle (a pointer holds a bundle file name); it was damaged or altered.",
            fr=f"{path} ne nomme aucun paquet (un pointeur contient un nom de fichier de paquet) ; il a été endommagé ou modifié.",
        )
    archive = path.parent / name.archive
    if not archive.is_file() or not signature_path(archive).is_file():
        raise SignatureMismatch(
            f"{path} names {name.archive}, which is not a complete bundle in {path.parent}; "
            "the pointer was altered or the bundle removed.",
            fr=f"{path} nomme {name.archive}, qui n'est pas un paquet complet dans {path.parent} ; "
            "le pointeur a été modifié ou le paquet supprimé.",
        )
    return archive


class SealingFolder(BundleFolder):
    @property
    def state_folder(self) -> Path:
        return self.path / STATE_FOLDER

    @property
    def quarantine(self) -> BundleFolder:
        return BundleFolder(self.path / QUARANTINE)

    @property
    def baseline_path(self) -> Path:
        return self.state_folder / "baseline.json"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.ensure()
        self.state_folder.mkdir(mode=0o700, exist_ok=True)
        with (self.state_folder / "lock").open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UserError(
                    f"Another Bascule is sealing into {self.path} right now; wait for it to finish.",
                    fr=f"Un autre Bascule scelle dans {self.path} en ce moment ; attendez qu'il ait fini.",
                ) from None
            yield

    def last_sequence(self) -> int:
        """The highest sequence ever used here: the state file, or the bundles if it was lost."""
        try:
            remembered = int(json.loads((self.state_folder / "state.json").read_bytes())["sequence"])
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            remembered = 0
        return max(remembered, self.highest_sequence(), self.quarantine.highest_sequence())

    def previous_data_time(self) -> datetime | None:
        """The data time the current bundle was signed with (our own folder: read, not verified)."""
        current = self.current()
        if current is None:
            return None
        try:
            text = signature_path(self.path / current.archive).read_text("utf-8")
            return Seal.from_comment(
                Signature.from_text(text, current.signature).trusted_comment, ""
            ).data_time
        except (OSError, UnicodeDecodeError, UserError):
            return None

    def check_data_time(self, data_time: datetime, now: datetime) -> None:
        """Refuse (exit 2) a data time in the future of this machine or older than the last bundle's."""
        if data_time > now + CLOCK_SKEW:
            raise UserError(
                f"The store says its data is from {format_instant(data_time)}, in the future of this "
                f"machine's clock ({format_instant(now)}); fix the feed's clock or this one before sealing.",
                fr=f"La base dit que ses données datent du {format_instant(data_time)}, dans le futur de l'horloge "
                f"de cette machine ({format_instant(now)}) ; corrigez l'horloge du flux ou celle-ci avant de sceller.",
            )
        previous = self.previous_data_time()
        if previous is not None and data_time < previous:
            raise UserError(
                f"The store's data time {format_instant(data_time)} is older than the last bundle's "
                f"({format_instant(previous)}); an old store is being sealed: give the current one.",
                fr=f"La date des données de la base, {format_instant(data_time)}, est antérieure à celle du dernier paquet "
                f"({format_instant(previous)}) ; une ancienne base est scellée : donnez la base actuelle.",
            )

    def reserve_sequence(self) -> int:
        """The next sequence number, recorded before use so that it is never given twice."""
        sequence = self.last_sequence() + 1
        write_atomically(
            self.state_folder / "state.json", json.dumps({"sequence": sequence}).encode(), PRIVATE
        )
        return sequence
