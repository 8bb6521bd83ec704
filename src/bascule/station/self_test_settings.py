"""What the station's monthly self-test needs to know beyond the station itself: the MRN of a test
patient the hospital keeps in its EHR (so every bundle holds it), and the printer queue the ward
prints on (and the CUPS server that holds it, when not the machine's default).

Kept in DIR/.station/viewer.json (0600, in the 0700 private folder, written durably): whoever can
drop files in the inbox cannot point the test at another queue. Every setting is optional; a test
without it says "not configured" rather than failing.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bascule.durable import write_atomically
from bascule.errors import UserError
from bascule.station.state import Layout, load_state

SETTINGS_FILE = "viewer.json"
SETTINGS_FORMAT = 1
MAX_MRN = 64
# CUPS queue names: printable characters but space, tab, "/", "\", "'", '"', "?" and "#", at most 127.
_QUEUE = re.compile(r"[^\s/\\'\"?#]{1,127}")
_HOST = re.compile(r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


@dataclass(frozen=True)
class SelfTestSettings:
    """Checked when built: a bad setting cannot be stored."""

    test_patient: str | None = None  # the test patient's MRN, as the search takes it
    printer: str | None = None  # the CUPS queue
    cups_server: str | None = None  # host[:port] or the absolute path of a CUPS socket

    def __post_init__(self) -> None:
        if self.test_patient is not None:
            check_mrn(self.test_patient)
        if self.printer is not None:
            check_queue(self.printer)
        if self.cups_server is not None:
            check_cups_server(self.cups_server)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def changed(self, **settings: str | None) -> SelfTestSettings:
        """These settings replaced (an empty text forgets one); those not given are kept."""
        given = {name: (value or None) for name, value in settings.items() if value is not None}
        return replace(self, **given)


def check_mrn(mrn: str) -> None:
    if not mrn.strip() or len(mrn) > MAX_MRN or not mrn.isprintable() or mrn != mrn.strip():
        raise UserError(
            f"The test patient's MRN must be 1 to {MAX_MRN} printable characters without spaces around them.",
            fr=f"L'IPP du patient de test doit faire 1 à {MAX_MRN} caractères imprimables sans espace autour.",
        )


def check_queue(queue: str) -> None:
    if not _QUEUE.fullmatch(queue):
        raise UserError(
            f"{queue!r} is not a printer queue name: at most 127 characters, without spaces, '/', '#' or quotes "
            "(lpstat -p lists the queues).",
            fr=f"{queue!r} n'est pas un nom de file d'impression : 127 caractères au plus, sans espace, « / », "
            "« # » ni guillemet (lpstat -p liste les files).",
        )


def check_cups_server(server: str) -> None:
    if server.startswith("/"):
        return  # a local socket; whether it answers is the self-test's job
    if not _HOST.fullmatch(server):
        raise UserError(
            f"{server!r} is not a CUPS server: give a host name, host:port, or the absolute path of its socket.",
            fr=f"{server!r} n'est pas un serveur CUPS : donnez un nom d'hôte, hôte:port, ou le chemin absolu "
            "de sa socket.",
        )


def settings_path(layout: Layout) -> Path:
    return layout.private / SETTINGS_FILE


def load_settings(root: Path) -> SelfTestSettings:
    """The station's self-test settings; none yet is an empty set. A station folder is required."""
    layout = Layout(root)
    load_state(layout)  # not a station, or a damaged one: one sentence, exit 2
    path = settings_path(layout)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return SelfTestSettings()
    except OSError as error:
        raise _damaged(path, error.strerror or "unreadable") from None
    try:
        document = json.loads(raw)
        if document.get("format") != SETTINGS_FORMAT:
            raise ValueError("format")
        return SelfTestSettings(
            test_patient=_text(document.get("test_patient")),
            printer=_text(document.get("printer")),
            cups_server=_text(document.get("cups_server")),
        )
    except (ValueError, AttributeError, TypeError, UserError):
        raise _damaged(path, "not a settings file of this version") from None


def save_settings(root: Path, settings: SelfTestSettings) -> None:
    layout = Layout(root)
    load_state(layout)
    document = {"format": SETTINGS_FORMAT, **settings.to_json()}
    write_atomically(settings_path(layout), json.dumps(document, indent=1).encode() + b"\n", 0o600)


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError("not a text")


def _damaged(path: Path, why: str) -> UserError:
    return UserError(
        f"The self-test settings {path} cannot be read ({why}); set them again with bascule station configure.",
        fr=f"Les réglages d'autotest {path} sont illisibles ({why}) ; refaites-les avec bascule station configure.",
    )
