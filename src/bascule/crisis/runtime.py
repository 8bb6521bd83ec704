"""Starting the crisis application: where its data lives, which database, Django set up and the
schema migrated. The CLI and the tests call `configure()` before anything else touches Django."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from bascule.errors import UserError

_configured: tuple[str, str, str] | None = None


def configure(
    data_dir: Path,
    *,
    db: Path | None = None,
    database_url: str = "",
    lang: str = "fr",
    migrate: bool = True,
    anchors: Sequence[Path] = (),
    sign_key: Path | None = None,
) -> None:
    """Point Django at `data_dir` (secret key, SQLite file) or `database_url`, set it up, migrate.

    `anchors` are folders that receive a copy of every journal checkpoint, `sign_key` the crisis
    cell's minisign key to sign them with (see bascule.journal_anchor). Django's settings live in
    one process-wide module: configuring twice with other places is a bug.
    """
    global _configured
    wanted = (str(data_dir.resolve()), str(db or ""), database_url)
    if _configured is not None:
        if _configured != wanted:
            raise RuntimeError("the crisis application is already configured with another data directory")
        return
    os.environ["DJANGO_SETTINGS_MODULE"] = "bascule.crisis.settings"
    os.environ["BASCULE_CRISIS_DIR"] = wanted[0]
    os.environ["BASCULE_CRISIS_LANG"] = lang if lang in ("fr", "en") else "fr"
    if db is not None:
        os.environ["BASCULE_CRISIS_DB"] = str(db.resolve())
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    if anchors:
        os.environ["BASCULE_CRISIS_ANCHORS"] = os.pathsep.join(str(a.resolve()) for a in anchors)
    if sign_key is not None:
        os.environ["BASCULE_CRISIS_SIGN_KEY"] = str(sign_key.resolve())
    import django

    from bascule.hospital.memory import freeze_after_building

    # A long-running server loads maps again and again: freezing each would pin garbage for good.
    freeze_after_building(False)
    django.setup()
    _configured = wanted
    if migrate:
        migrate_schema()


def migrate_schema() -> None:
    from django.core.management import call_command
    from django.db.utils import OperationalError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except OperationalError as error:
        raise UserError(
            f"Cannot open the crisis database: {error}.",
            fr=f"Impossible d'ouvrir la base de crise : {error}.",
        ) from None


def from_environment(
    environ: Mapping[str, str],
    data_dir: str | None,
    db: str | None,
    *,
    anchors: Sequence[Path] = (),
    sign_key: Path | None = None,
) -> None:
    """`configure()` from CLI options and the environment passed to `main`."""
    directory = Path(
        data_dir or environ.get("BASCULE_CRISIS_DIR") or Path.home() / ".local/share/bascule/crisis"
    )
    configure(
        directory,
        db=Path(db) if db else None,
        database_url=environ.get("DATABASE_URL", ""),
        lang=environ.get("BASCULE_CRISIS_LANG", "fr"),
        anchors=anchors,
        sign_key=sign_key,
    )
