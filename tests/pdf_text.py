"""The text of a PDF as a reader sees it (poppler's pdftotext), whitespace folded: the facts a test
checks on the printed page."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.peers import require_peer


def printed(pdf: Path) -> str:
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    )
    return re.sub(r"\s+", " ", out.stdout.decode())
