"""Where a kit's data comes from: a continuity store, or a sealed bundle opened into a private
scratch folder (removed afterwards). A store written by an older Bascule is migrated in a copy,
never in place: printing never changes the store it prints from."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from bascule.errors import NotFoundError
from bascule.scratch import private_scratch
from bascule.snapshot.census import take_copy
from bascule.snapshot.schema import SCHEMA_VERSION
from bascule.snapshot.store import ContinuityStore, peek_meta
from bascule.snapshot.verify import Verified


def _scratch(parent: Path | None = None) -> contextlib.AbstractContextManager[Path]:
    return private_scratch("bascule-kits-", parent)  # a killed run's plaintext store is swept by the next


def _current(store: Path, scratch: Path) -> Path:
    version = int(peek_meta(store).get("schema_version", "0") or 0)
    if version >= SCHEMA_VERSION:
        return store
    copy = scratch / "store.sqlite"
    take_copy(store, copy)
    ContinuityStore.open(copy).close()
    return copy


@contextlib.contextmanager
def store_from_file(store: Path) -> Iterator[Path]:
    if not store.is_file():
        raise NotFoundError(
            f"There is no continuity store at {store}; check the path.",
            fr=f"Il n'y a pas de base de continuité à {store} ; vérifiez le chemin.",
        )
    with _scratch() as scratch:
        yield _current(store, scratch)


@contextlib.contextmanager
def store_from_bundle(
    verified: Verified, identity: Path, passphrase: bytes | None = None, *, parent: Path | None = None
) -> Iterator[Path]:
    """Decrypt and check a bundle that already verified (see station.reading) into a private folder
    (in `parent`, default the temp folder; the station's viewer passes a memory folder)."""
    from bascule.snapshot.keys import load_identities
    from bascule.snapshot.opening import open_bundle

    identities = load_identities(identity, passphrase)
    with _scratch(parent) as scratch:
        opened = open_bundle(
            verified.archive, identities, scratch / "opened", identity_source=str(identity), verified=verified
        )
        yield _current(opened.store, scratch)
