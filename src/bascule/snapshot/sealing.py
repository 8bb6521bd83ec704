"""Seal the continuity store into a bundle: copy, census, guard, encrypt, sign, publish.

Order of publication (each step durable before the next): break-glass file, archive, signature
(the bundle is complete from here), then `current`, then the guard's baseline and anchor, then
pruning. The guard's state lives in the folder's private state: `baseline.json` (the last good
bundle), `anchor.json` (a good bundle at least 24 h old, or the first) and `anchor-next.json` (the
anchor to be); the anchor files are never pruned. A
refresh the guard refuses is sealed the same way into quarantine/ and never becomes current.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pyrage

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
from bascule.snapshot.age_format import RecipientError, recipient_bytes
from bascule.snapshot.archive_writer import write_archive, write_failure
from bascule.snapshot.bundle import BreakGlass, BundleName, remove_bundle_files
from bascule.snapshot.census import DEFAULT_SCHEME, Census, Profile, StoreMeta, StoreSnapshot, take_census
from bascule.snapshot.folder import DEFAULT_KEEP, SealingFolder
from bascule.snapshot.guard import Baseline, GuardPolicy, Verdict, anchor_step, judge
from bascule.snapshot.manifest import Manifest, Seal
from bascule.snapshot.minisign import SecretKey
from bascule.snapshot.schema import schema_columns


@dataclass(frozen=True)
class SealRequest:
    store: Path
    recipients: tuple[pyrage.x25519.Recipient, ...]
    signing_key: SecretKey
    out: Path
    breakglass: BreakGlass | None = None
    keep: int = DEFAULT_KEEP
    policy: GuardPolicy = field(default_factory=GuardPolicy)
    hospital: str | None = None  # when the store's meta has no hospital_id

    def __post_init__(self) -> None:
        if not self.recipients:
            raise ValueError("a bundle is sealed to at least one recipient")
        if self.keep < 1:
            raise ValueError("keep at least one bundle")


@dataclass(frozen=True)
class SealOutcome:
    name: BundleName
    folder: Path
    manifest: Manifest
    verdict: Verdict
    archive_size: int

    @property
    def archive(self) -> Path:
        return self.folder / self.name.archive

    @property
    def quarantined(self) -> bool:
        return self.verdict.quarantine


_MEMORY_FOLDER = Path("/dev/shm")


def _scratch_location(folder: SealingFolder, store: Path) -> Path:
    """Where the plaintext copy goes: a private folder in memory (tmpfs) when the store fits with
    room to spare, else the sealing folder's private state.

    In memory the copy never reaches a disk (plaintext patient data stays off persistent storage,
    and a 1 GB copy no longer waits on write-back); its name is derived from the sealing folder,
    so a killed sealer's leftovers are swept by the next seal of that folder, under its lock.
    """
    needed = sum(p.stat().st_size for p in (store, Path(f"{store}-wal")) if p.exists())
    in_memory = _MEMORY_FOLDER.is_dir() and os.access(_MEMORY_FOLDER, os.W_OK)
    if in_memory and shutil.disk_usage(_MEMORY_FOLDER).free > 2 * needed + 64 * 2**20:
        tag = hashlib.sha256(str(folder.state_folder.resolve()).encode()).hexdigest()[:16]
        return _MEMORY_FOLDER / f"bascule-scratch-{tag}"
    return folder.state_folder / "scratch"


@contextlib.contextmanager
def _private_scratch(folder: SealingFolder, store: Path) -> Iterator[Path]:
    """Scratch space for the plaintext copy (mode 0700), held under the folder's lock, so
    whatever a killed sealer left there is swept first."""
    shutil.rmtree(folder.state_folder / "scratch", ignore_errors=True)
    sweep_leftovers(folder.path)  # a killed sealer's half-written bundle files
    scratch = _scratch_location(folder, store)
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(mode=0o700)
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def seal(request: SealRequest, now: datetime | None = None) -> SealOutcome:
    recipients = [*request.recipients, *([request.breakglass.recipient] if request.breakglass else [])]
    recipient_keys = [_recipient_key(recipient) for recipient in recipients]  # before anything is touched
    folder = SealingFolder(request.out)
    with folder.locked(), _private_scratch(folder, request.store) as scratch:
        copy = scratch / "store.sqlite"
        # One read transaction on the (possibly live) store, held only for the copy: its WAL can
        # be folded back as soon as the copy is made.
        with StoreSnapshot(request.store) as snapshot:
            meta = snapshot.meta(str(request.store), request.hospital)  # refuses a non-store first
            folder.check_data_time(meta.data_time, now or datetime.now(UTC))
            snapshot.copy_to(copy)
        baseline = Baseline.load(folder.baseline_path)
        key = baseline.key if baseline is not None else Baseline.new_key()
        anchors = _Anchors(folder)
        # The census reads the copy while it is encrypted; the manifest waits for it.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="census") as pool:
            census = pool.submit(
                take_census,
                copy,
                key,
                str(request.store),
                baseline.fingerprints if baseline else None,
                baseline.garbled if baseline else frozenset(),
                request.hospital,
                baseline.scheme if baseline else DEFAULT_SCHEME,
                _columns_compared(baseline),
                _profile(baseline, anchors),
            )
            try:
                return _write_bundle(
                    request,
                    recipient_keys,
                    folder,
                    copy,
                    meta,
                    census,
                    baseline,
                    key,
                    anchors,
                    now or datetime.now(UTC),
                )
            finally:
                census.cancel()


@dataclass
class _Anchors:
    """The guard's long-lived references, kept in the folder's private state."""

    anchor_path: Path
    candidate_path: Path
    anchor: Baseline | None

    def __init__(self, folder: SealingFolder) -> None:
        self.anchor_path = folder.state_folder / "anchor.json"
        self.candidate_path = folder.state_folder / "anchor-next.json"
        self.when_path = folder.state_folder / "anchor-next.when"
        self.anchor = Baseline.load(self.anchor_path)
        self._candidate_when: tuple[int, datetime | None] | Literal[False] | None = False

    @property
    def candidate_when(self) -> tuple[int, datetime | None] | None:
        """The anchor to be's sequence and sealing time, read from a small file beside it: its
        fingerprints are read only on the day it becomes the anchor."""
        if self._candidate_when is False:
            self._candidate_when = _read_when(self.when_path, self.candidate_path)
        return self._candidate_when

    @property
    def sequences(self) -> frozenset[int]:
        """The bundles the anchors describe: never pruned, so the anchor can also be restored."""
        when = self.candidate_when
        return frozenset([*([self.anchor.sequence] if self.anchor else []), *([when[0]] if when else [])])

    def advance(self, sealed: Baseline, now: datetime) -> None:
        when = self.candidate_when
        step = anchor_step(self.anchor is not None, False if when is None else when[1], now)
        if step == "anchor":
            self.anchor = sealed
            sealed.save(self.anchor_path)
        elif step == "candidate":
            self._save_candidate(sealed)
        elif step == "promote":
            promoted = Baseline.load(self.candidate_path)
            if promoted is not None:
                promoted.save(self.anchor_path)
                self.anchor = promoted
            self._save_candidate(sealed)

    def _save_candidate(self, sealed: Baseline) -> None:
        # The small file goes first and comes back last: a disk that fills up in between leaves none,
        # and the next seal reads the candidate itself rather than a stale summary of another one.
        self.when_path.unlink(missing_ok=True)
        sealed.save(self.candidate_path)
        stamp = sealed.sealed_at.isoformat() if sealed.sealed_at else ""
        write_atomically(self.when_path, f"{sealed.sequence} {stamp}\n".encode(), PRIVATE)
        self._candidate_when = (sealed.sequence, sealed.sealed_at)


def _read_when(when_path: Path, candidate_path: Path) -> tuple[int, datetime | None] | None:
    try:
        sequence, _, stamp = when_path.read_text().strip().partition(" ")
        return int(sequence), datetime.fromisoformat(stamp) if stamp else None
    except FileNotFoundError:
        candidate = Baseline.load(candidate_path)  # a folder sealed before the small file existed
        return (candidate.sequence, candidate.sealed_at) if candidate else None
    except (OSError, ValueError):
        return None


def _profile(baseline: Baseline | None, anchors: _Anchors) -> Profile | None:
    """How each column's text is shaped: the anchor's (first made when the folder was), so that
    garbling in steps cannot teach the guard that garbled text is usual."""
    for reference in (anchors.anchor, baseline):
        if reference is not None and reference.profile is not None:
            return reference.profile
    return None


def _columns_compared(baseline: Baseline | None) -> Mapping[str, tuple[str, ...]] | None:
    """The columns the baseline fingerprinted; a baseline from before they were recorded was made
    over schema 3's columns (later migrations only add columns, NULL until a source fills them)."""
    if baseline is None:
        return None
    return baseline.columns if baseline.columns is not None else schema_columns(3)


def _recipient_key(recipient: pyrage.x25519.Recipient) -> bytes:
    try:
        return recipient_bytes(str(recipient))
    except RecipientError:
        raise UserError(
            f"The recipient {str(recipient)[:20]}... cannot be encrypted to; make a new key with "
            "bascule keys new.",
            fr=f"Impossible de chiffrer pour le destinataire {str(recipient)[:20]}... ; créez une nouvelle clé avec "
            "bascule keys new.",
        ) from None


@dataclass
class _Judgement:
    """Filled once the census is done (when the manifest is due, at the end of the stream)."""

    census: Census | None = None
    verdict: Verdict | None = None


def _write_bundle(
    request: SealRequest,
    recipient_keys: list[bytes],
    folder: SealingFolder,
    copy: Path,
    meta: StoreMeta,
    census_future: Future[Census],
    baseline: Baseline | None,
    key: bytes,
    anchors: _Anchors,
    created: datetime,
) -> SealOutcome:
    sequence = folder.reserve_sequence()
    name = BundleName.make(sequence, meta.data_time)
    manifests: list[Manifest] = []
    judgement = _Judgement()

    def manifest_for(store_sha256: str, store_size: int) -> bytes:
        census = judgement.census = census_future.result()
        verdict = judgement.verdict = judge(census, baseline, request.policy, anchors.anchor)
        manifest = Manifest(
            meta.hospital,
            meta.source,
            meta.data_time,
            sequence,
            census.counts,
            store_sha256,
            store_size,
            created,
            verdict.quarantine,
        )
        manifests.append(manifest)
        return manifest.to_bytes()

    with durable_temp(folder.path / name.archive, SHARED) as (stream, archive_temp):
        try:
            sealed = write_archive(copy, created, manifest_for, recipient_keys, stream)
        except OSError as error:
            if error.errno is None:
                raise
            raise write_failure(error) from None
    try:
        census, verdict = judgement.census, judgement.verdict
        assert census is not None and verdict is not None  # set when the manifest was written
        destination = folder.quarantine if verdict.quarantine else folder
        destination.ensure()
        target = destination.path
        seal_facts = Seal(
            meta.hospital,
            sequence,
            meta.data_time,
            sealed.store_sha256,
            verdict.quarantine,
            sealed_at=created,
        )
        signature = request.signing_key.sign_prehashed(
            sealed.prehash,
            seal_facts.to_comment(),
            f"Bascule snapshot {sequence} of {meta.hospital}; check with minisign -V",
        )
        with durable_temp(target / name.signature, SHARED) as (stream, signature_temp):
            stream.write(signature.encode())
        if request.breakglass is not None:
            with durable_temp(target / name.breakglass, PRIVATE) as (stream, breakglass_temp):
                stream.write(request.breakglass.sealed_identity)
            publish(breakglass_temp, target / name.breakglass)
        publish(archive_temp, target / name.archive)
        publish(signature_temp, target / name.signature)
    finally:
        archive_temp.unlink(missing_ok=True)
    fsync_folder(target)
    if verdict.quarantine:
        fsync_folder(folder.path)
        folder.quarantine.prune(request.keep)
    else:
        good = Baseline(
            sequence,
            key,
            census.next_baseline_fingerprints,
            census.garbled,
            census.scheme,
            census.columns,
            census.profile,
            created,
            census.links,
        )
        try:  # the guard's state first: a bundle never becomes current without the baseline it sets
            good.save(folder.baseline_path)
            anchors.advance(good, created)
            folder.set_current(name)
        except UserError:  # a full disk: the folder goes back to its last good bundle
            remove_bundle_files(folder.path, name)
            raise
        folder.prune(request.keep, anchors.sequences)
    return SealOutcome(name, target, manifests[0], verdict, sealed.archive_size)
