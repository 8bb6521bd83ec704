"""Who is logged in on this station, in memory only: a restart logs everyone out, which is what a
shared ward screen wants. A session ends after `idle` without a person's action (the page's
background status polls do not count) and after 12 hours in any case."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bascule.station.accounts import Account

MAX_LIFE = timedelta(hours=12)


@dataclass
class Session:
    key: str
    account: Account
    started: datetime
    seen: datetime
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    lang: str | None = None


class Sessions:
    def __init__(self, idle: timedelta, on_expired: Callable[[Session, datetime], None]) -> None:
        self.idle = idle
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._on_expired = on_expired

    def start(self, account: Account, now: datetime) -> Session:
        session = Session(secrets.token_urlsafe(32), account, now, now)
        with self._lock:
            self._sessions[session.key] = session
        return session

    def find(self, key: str | None, now: datetime, *, activity: bool) -> Session | None:
        """The live session of this cookie; a person's request (`activity`) keeps it alive."""
        self.expire(now)
        if not key:
            return None
        with self._lock:
            session = self._sessions.get(key)
            if session is not None and activity:
                session.seen = now
            return session

    def end(self, key: str | None) -> Session | None:
        with self._lock:
            return self._sessions.pop(key, None) if key else None

    def expire(self, now: datetime) -> None:
        with self._lock:
            gone = [
                s for s in self._sessions.values() if now - s.seen > self.idle or now - s.started > MAX_LIFE
            ]
            for session in gone:
                del self._sessions[session.key]
        for session in gone:
            self._on_expired(session, now)

    def end_all_of(self, name: str) -> None:
        with self._lock:
            for key in [k for k, s in self._sessions.items() if s.account.name == name]:
                del self._sessions[key]
