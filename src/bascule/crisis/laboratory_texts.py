"""The crisis application's sentences for the laboratory in downtime (issue 19): the Laboratory
tab (the reduced menu, samples late or lost in transport, the blood bank) and the board's line.
Part of the `crisis` catalogue (bascule.crisis.messages adds them)."""

from __future__ import annotations

LABORATORY_TEXTS: dict[str, tuple[str, str]] = {
    "nav_lab": ("Laboratoire", "Laboratory"),
    "lab_full": (
        "Le laboratoire fonctionne normalement : tous ses examens sont disponibles.",
        "The laboratory works normally: all its tests are available.",
    ),
    "lab_restricted": (
        "Menu dégradé : seuls ces examens sont faits, dans la limite de leur nombre par jour. "
        "Une demande hors menu ou au-delà du nombre est refusée à la demande, avec sa raison.",
        "Downtime menu: only these tests are run, up to their number a day. "
        "A request off the menu or past the number is refused when made, with its reason.",
    ),
    "lab_test": ("Examen", "Test"),
    "lab_priority": ("Priorité", "Priority"),
    "lab_runners": ("Réalisé par", "Run by"),
    "lab_daily": ("Par jour", "A day"),
    "lab_off": ("Hors menu", "Off the menu"),
    "lab_why": ("Pourquoi", "Why"),
    "lab_none": (
        "La carte ne décrit pas le menu dégradé du laboratoire (section laboratory).",
        "The map does not describe the laboratory's downtime menu (its laboratory section).",
    ),
    "lab_priority_critical": ("critique", "critical"),
    "lab_priority_urgent": ("urgent", "urgent"),
    "lab_priority_routine": ("routine", "routine"),
    "samples_title": ("Prélèvements", "Samples"),
    "samples_board": (
        "Laboratoire : {late} prélèvement(s) sans résultat après {hours} h, {lost} perdu(s) en transport",
        "Laboratory: {late} sample(s) not resulted after {hours} h, {lost} lost in transport",
    ),
    "samples_late": ("Sans résultat après {hours} h ({count})", "Not resulted after {hours} h ({count})"),
    "samples_lost": ("Perdus en transport ({count})", "Lost in transport ({count})"),
    "samples_none_late": ("Aucun prélèvement en retard.", "No sample is late."),
    "sample_number": ("Prélèvement", "Sample"),
    "sample_unit": ("Unité", "Unit"),
    "sample_collected": ("Prélevé le", "Collected"),
    "sample_state": ("État", "State"),
    "sample_lab": ("Laboratoire", "Laboratory"),
    "sample_state_collected": ("prélevé", "collected"),
    "sample_state_sent": ("envoyé", "sent"),
    "sample_state_received": ("reçu", "received"),
    "sample_state_resulted": ("résultat rendu", "resulted"),
    "sample_state_rejected": ("refusé", "rejected"),
    "samples_no_store": (
        "Aucun magasin de continuité n'est configuré (BASCULE_CRISIS_STORE) : pas de suivi des prélèvements à montrer.",
        "No continuity store is configured (BASCULE_CRISIS_STORE): no sample tracking to show.",
    ),
    "blood_title": ("Banque du sang", "Blood bank"),
    "blood_alert": ("Alerte nationale d'approvisionnement : {level}", "National supply alert: {level}"),
    "blood_line": ("Ligne", "Line"),
    "blood_units": ("Unités", "Units"),
    "blood_expiry": ("1re péremption", "Soonest expiry"),
    "blood_threshold": ("Seuil", "Threshold"),
    "blood_days": ("Jours de stock", "Days of stock"),
    "blood_below": ("SOUS LE SEUIL", "BELOW THRESHOLD"),
    "blood_emergency": (
        "Culots O délivrés en urgence (24 h) : O- {neg}, O+ {pos}",
        "Emergency group O red cells issued (24 h): O- {neg}, O+ {pos}",
    ),
    "blood_sheet": (
        "Fiche d'une page (PDF) pour la cellule et le fournisseur",
        "One-page sheet (PDF) for the cell and the supplier",
    ),
    "blood_no_store": (
        "Aucun magasin de continuité n'est configuré (BASCULE_CRISIS_STORE) : pas de stock de sang à montrer.",
        "No continuity store is configured (BASCULE_CRISIS_STORE): no blood stock to show.",
    ),
}
