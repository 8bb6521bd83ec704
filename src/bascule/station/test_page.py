"""The one page the monthly self-test prints: it says which station and hospital it came from and
when, so a page found in the tray weeks later is recognised as a test, never a patient's sheet."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bascule.kits.fonts import typefaces

TITLE = "Bascule station test page"


def render_test_page(hospital: str, station_folder: str, when: datetime) -> bytes:
    """A one-page A4 PDF, in French and English (any nurse who finds it can read it)."""
    faces = typefaces()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(TITLE)
    width, height = A4
    canvas.setFont(faces.bold, 28)
    canvas.drawCentredString(width / 2, height - 60 * mm, "Page de test / Test page")
    canvas.setFont(faces.regular, 14)
    lines = (
        f"Hôpital / Hospital : {hospital}",
        f"Poste / Station : {station_folder}",
        f"Date : {when.isoformat(timespec='minutes')}",
        "",
        "Autotest mensuel du poste de secours Bascule : aucune donnée patient.",
        "Monthly self-test of the Bascule downtime station: no patient data.",
    )
    for row, line in enumerate(lines):
        canvas.drawCentredString(width / 2, height - (90 + 10 * row) * mm, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
