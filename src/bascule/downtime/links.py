"""Who each downtime number turned out to be: the links the reconciliation decided, kept in the
continuity store (`downtime_links`), and what is left for a person to decide (the worklist).

Matching alone may link a number only when its decision was `auto`; everything else waits for a
person, who confirms a candidate or declares a new patient. A link, once made, is never silently
changed: confirming another patient for a linked number is refused (exit 3), and undoing a link is
its own act (`unlink`), for a person, with their name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from bascule.downtime.entries import downtime_number
from bascule.downtime.side_store import connected, writing
from bascule.errors import NotFoundError, UserError
from bascule.reconcile.match import Match

LinkDecision = Literal["auto", "confirmed", "new"]
EXIT_CONFLICT = 3


@dataclass(frozen=True)
class Link:
    downtime_id: str
    patient_id: str | None  # None: a new patient, to be created in the EHR
    decision: LinkDecision
    score: float | None
    decided_by: str
    decided_at: datetime


def links(store_path: Path) -> dict[str, Link]:
    with connected(store_path, readonly=True) as connection:
        rows = connection.execute(
            "SELECT id, patient, decision, score, decided_by, decided_at FROM downtime_links"
        ).fetchall()
    return {
        row[0]: Link(row[0], row[1], row[2], row[3], row[4], datetime.fromisoformat(row[5])) for row in rows
    }


def _insert(connection: sqlite3.Connection, link: Link) -> None:
    connection.execute(
        "INSERT INTO downtime_links (id, version, patient, decision, score, decided_by, decided_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            link.downtime_id,
            link.decided_at.isoformat(),
            link.patient_id,
            link.decision,
            link.score,
            link.decided_by,
            link.decided_at.isoformat(),
        ),
    )


def save_auto(store_path: Path, matches: Iterable[Match], now: datetime) -> int:
    """Link the numbers matching decided `auto` and nobody linked yet; how many were linked."""
    made = 0
    with writing(store_path) as connection:
        known = {row[0] for row in connection.execute("SELECT id FROM downtime_links")}
        for match in matches:
            if match.decision != "auto" or match.downtime_id in known or match.patient_id is None:
                continue
            _insert(
                connection, Link(match.downtime_id, match.patient_id, "auto", match.score, "bascule", now)
            )
            made += 1
    return made


def confirm(store_path: Path, number: str, patient_id: str | None, by: str, now: datetime) -> Link:
    """A person's decision: this number is `patient_id` (None: a new patient)."""
    number = downtime_number(number)
    if not by.strip():
        raise UserError("Say who decides (--by NAME).", fr="Dites qui décide (--by NOM).")
    with writing(store_path) as connection:
        if (
            patient_id is not None
            and not connection.execute("SELECT 1 FROM patients WHERE id = ?", (patient_id,)).fetchone()
        ):
            raise UserError(
                f"The store holds no patient {patient_id}: check the id.",
                fr=f"La base ne contient aucun patient {patient_id} : vérifiez l'identifiant.",
            )
        existing = connection.execute("SELECT patient FROM downtime_links WHERE id = ?", (number,)).fetchone()
        if existing is not None:
            if existing[0] == patient_id:
                return Link(number, patient_id, "confirmed" if patient_id else "new", None, by, now)
            raise UserError(
                f"{number} is already linked to {existing[0] or 'a new patient'}: undo that link first "
                "(reconcile unlink), it is never changed silently.",
                fr=f"{number} est déjà relié à {existing[0] or 'un nouveau patient'} : défaites d'abord ce lien "
                "(reconcile unlink), il n'est jamais changé en silence.",
                exit_code=EXIT_CONFLICT,
            )
        link = Link(number, patient_id, "confirmed" if patient_id else "new", None, by, now)
        _insert(connection, link)
    return link


def unlink(store_path: Path, number: str, by: str) -> None:
    number = downtime_number(number)
    with writing(store_path) as connection:
        sent = connection.execute(
            "SELECT count(*) FROM downtime_sent s JOIN downtime_entries e ON e.id = s.id "
            "WHERE e.downtime_number = ? AND s.state = 'acknowledged'",
            (number,),
        ).fetchone()[0]
        if sent:
            raise UserError(
                f"Entries of {number} already reached the EHR under this link: correct them there, "
                "the link stays.",
                fr=f"Des saisies de {number} sont déjà arrivées dans le DPI avec ce lien : corrigez-les là-bas, "
                "le lien reste.",
                exit_code=EXIT_CONFLICT,
            )
        if not connection.execute("DELETE FROM downtime_links WHERE id = ?", (number,)).rowcount:
            raise NotFoundError(f"{number} is not linked.", fr=f"{number} n'est relié à personne.")


def worklist(matches: Iterable[Match], linked: dict[str, Link]) -> list[Match]:
    """What a person must still decide: every match that is not linked yet (review and new first:
    auto ones are linked by `save_auto`)."""
    order = {"review": 0, "new": 1, "auto": 2}
    waiting = [match for match in matches if match.downtime_id not in linked]
    return sorted(waiting, key=lambda m: (order[m.decision], -m.score, m.downtime_id))
