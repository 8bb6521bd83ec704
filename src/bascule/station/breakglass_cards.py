"""The printed break-glass cards: one code per third of an A4 page, cut apart and sealed in envelopes.

Each card is bilingual (the envelope is opened at 3 a.m. by whoever is there) and carries what the
privacy officer needs afterwards: the serial the access log records when the code is used, the
hospital, the date it was issued, and that it opens the station once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from bascule.kits.fonts import DEJAVU_FOLDER, typefaces
from bascule.station.accounts import BreakglassCode

CARDS_PER_PAGE = 3
_ROLES = {"nurse": "infirmier·e / nurse", "doctor": "médecin / doctor", "admin": "administrateur / admin"}


def _code_font() -> str:
    """A monospaced face for the code, so that every character stands apart."""
    mono = DEJAVU_FOLDER / "DejaVuSansMono-Bold.ttf"
    if Path(mono).is_file():
        if "DejaVuSansMono-Bold" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSansMono-Bold", str(mono)))
        return "DejaVuSansMono-Bold"
    return "Courier-Bold"


def render_cards(codes: Sequence[BreakglassCode], hospital: str, issued: datetime) -> bytes:
    """The PDF of `codes`, three cards a page with dashed cut lines between them."""
    faces = typefaces()
    mono = _code_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle("Codes d'accès d'urgence / Emergency access codes")
    width, height = A4
    third = height / CARDS_PER_PAGE
    for index, code in enumerate(codes):
        slot = index % CARDS_PER_PAGE
        if index and not slot:
            canvas.showPage()
        top = height - slot * third
        if slot:  # the cut line above this card
            canvas.saveState()
            canvas.setDash(4, 3)
            canvas.setLineWidth(0.6)
            canvas.line(10 * mm, top, width - 10 * mm, top)
            canvas.setFont(faces.regular, 8)
            canvas.drawString(12 * mm, top + 1.5 * mm, faces.mark("✂", "--") + " découper / cut")
            canvas.restoreState()
        left = 20 * mm
        canvas.setFont(faces.bold, 15)
        canvas.drawString(left, top - 20 * mm, "Code d'accès d'urgence / Emergency access code")
        canvas.setFont(faces.regular, 10.5)
        canvas.drawString(
            left,
            top - 28 * mm,
            f"N° / Serial {code.serial}   ·   Hôpital / Hospital {hospital}   ·   "
            f"Émis le / Issued {issued:%d/%m/%Y}",
        )
        canvas.drawString(left, top - 34 * mm, f"Rôle / Role : {_ROLES.get(code.role, code.role)}")
        canvas.setFont(mono, 26)
        canvas.drawCentredString(width / 2, top - 52 * mm, code.code)
        canvas.setFont(faces.bold, 12)
        canvas.drawString(left, top - 66 * mm, "Utilisable une seule fois / Usable once")
        canvas.setFont(faces.regular, 9.5)
        for line, text in enumerate(
            (
                "Son usage est enregistré au journal d'accès / Its use is recorded in the access log.",
                "Garder sous enveloppe scellée ; ne l'ouvrir que si aucun compte du poste n'est utilisable.",
                "Keep in a sealed envelope; open it only when no station account can be used.",
            )
        ):
            canvas.drawString(left, top - (72 + 5 * line) * mm, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
