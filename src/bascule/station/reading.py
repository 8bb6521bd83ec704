"""What every read path (open, kits, status) calls first: the bundle it may read, verified.

A station folder answers with its own copy of the newest bundle it accepted (pinned keys, rollback,
quarantine); a bundle, its folder or its `current` pointer needs the crisis cell's public key. With
neither, the read is refused (exit 2): an unchecked bundle could be forged by anyone holding the
station's public recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bascule.errors import UserError
from bascule.snapshot.freshness import format_age, format_instant
from bascule.snapshot.keys import load_public_key
from bascule.snapshot.minisign import key_id_text
from bascule.snapshot.verify import EXIT_STALE, StaleSnapshot, Verified, verify_bundle
from bascule.station.check import DEFAULT_MAX_AGE, check_station
from bascule.station.state import is_station


@dataclass(frozen=True)
class Trusted:
    verified: Verified
    key_id: str
    identity: Path | None  # the station's own identity, when read from a station folder


def trusted_bundle(
    path: Path,
    pubkey: Path | None,
    *,
    state: Path | None = None,
    max_age: timedelta | None = None,
    strict: bool = False,
) -> Trusted:
    """The verified bundle `path` names; past `max_age` it is refused (exit 4). With `strict`, a
    station whose newest offered bundle was refused answers with that refusal (exit 3 or 5)."""
    if is_station(path):
        report = check_station(path, max_age or DEFAULT_MAX_AGE)
        newer = report.newer_refused
        if strict and newer:
            raise UserError(f"{newer[0].bundle}: {newer[0].reason}", exit_code=newer[0].exit_code)
        if report.archive is None or report.seal is None or report.age is None or report.key_id is None:
            raise UserError(
                f"The station {path} holds no verified bundle yet: nothing can be read; run bascule station check {path}.",
                exit_code=report.exit_code or EXIT_STALE,
                fr=f"Le poste {path} ne contient encore aucun paquet vérifié : rien ne peut être lu ; lancez bascule station check {path}.",
            )
        if max_age is not None and report.age > max_age:
            raise StaleSnapshot(
                f"The station {path} holds bundle {report.seal.sequence}, authentic but its data is "
                f"{format_age(report.age)} old (data time {format_instant(report.seal.data_time)}), more than "
                f"the {format_age(max_age)} allowed: the feed has stopped; treat it as stale.",
                fr=f"Le poste {path} contient le paquet {report.seal.sequence}, authentique mais ses données ont "
                f"{format_age(report.age)} (données du {format_instant(report.seal.data_time)}), plus que "
                f"les {format_age(max_age)} admis : le flux s'est arrêté ; considérez-le comme périmé.",
            )
        return Trusted(Verified(report.seal, report.age, report.archive), report.key_id, report.identity)
    if pubkey is None:
        raise UserError(
            f"Reading {path} needs the crisis cell's public key (--pubkey CELL.pub) or a station folder "
            "(bascule station init): an unchecked bundle could be forged.",
            fr=f"Lire {path} demande la clé publique de la cellule de crise (--pubkey CELLULE.pub) ou un dossier de poste "
            "(bascule station init) : un paquet non vérifié pourrait être falsifié.",
        )
    key = load_public_key(pubkey)
    verified = verify_bundle(path, key, seen_file=state, max_age=max_age)
    return Trusted(verified, key_id_text(key.key_id), None)
