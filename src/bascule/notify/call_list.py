"""The call centre's list of patients not reached, as CSV, and as PDF with a call script.

These files hold contact details by design (the call centre must phone); they are written only
where the user says, and nothing here prints them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from bascule import i18n
from bascule.durable import PRIVATE, write_atomically
from bascule.i18n import Lang, t
from bascule.notify.outbox import Outbox

i18n.register(
    "call_list",
    {
        "title": {"fr": "Patients à appeler", "en": "Patients to call"},
        "script_title": {"fr": "Script d'appel", "en": "Call script"},
        "script": {
            "fr": "1. « Bonjour, ici le centre d'appels de l'hôpital. Puis-je parler à {name} ? » "
            "(vérifier l'identité : nom et date de naissance).|"
            "2. « Votre rendez-vous du {date} est {decision} en raison d'un incident informatique. »|"
            "3. Réorientation : donner le nom et le numéro de l'établissement ; report : dire que l'équipe "
            "rappellera avec une nouvelle date.|"
            "4. Demander un numéro de portable ou une adresse électronique à jour, et l'écrire sur la liste.|"
            "5. Cocher « joint » ; après trois essais sans réponse, cocher « non joint » et le signaler au "
            "cadre de la cellule.",
            "en": "1. “Hello, this is the hospital's call centre. May I speak to {name}?” "
            "(check identity: name and date of birth).|"
            "2. “Your appointment on {date} is {decision} because of an IT incident.”|"
            "3. Diversion: give the facility's name and number; postponement: say the team will call "
            "back with a new date.|"
            "4. Ask for an up-to-date mobile number or e-mail address and write it on the list.|"
            "5. Tick “reached”; after three tries with no answer, tick “not reached” and tell the cell.",
        },
        "columns": {
            "fr": "Patient|Nom|Téléphone|Rendez-vous|Unité|Décision|Pourquoi non joint|Joint ?",
            "en": "Patient|Name|Phone|Appointment|Unit|Decision|Why not reached|Reached?",
        },
        "why_unreachable": {"fr": "pas de contact utilisable", "en": "no usable contact"},
        "why_failed": {"fr": "envoi en échec", "en": "sending failed"},
        "why_undelivered": {"fr": "non distribué", "en": "not delivered"},
        "why_pending": {"fr": "pas d'accusé de réception", "en": "no delivery report"},
        "decision_postpone": {"fr": "reporté", "en": "postponed"},
        "decision_cancel": {"fr": "annulé", "en": "cancelled"},
        "decision_divert": {"fr": "déplacé", "en": "moved"},
    },
)


@dataclass(frozen=True, slots=True)
class CallEntry:
    patient_id: str
    activity_id: str
    name: str
    phone: str
    starts_at: str
    unit_id: str
    decision: str
    why: str  # unreachable, failed, undelivered, pending
    problem: str


def call_list(outbox: Outbox, sent_before: float, store_path: Path | None) -> list[CallEntry]:
    rows = outbox.unreached(sent_before)
    names: dict[str, str] = {}
    if store_path is not None and rows:
        from bascule.clinical.records import Patient
        from bascule.snapshot.store import ContinuityStore

        with ContinuityStore.open(store_path, readonly=True) as store:
            for patient_id in {row["patient_id"] for row in rows}:
                patient = store.get(Patient, patient_id)
                if patient is not None:
                    names[patient_id] = f"{patient.given} {patient.family}".strip()
    entries = []
    for row in rows:
        state = row["state"]
        why = state if state in ("unreachable", "failed", "undelivered") else "pending"
        phone = row["contact_phone"] or (row["address"] if row["channel"] == "sms" else "") or ""
        entries.append(
            CallEntry(
                patient_id=row["patient_id"],
                activity_id=row["activity_id"],
                name=names.get(row["patient_id"], ""),
                phone=phone,
                starts_at=row["starts_at"],
                unit_id=row["unit_id"] or "",
                decision=row["decision"],
                why=why,
                problem=row["problem"] or "",
            )
        )
    entries.sort(key=lambda e: (e.starts_at, e.patient_id))
    return entries


def write_csv(path: Path, entries: Sequence[CallEntry], lang: Lang) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["patient", "activity", "name", "phone", "starts_at", "unit", "decision", "why", "problem"]
    )
    for e in entries:
        writer.writerow(
            [
                e.patient_id,
                e.activity_id,
                e.name,
                e.phone,
                e.starts_at,
                e.unit_id,
                e.decision,
                e.why,
                e.problem,
            ]
        )
    write_atomically(path, out.getvalue().encode("utf-8"), PRIVATE)  # phone numbers


def _when(starts_at: str) -> str:
    try:
        return datetime.fromisoformat(starts_at).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return starts_at


def write_pdf(path: Path, entries: Sequence[CallEntry], lang: Lang) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=1.2 * cm,
        rightMargin=1.2 * cm,
        title=t("call_list.title", lang),
    )
    story = [
        Paragraph(escape(t("call_list.title", lang)) + f" ({len(entries)})", styles["Title"]),
        Paragraph(escape(t("call_list.script_title", lang)), styles["Heading2"]),
    ]
    script = t("call_list.script", lang, name="…", date="…", decision="…")
    story.extend(Paragraph(escape(step), styles["Normal"]) for step in script.split("|"))
    story.append(Spacer(1, 0.5 * cm))
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    header = t("call_list.columns", lang).split("|")
    rows = [[Paragraph(f"<b>{escape(h)}</b>", small) for h in header]]
    for e in entries:
        cells = [
            e.patient_id,
            e.name,
            e.phone,
            _when(e.starts_at),
            e.unit_id,
            t(f"call_list.decision_{e.decision}", lang),
            t(f"call_list.why_{e.why}", lang),
            "",
        ]
        rows.append([Paragraph(escape(c), small) for c in cells])
    table = Table(
        rows,
        repeatRows=1,
        colWidths=[3 * cm, 4.5 * cm, 3.5 * cm, 3.2 * cm, 3.5 * cm, 2.5 * cm, 4 * cm, 2 * cm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    document.build(story)
    write_atomically(path, buffer.getvalue(), PRIVATE)
