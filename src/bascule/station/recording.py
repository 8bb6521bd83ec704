"""What the ward writes on its station during the outage, and the signed, encrypted export of it.

`station recording DIR --code CODE` gives the station its code (the one its downtime numbers carry)
and its own signing key (DIR/.station/sign.key, 0600; the public half DIR/station-CODE.pub goes to
the crisis cell, which trusts it at import). Entries are lines of DIR/.station/entries.jsonl, a
hash-chained append-only log (bascule.chained_log): the line number is the entry's sequence, so
`CODE:sequence` names it for ever.

An export is the whole log, from its first line (exports are cumulative: the cell imports each
entry once, however many exports carry it), encrypted to the cell's age recipient and signed by the
station: `entries-CODE-<last sequence>.jsonl.age` and its `.minisig`, whose trusted comment names
the station, hospital, last sequence and chain head. A log whose chain is broken is not exported
(exit 3): the break is for a person to look at, not to be carried to the cell.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyrage

from bascule.chained_log import ChainedLog
from bascule.downtime.entries import (
    Entry,
    PatientRef,
    check_new_station_code,
    check_station_code,
    entry_from_line,
    make_entry,
)
from bascule.durable import SHARED, write_atomically
from bascule.errors import UserError
from bascule.snapshot.freshness import format_instant
from bascule.snapshot.keys import parse_recipients
from bascule.snapshot.minisign import SecretKey, prehash
from bascule.station.state import Layout, load_state

ENTRY_FIELDS = (
    "seq",
    "station",
    "author",
    "recorded_at",
    "kind",
    "patient_id",
    "downtime_id",
    "data",
    "prev",
    "hash",
)
EXPORT_FORMAT = "bascule-entries"
EXPORT_VERSION = 1
SUFFIX = ".jsonl.age"


@dataclass(frozen=True)
class Exported:
    path: Path
    signature: Path
    entries: int
    head: str


class StationRecording:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.hospital = load_state(layout).hospital
        self.settings_path = layout.private / "recording.json"
        self.key_path = layout.private / "sign.key"
        self._cached: tuple[tuple[int, int, int], tuple[Entry, ...]] | None = None
        self.log = ChainedLog(
            layout.private / "entries.jsonl", layout.private / "entries.head", ENTRY_FIELDS, 16 * 1024
        )

    @property
    def code(self) -> str | None:
        try:
            document = json.loads(self.settings_path.read_bytes())
            return check_station_code(str(document["code"]))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            raise UserError(
                f"The station's recording settings {self.settings_path} are damaged.",
                fr=f"Les réglages de saisie du poste {self.settings_path} sont endommagés.",
            ) from None

    def set_up(self, code: str) -> Path:
        """Give the station its code and signing key; the public key's path (for the cell)."""
        check_new_station_code(code)
        existing = self.code
        if existing is not None:
            raise UserError(
                f"The station already records as {existing}: its code and key never change "
                "(entries already made carry them).",
                fr=f"Le poste saisit déjà sous le code {existing} : son code et sa clé ne changent jamais "
                "(les saisies déjà faites les portent).",
            )
        key = SecretKey.generate()
        public = self.layout.root / f"station-{code}.pub"
        write_atomically(self.key_path, key.to_text(None).encode(), 0o600, exclusive=True)
        write_atomically(public, key.public_key.to_text().encode(), SHARED)
        write_atomically(self.settings_path, json.dumps({"code": code, "format": 1}).encode(), 0o600)
        return public

    def _code_or_refuse(self) -> str:
        code = self.code
        if code is None:
            root = self.layout.root
            raise UserError(
                f"The station {root} does not record yet: give it its code with bascule station recording {root} --code CODE.",
                fr=f"Le poste {root} ne saisit pas encore : donnez-lui son code avec bascule station recording {root} --code CODE.",
            )
        return code

    def record(
        self, author: str, kind: str, patient: PatientRef, data: Mapping[str, object], now: datetime
    ) -> Entry:
        """Check and append one entry; what was stored (with its sequence)."""
        code = self._code_or_refuse()
        checked = make_entry(
            station=code, sequence=1, author=author, recorded_at=now, kind=kind, patient=patient, data=data
        )
        head = self.log.append(checked.body())
        return dataclasses.replace(checked, sequence=head.seq)

    def entries(self) -> list[Entry]:
        """Every entry, read and checked again only when the log changed since the last call: the
        viewer asks at every patient page and search, the log only grows when someone records."""
        try:
            status = os.stat(self.log.path)
            key = (status.st_ino, status.st_size, status.st_mtime_ns)
        except FileNotFoundError:
            return []
        cached = self._cached
        if cached is not None and cached[0] == key:
            return list(cached[1])
        read = tuple(entry_from_line(line) for line in self.log.lines())
        self._cached = (key, read)
        return list(read)

    def export(self, recipient: Path, out: Path, now: datetime) -> Exported:
        code = self._code_or_refuse()
        raw, head = self.log.read()
        report = self.log.verify()
        if not report.whole:
            raise UserError(
                f"The station's entries log is damaged ({report.reason}): nothing was exported; "
                "keep the station as it is and call the crisis cell.",
                fr=f"Le journal des saisies du poste est endommagé ({report.raison}) : rien n'a été exporté ; "
                "laissez le poste en l'état et appelez la cellule de crise.",
                exit_code=3,
            )
        last = head.seq if head else 0
        chain_head = head.hash if head else ""
        header = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "station": code,
            "hospital": self.hospital,
            "entries": last,
            "head": chain_head,
            "exported_at": now.isoformat(),
        }
        plaintext = json.dumps(header).encode() + b"\n" + raw
        recipients = parse_recipients([str(recipient)])
        ciphertext = pyrage.encrypt(plaintext, recipients)
        out.mkdir(parents=True, exist_ok=True)
        target = out / f"entries-{code}-{last:08d}{SUFFIX}"
        signature = target.with_name(target.name + ".minisig")
        key = SecretKey.from_text(self.key_path.read_text(encoding="ascii"), str(self.key_path), None)
        comment = "\t".join(
            (
                EXPORT_FORMAT,
                f"version:{EXPORT_VERSION}",
                f"station:{code}",
                f"hospital:{self.hospital}",
                f"entries:{last}",
                f"head:{chain_head or '-'}",
                f"exported_at:{format_instant(now)}",
            )
        )
        write_atomically(target, ciphertext, 0o600)
        write_atomically(signature, key.sign_prehashed(prehash([ciphertext]), comment).encode(), SHARED)
        return Exported(target, signature, last, chain_head)
