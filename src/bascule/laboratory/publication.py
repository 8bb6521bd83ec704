"""Publishing the laboratory's menu to the wards (issue 19): the use-cases over the continuity
store's `lab_menus` table. The next bundle carries the publication to every ward's station."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bascule.downtime.side_store import connected, writing
from bascule.errors import UserError
from bascule.laboratory.menu import Menu
from bascule.laboratory.published_menu import PublishedMenu, lines_from_json, lines_json, publication


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def publish_menu(store_path: Path, menu: Menu, *, by: str, at: datetime) -> PublishedMenu:
    """Record `menu` as the one the wards see from now on."""
    if not by.strip():
        raise UserError("Say who publishes the menu (--as).", fr="Indiquez qui publie le menu (--as).")
    published = publication(menu, by=by, at=at)
    stamp = _stamp(at)
    with writing(store_path) as connection:
        if connection.execute("SELECT 1 FROM lab_menus WHERE id = ?", (stamp,)).fetchone():
            raise UserError(
                "A menu was already published at this very moment; publish again.",
                fr="Un menu a déjà été publié à cet instant précis ; publiez de nouveau.",
            )
        connection.execute(
            "INSERT INTO lab_menus (id, version, published_at, published_by, restricted, lines) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                stamp,
                stamp,
                stamp,
                published.by,
                int(published.restricted),
                json.dumps(lines_json(published.lines), ensure_ascii=False),
            ),
        )
    return published


def latest_menu_on(connection: sqlite3.Connection) -> PublishedMenu | None:
    """The latest publication, on an open connection (a station reads its bundle's copy this way);
    None before the first, or in a copy made before publications existed."""
    try:
        row = connection.execute(
            "SELECT published_at, published_by, restricted, lines FROM lab_menus ORDER BY id DESC LIMIT 1"
        ).fetchone()
    except sqlite3.OperationalError:  # a copy older than schema version 10
        return None
    if row is None:
        return None
    at = datetime.strptime(str(row[0]), "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    try:
        lines = lines_from_json(json.loads(str(row[3])))
    except (ValueError, KeyError, TypeError):
        raise UserError(
            "The continuity store's last published laboratory menu is damaged; publish the menu again.",
            fr="Le dernier menu du laboratoire publié dans la base de continuité est abîmé ; publiez-le de nouveau.",
        ) from None
    return PublishedMenu(at, str(row[1]), bool(row[2]), lines)


def latest_menu(store_path: Path) -> PublishedMenu | None:
    with connected(store_path, readonly=True) as connection:
        return latest_menu_on(connection)
