"""What the settings need from the data directory and the environment: the secret key and the
database. Kept apart from settings.py so that it can be tested without Django."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from bascule.durable import PRIVATE, WriteFailed, write_atomically
from bascule.errors import UserError

SECRET_FILE = "secret_key"


def load_or_create_secret_key(data_dir: Path) -> str:
    """The installation's secret key, generated on first run into `data_dir` with mode 0600."""
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = data_dir / SECRET_FILE
    if not path.exists():
        try:  # exclusive: two processes starting at once keep one key
            write_atomically(
                path, (secrets.token_urlsafe(64) + "\n").encode("ascii"), PRIVATE, exclusive=True
            )
        except WriteFailed:
            if not path.exists():
                raise
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 50:
        raise UserError(
            f"The secret key in {path} is too short; delete it to make a new one.",
            fr=f"La clé secrète dans {path} est trop courte ; supprimez-la pour en créer une nouvelle.",
        )
    return key


def database_settings(environ: Mapping[str, str], data_dir: Path) -> dict[str, Any]:
    """PostgreSQL when DATABASE_URL says so, else SQLite (WAL) in the data directory."""
    url = environ.get("DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise UserError(
                f"DATABASE_URL must start with postgresql://, not {parts.scheme}://.",
                fr=f"DATABASE_URL doit commencer par postgresql://, pas {parts.scheme}://.",
            )
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
        }
    path = environ.get("BASCULE_CRISIS_DB") or str(data_dir / "crisis.sqlite3")
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }
