"""Plain SQLite connections beside a continuity store's own, for the downtime tables (numbers,
entries, links, what was sent): the store must exist, its schema is brought up to date once (a
store from an older Bascule gains the tables), and a write is one immediate transaction, rolled
back whole on any error."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bascule.errors import NotFoundError
from bascule.snapshot.store import ContinuityStore


def require_store(store_path: Path) -> None:
    if not store_path.is_file():
        raise NotFoundError(
            f"There is no continuity store at {store_path}; check the path.",
            fr=f"Il n'y a pas de base de continuité à {store_path} ; vérifiez le chemin.",
        )


def current_store(store_path: Path) -> str:
    """The store's hospital id, once the store is known to exist and its schema is current."""
    require_store(store_path)
    with ContinuityStore.open(store_path) as store:
        return store.hospital_id


def store_version(store_path: Path, tables: tuple[str, ...]) -> str:
    """A token that changes with every row added to `tables` (append-only tables: a change of
    state is a new row; "table.column" counts the rows where the column is filled), for pages that
    poll: one read-only query, no migration check. "-" when the store or a table is missing."""
    counts = ", ".join(
        f'(SELECT count("{name.partition(".")[2]}") FROM "{name.partition(".")[0]}")'
        if "." in name
        else f'(SELECT count(*) FROM "{name}")'
        for name in tables
    )
    try:
        connection = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return "-"
    try:
        return ".".join(str(n) for n in connection.execute(f"SELECT {counts}").fetchone())
    except sqlite3.Error:
        return "-"
    finally:
        connection.close()


@contextmanager
def connected(store_path: Path, *, readonly: bool = False) -> Iterator[sqlite3.Connection]:
    """A connection to the (current) store: read-only, or read-write in autocommit mode."""
    current_store(store_path)
    if readonly:
        connection = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        connection = sqlite3.connect(store_path, isolation_level=None)
    try:
        connection.execute("PRAGMA busy_timeout = 10000")
        yield connection
    finally:
        connection.close()


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One immediate write transaction: committed whole, or rolled back whole."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


@contextmanager
def writing(store_path: Path) -> Iterator[sqlite3.Connection]:
    """A connection inside one immediate transaction."""
    with connected(store_path) as connection, transaction(connection):
        yield connection
