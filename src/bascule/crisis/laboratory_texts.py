"""The crisis application's sentences for the laboratory in downtime (issue 19): the Laboratory
tab (the reduced menu, samples late or lost in transport, the blood bank) and the board's line.
The bench page (Paillasse: scans, results, critical values to confirm) too.
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
    "lab_publication_title": ("Le menu vu par les services", "The menu the wards see"),
    "lab_publication_none": (
        "Aucun menu n'a été publié aux services : leurs postes disent d'appeler le laboratoire avant de prélever.",
        "No menu has been published to the wards: their stations tell them to call the laboratory before sampling.",
    ),
    "lab_publication_current": (
        "Publié le {at} par {by} : c'est le menu ci-dessus. Les postes l'affichent dès le prochain envoi.",
        "Published on {at} by {by}: the menu above. The stations show it from the next bundle.",
    ),
    "lab_publication_stale": (
        "Publié le {at} par {by}, mais il n'est plus à jour : les services voient un autre menu que celui-ci. Publiez-le de nouveau.",
        "Published on {at} by {by}, but out of date: the wards see another menu than this one. Publish it again.",
    ),
    "lab_publish_button": ("Publier ce menu aux services", "Publish this menu to the wards"),
    "lab_publish_no_store": (
        "Aucune base de continuité n'est configurée (BASCULE_CRISIS_STORE) : le menu ne peut pas être publié aux services.",
        "No continuity store is configured (BASCULE_CRISIS_STORE): the menu cannot be published to the wards.",
    ),
    "lab_published_decision": (
        "Menu du laboratoire publié aux services : {on} examen(s) au menu, {off} hors menu.",
        "Laboratory menu published to the wards: {on} test(s) on the menu, {off} off it.",
    ),
    "bench_title": ("Paillasse", "Bench"),
    "bench_link": (
        "Paillasse : scanner les prélèvements, saisir et confirmer les résultats",
        "Bench: scan samples, enter and confirm results",
    ),
    "bench_no_store": (
        "Aucun magasin de continuité n'est configuré (BASCULE_CRISIS_STORE) : rien ne peut être scanné ni saisi.",
        "No continuity store is configured (BASCULE_CRISIS_STORE): nothing can be scanned or entered.",
    ),
    "bench_scan_title": ("Scanner un prélèvement", "Scan a sample"),
    "bench_scan_help": (
        "Scannez l'étiquette : le lecteur tape le numéro puis Entrée, et le champ est prêt pour le suivant.",
        "Scan the label: the scanner types the number then Enter, and the field is ready for the next one.",
    ),
    "bench_code": ("Numéro du prélèvement", "Sample number"),
    "bench_step": ("Étape", "Step"),
    "bench_step_received": (
        "reçu (au laboratoire ou au laboratoire partenaire)",
        "received (at the lab or the partner lab)",
    ),
    "bench_step_sent": ("envoyé", "sent"),
    "bench_step_rejected": ("refusé (motif obligatoire)", "rejected (reason required)"),
    "bench_place": ("Lieu", "Place"),
    "bench_reason": ("Motif du refus", "Reason for rejection"),
    "bench_scan_button": ("Scanner", "Scan"),
    "bench_empty_code": ("Aucun numéro n'a été scanné.", "No number was scanned."),
    "bench_mine": ("Vos derniers scans et résultats", "Your last scans and results"),
    "bench_mine_empty": ("Aucun scan pour l'instant.", "No scan yet."),
    "bench_time": ("Heure", "Time"),
    "bench_result_title": ("Saisir un résultat", "Enter a result"),
    "bench_value": ("Valeur", "Value"),
    "bench_flag": ("Interprétation", "Flag"),
    "bench_flag_normal": ("normal", "normal"),
    "bench_flag_abnormal": ("anormal", "abnormal"),
    "bench_flag_critical": ("critique", "critical"),
    "bench_channel": ("Reçu", "Channel"),
    "bench_channel_lab": ("au laboratoire", "at the lab"),
    "bench_channel_phone": ("par téléphone", "by phone"),
    "bench_read_back": (
        "Relu à l'appelant (obligatoire pour un résultat téléphoné)",
        "Read back to the caller (required for a phoned result)",
    ),
    "bench_result_button": ("Enregistrer le résultat", "Record the result"),
    "bench_result_done": (
        "{number} : résultat enregistré, transmis aux services.",
        "{number}: result recorded, released to the wards.",
    ),
    "bench_result_critical": (
        "{number} : résultat critique enregistré ; il attend la confirmation d'une deuxième personne.",
        "{number}: critical result recorded; it awaits a second person's confirmation.",
    ),
    "bench_awaiting": ("Résultats critiques à confirmer ({count})", "Critical results to confirm ({count})"),
    "bench_awaiting_none": (
        "Aucun résultat critique n'attend de confirmation.",
        "No critical result awaits confirmation.",
    ),
    "bench_entered_by": ("Saisi par", "Entered by"),
    "bench_yours": (
        "saisi par vous : une deuxième personne doit le confirmer",
        "entered by you: a second person must confirm it",
    ),
    "bench_confirm_button": ("Confirmer", "Confirm"),
    "bench_confirmed": (
        "{number} : résultat critique confirmé, transmis aux services.",
        "{number}: critical result confirmed, released to the wards.",
    ),
}
