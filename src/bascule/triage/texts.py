"""What triage says to people, in French and English: decisions, reasons and the count sentence."""

from __future__ import annotations

from bascule import i18n
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import label_of, named_chain
from bascule.i18n import Lang, t
from bascule.triage.rules import Proposal, Tally

i18n.register(
    "triage",
    {
        "maintain": {"fr": "maintenir", "en": "maintain"},
        "postpone": {"fr": "reporter", "en": "postpone"},
        "cancel": {"fr": "annuler", "en": "cancel"},
        "divert": {"fr": "réorienter", "en": "divert"},
        "kind_consultation": {"fr": "consultation", "en": "consultation"},
        "kind_imaging": {"fr": "examen d'imagerie", "en": "imaging exam"},
        "kind_surgery": {"fr": "intervention", "en": "operation"},
        "kinds_consultation": {"fr": "consultations", "en": "consultations"},
        "kinds_imaging": {"fr": "examens d'imagerie", "en": "imaging exams"},
        "kinds_surgery": {"fr": "interventions", "en": "operations"},
        "kind_blood-test": {"fr": "prise de sang", "en": "blood test"},
        "kinds_blood-test": {"fr": "prises de sang", "en": "blood tests"},
        "to_decision": {"fr": "{count} {what} à {decision}", "en": "{count} {what} to {decision}"},
        "by_exception": {
            "fr": "{count} maintenue(s) par exception",
            "en": "{count} maintained by exception",
        },
        "nothing": {"fr": "aucune activité à reporter", "en": "no activity to change"},
        "reason_unaffected": {"fr": "non touchée", "en": "unaffected"},
        "reason_unmapped": {
            "fr": "type d'activité absent de la carte : à décider à la main",
            "en": "activity type not in the map: decide by hand",
        },
        "reason_degraded": {"fr": "{process} dégradé ({via})", "en": "{process} degraded ({via})"},
        "reason_fallback": {
            "fr": "{process} à l'arrêt ({via}), procédure dégradée {fallback}",
            "en": "{process} down ({via}), fallback procedure {fallback}",
        },
        "reason_uncovered": {
            "fr": "{process} à l'arrêt sans procédure dégradée ({via}) : vers {facility}",
            "en": "{process} down with no fallback ({via}): to {facility}",
        },
        "reason_policy": {"fr": "{process} {status} ({via})", "en": "{process} {status} ({via})"},
        "reason_exception": {
            "fr": "exception approuvée par {doctor} et {director} ({process} {status})",
            "en": "exception approved by {doctor} and {director} ({process} {status})",
        },
        "reason_no-facility": {
            "fr": "{process} {status} ({via}) et aucun établissement proche ne peut l'accueillir",
            "en": "{process} {status} ({via}) and no nearby facility can take it",
        },
        "reason_no-cross-match": {
            "fr": "épreuve de compatibilité indisponible : intervention programmée nécessitant du sang "
            "({units} culot(s) compatibilisé(s)) reportée",
            "en": "cross-matching unavailable: elective operation needing blood "
            "({units} cross-matched unit(s)) postponed",
        },
        "status_up": {"fr": "disponible", "en": "up"},
        "status_degraded": {"fr": "dégradé", "en": "degraded"},
        "status_down": {"fr": "à l'arrêt", "en": "down"},
    },
)

COUNTED_DECISIONS = ("postpone", "cancel", "divert")
KINDS = ("consultation", "imaging", "surgery", "blood-test")


def decision_text(decision: str, lang: Lang) -> str:
    return t(f"triage.{decision}", lang)


def kind_text(kind: str, lang: Lang, plural: bool = False) -> str:
    return t(f"triage.kind{'s' if plural else ''}_{kind}", lang)


def status_text(status: str, lang: Lang) -> str:
    return t(f"triage.status_{status}", lang)


def reason_text(proposal: Proposal, lang: Lang, hospital: HospitalMap | None = None) -> str:
    """Why: the process that is not up and the chain that explains it: by name when the map is
    given (pages people read), else by id, as in the map."""
    doctor, director = (*proposal.approved_by, "", "")[:2]
    facilities = {f.id: f.name or f.id for f in hospital.facilities} if hospital is not None else {}
    procedures = {p.id: p.title or p.id for p in hospital.procedures} if hospital is not None else {}
    process = proposal.process or ""
    return t(
        f"triage.reason_{proposal.reason}",
        lang,
        process=label_of(hospital, process) if hospital is not None and process else process,
        status=status_text(proposal.status, lang),
        via=named_chain(hospital, proposal.via) if hospital is not None else " ← ".join(proposal.via),
        fallback=procedures.get(proposal.fallback or "", proposal.fallback or ""),
        facility=facilities.get(proposal.facility or "", proposal.facility or ""),
        doctor=doctor,
        director=director,
        units=proposal.cross_matched_units,
    )


def count_sentence(counts: Tally, lang: Lang) -> str:
    """ "612 consultations to postpone, 38 operations to cancel, 4 maintained by exception"."""
    parts = []
    for decision in COUNTED_DECISIONS:
        for kind in KINDS:
            count = counts.count(decision, kind)
            if count:
                what = kind_text(kind, lang, plural=count > 1)
                parts.append(
                    t(
                        "triage.to_decision",
                        lang,
                        count=count,
                        what=what,
                        decision=decision_text(decision, lang),
                    )
                )
    if counts.by_exception:
        parts.append(t("triage.by_exception", lang, count=counts.by_exception))
    return ", ".join(parts) if parts else t("triage.nothing", lang)
