"""`station check`: pick the newest bundle of the inbox that verifies, keep a private copy of it,
and say which bundle the station uses, how old its data is, and why the others were refused.

Exit codes as `snapshot verify`: 0 good; 3 refused (a newer bundle than the one in use was forged,
altered or replayed, or none verifies); 4 stale, or no bundle yet; 5 the newest bundle offered was
quarantined by the ransomware guard.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bascule.durable import held_lock
from bascule.errors import UserError
from bascule.snapshot.bundle import BundleName, signature_path
from bascule.snapshot.durable import durable_temp, fsync_folder, publish
from bascule.snapshot.folder import BundleFolder
from bascule.snapshot.freshness import format_instant
from bascule.snapshot.manifest import Seal
from bascule.snapshot.minisign import SignatureMismatch
from bascule.snapshot.verify import EXIT_QUARANTINED, EXIT_STALE, check_not_future
from bascule.station.rotation import read_statement, statements_in
from bascule.station.state import Layout, StationState, StationStateError, load_state, save_state
from bascule.station.trust import check_not_rolled_back, mark_of, verify_pinned

EXIT_REFUSED = 3
DEFAULT_MAX_AGE = timedelta(hours=2)


@dataclass(frozen=True)
class Refusal:
    bundle: str
    sequence: int
    reason: str
    exit_code: int
    statement: bool = False  # a key rotation statement, not a bundle: refusing one is always an alarm


@dataclass(frozen=True)
class Rotation:
    """A key this check started trusting, and the pinned key that vouched for it."""

    key_id: str
    signer: str
    retired_signer: bool


@dataclass(frozen=True)
class StationReport:
    root: Path
    archive: Path | None  # the station's own copy of the bundle in use
    seal: Seal | None
    key_id: str | None
    age: timedelta | None
    max_age: timedelta
    refused: tuple[Refusal, ...]
    identity: Path
    rotations: tuple[Rotation, ...] = ()

    @property
    def stale(self) -> bool:
        return self.age is None or self.age > self.max_age

    @property
    def newer_refused(self) -> list[Refusal]:
        """Refusals of bundles newer than the one in use: something is wrong upstream."""
        in_use = self.seal.sequence if self.seal else 0
        return [refusal for refusal in self.refused if refusal.statement or refusal.sequence > in_use]

    @property
    def exit_code(self) -> int:
        newer = self.newer_refused
        if newer:
            return newer[0].exit_code
        return EXIT_STALE if self.stale else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "bundle": self.archive.name if self.archive else None,
            "sequence": self.seal.sequence if self.seal else None,
            "data_time": format_instant(self.seal.data_time) if self.seal else None,
            "age_seconds": int(self.age.total_seconds()) if self.age is not None else None,
            "max_age_seconds": int(self.max_age.total_seconds()),
            "key": self.key_id,
            "refused": [{"bundle": r.bundle, "reason": r.reason} for r in self.refused],
            "trusted": [
                {"key": r.key_id, "signed_by": r.signer, "retired_signer": r.retired_signer}
                for r in self.rotations
            ],
        }


def check_station(
    root: Path, max_age: timedelta = DEFAULT_MAX_AGE, now: datetime | None = None
) -> StationReport:
    layout = Layout(root)
    load_state(layout)  # not a station, or an exposed one: refused before anything is created
    # The viewer's watcher and a `station check` run by hand (or cron) may check at once: one at a
    # time, so neither saves a state the other has just superseded.
    with held_lock(layout.private / "check.lock"):
        return _check_locked(layout, root, max_age, now)


def _check_locked(layout: Layout, root: Path, max_age: timedelta, now: datetime | None) -> StationReport:
    state = load_state(layout)
    own = _own_copy(layout, state)
    refused: list[Refusal] = []
    rotations = _apply_rotations(layout, state, refused)
    offered = sorted(BundleFolder(layout.inbox).bundles(), reverse=True)
    in_use = own.sequence if own else 0
    for name in offered:
        if name.sequence < in_use or (
            own is not None and name.sequence == in_use and name.archive == state.accepted
        ):
            continue  # superseded: not worth a signature check each time
        archive = layout.inbox / name.archive
        try:
            seal, key_id = verify_pinned(archive, state.pinned)
            _check_usable(seal, key_id, state, name.archive)
            check_not_future(seal, (now or datetime.now(UTC)) - seal.data_time, name.archive)
        except UserError as error:
            code = error.exit_code if error.exit_code in (EXIT_REFUSED, EXIT_QUARANTINED) else EXIT_REFUSED
            refused.append(Refusal(name.archive, name.sequence, str(error), code))
            if code == EXIT_QUARANTINED:
                _remember_quarantine(state, name)
            continue
        _accept(layout, state, archive, seal, key_id)
        own = seal
        break
    save_state(layout, state)
    for name in offered:  # older bundles left in the inbox are never used: say so
        if own is not None and name.sequence < own.sequence:
            refused.append(
                Refusal(name.archive, name.sequence, f"older than bundle {own.sequence} in use", EXIT_REFUSED)
            )
    in_use_copy = layout.copy / state.accepted if state.accepted else None
    age = (now or datetime.now(UTC)) - own.data_time if own else None
    return StationReport(
        root,
        in_use_copy,
        own,
        state.accepted_key,
        age,
        max_age,
        tuple(refused),
        layout.identity,
        tuple(rotations),
    )


def _apply_rotations(layout: Layout, state: StationState, refused: list[Refusal]) -> list[Rotation]:
    """Pin the keys that statements in the inbox vouch for; a statement may vouch for the signer of
    the next one, so repeat until nothing changes."""
    applied = {str(entry.get("digest")) for entry in state.rotations}
    done: list[Rotation] = []
    failures: dict[str, str] = {}
    progress = True
    while progress:
        progress = False
        for path in statements_in(layout.inbox):
            if hashlib.sha256(_read(path)).hexdigest() in applied:
                continue
            try:
                statement = read_statement(path, state.pinned, state.hospital)
                if statement.key_id in state.retired:
                    raise SignatureMismatch(
                        f"{path.name} would trust key {statement.key_id} again, which was retired: refused.",
                        fr=f"{path.name} ferait de nouveau confiance à la clé {statement.key_id}, qui a été retirée : refusé.",
                    )
            except UserError as error:
                failures[path.name] = str(error)
                continue
            failures.pop(path.name, None)
            state.pinned[statement.key_id] = statement.key
            if statement.retires_signer:
                state.retired[statement.signer] = state.pinned.pop(statement.signer)
            state.rotations.append(
                {
                    "digest": statement.digest,
                    "key": statement.key_id,
                    "signed_by": statement.signer,
                    "retired_signer": statement.retires_signer,
                    "issued_at": format_instant(statement.issued_at),
                }
            )
            applied.add(statement.digest)
            done.append(Rotation(statement.key_id, statement.signer, statement.retires_signer))
            progress = True
    if done:
        save_state(layout, state)
    refused.extend(
        Refusal(name, 0, reason, EXIT_REFUSED, statement=True) for name, reason in failures.items()
    )
    return done


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _check_usable(seal: Seal, key_id: str, state: StationState, source: str) -> None:
    if seal.hospital != state.hospital:
        raise SignatureMismatch(
            f"{source} is a bundle of hospital {seal.hospital}, this station serves {state.hospital}: do not use it.",
            fr=f"{source} est un paquet de l'hôpital {seal.hospital}, ce poste sert {state.hospital} : ne l'utilisez pas.",
        )
    if seal.quarantined:
        raise UserError(
            f"{source} was quarantined by the ransomware guard when sealed; it is not a good snapshot.",
            exit_code=EXIT_QUARANTINED,
            fr=f"{source} a été mis en quarantaine par la garde anti-rançongiciel au scellement ; ce n'est pas un bon instantané.",
        )
    check_not_rolled_back(seal, key_id, state, source)


def _own_copy(layout: Layout, state: StationState) -> Seal | None:
    """The bundle the station accepted last, checked again against the pinned keys and the state."""
    if state.accepted is None or state.accepted_key is None:
        return None
    archive = layout.copy / state.accepted
    try:
        seal, key_id = verify_pinned(archive, {**state.retired, **state.pinned})
    except UserError:
        raise StationStateError(
            f"The station's own copy {state.accepted} is missing or altered; make a new station with "
            "bascule station init and check who changed this one.",
            fr=f"La copie propre du poste {state.accepted} manque ou a été modifiée ; créez un nouveau poste avec "
            "bascule station init et cherchez qui a modifié celui-ci.",
        ) from None
    mark = state.marks[state.accepted_key]
    if key_id != state.accepted_key or (seal.sequence, seal.store_sha256) != (mark.sequence, mark.sha256):
        raise StationStateError(
            f"The station state does not match its own copy {state.accepted}: the state was altered; make a "
            "new station with bascule station init.",
            fr=f"L'état du poste ne correspond pas à sa propre copie {state.accepted} : l'état a été modifié ; créez un "
            "nouveau poste avec bascule station init.",
        )
    return seal


def _accept(layout: Layout, state: StationState, archive: Path, seal: Seal, key_id: str) -> None:
    """Copy the bundle into the private folder (signature last), then record it; drop the old copy."""
    layout.copy.mkdir(mode=0o700, exist_ok=True)
    for source in (archive, signature_path(archive)):
        with durable_temp(layout.copy / source.name, 0o600) as (stream, temp), source.open("rb") as reader:
            while chunk := reader.read(1 << 20):
                stream.write(chunk)
        publish(temp, layout.copy / source.name)
    fsync_folder(layout.copy)
    previous = state.accepted
    state.marks[key_id] = mark_of(seal)
    state.accepted, state.accepted_key = archive.name, key_id
    save_state(layout, state)
    if previous and previous != archive.name:
        for stale in (layout.copy / previous, signature_path(layout.copy / previous)):
            stale.unlink(missing_ok=True)


def _remember_quarantine(state: StationState, name: BundleName) -> None:
    if all(entry.get("bundle") != name.archive for entry in state.quarantine):
        state.quarantine.append({"bundle": name.archive, "sequence": name.sequence})
