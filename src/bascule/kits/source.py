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


def _scratch() -> contextlib.AbstractContextManager[Path]:
    return private_scratch("bascule-kits-")  # a killed run's plaintext store is swept by the next


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
        raise NotFoundError(f"There is no continuity store at {store}; check the path.")
    with _scratch() as scratch:
        yield _current(store, scratch)


@contextlib.contextmanager
def store_from_bundle(
    bundle: Path, identity: Path, public_key: Path | None, passphrase: bytes | None = None
) -> Iterator[Path]:
    """Verify (with the public key, if given), decrypt and check the bundle into a private folder."""
    from bascule.snapshot.keys import load_identities, load_public_key
    from bascule.snapshot.opening import open_bundle

    if not bundle.is_file():
        raise NotFoundError(f"The bundle {bundle} does not exist; check the path.")
    identities = load_identities(identity, passphrase)
    key = load_public_key(public_key) if public_key else None
    with _scratch() as scratch:
        opened = open_bundle(
            bundle, identities, scratch / "opened", identity_source=str(identity), public_key=key
        )
        yield _current(opened.store, scratch)
