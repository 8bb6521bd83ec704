"""The words of situation reports, in French and English (the crisis pages use them too)."""

from __future__ import annotations

from bascule.i18n import register

SITREP_TEXTS: dict[str, tuple[str, str]] = {
    "st_uncovered": ("À L'ARRÊT — SANS PROCÉDURE", "DOWN — NO FALLBACK"),
    "st_fallback": ("À L'ARRÊT — MODE DÉGRADÉ", "DOWN — ON FALLBACK"),
    "because": ("parce que", "because"),
    "procedure": ("Procédure", "Procedure"),
    "summary": (
        "{down} à l'arrêt (dont {uncovered} sans procédure), {degraded} dégradés, {up} fonctionnent",
        "{down} down ({uncovered} with no fallback), {degraded} degraded, {up} up",
    ),
    "eta_never": (
        "sans date : attend un segment isolé ou un fournisseur",
        "no date: waits for an isolated segment or a supplier",
    ),
    "sitrep_declared": ("Déclarés depuis : {ids}", "Declared since: {ids}"),
    "sitrep_lifted": ("Levés depuis : {ids}", "Lifted since: {ids}"),
    "eta_at": ("vers {time} (H+{hours})", "around {time} (H+{hours})"),
    "kind_node": ("compromis", "compromised"),
    "kind_segment": ("segment isolé", "isolated segment"),
    "kind_supplier": ("fournisseur à l'arrêt", "supplier down"),
    "due": ("Échéance", "Due"),
    # The roles of the crisis cell's accounts, as people read them.
    "role_director": ("direction", "director"),
    "role_it": ("informatique", "IT"),
    "role_medical": ("médical", "medical"),
    "role_communications": ("communication", "communications"),
    "role_observer": ("observateur", "observer"),
    "role_admin": ("administrateur", "administrator"),
    "role_identity": ("identitovigilance", "identity officer"),
    "role_saisie": ("agent de saisie", "clerk"),
    "role_facilitator": ("animateur d'exercice", "exercise facilitator"),
    "role_laboratory": ("laboratoire", "laboratory"),
    "act_open": ("À FAIRE", "OPEN"),
    "act_in_progress": ("EN COURS", "IN PROGRESS"),
    "act_done": ("FAIT", "DONE"),
    "act_cancelled": ("ANNULÉ", "CANCELLED"),
    "sitrep_first": ("Premier point de situation de l'incident.", "First situation report of this incident."),
    "sitrep_newly_down": ("Nouvellement à l'arrêt : {ids}", "Newly down: {ids}"),
    "sitrep_back": ("Revenus : {ids}", "Back: {ids}"),
    "eta_stale": (
        "Ces retours viennent d'un plan calculé avant le dernier changement ({time}) : ils ne "
        "tiennent pas compte de ce qui a été déclaré depuis.",
        "These returns come from a plan computed before the last change ({time}): they do not take "
        "into account what was declared since.",
    ),
    "sitrep_nochange": ("Aucun changement d'état.", "No change of status."),
}

register("sitrep", {key: {"fr": fr, "en": en} for key, (fr, en) in SITREP_TEXTS.items()})
