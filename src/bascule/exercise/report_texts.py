"""The words of the after-action report, in French and English (HTML and PDF share them)."""

from __future__ import annotations

from bascule.i18n import register

REPORT_TEXTS: dict[str, tuple[str, str]] = {
    "exercise": ("EXERCICE", "EXERCISE"),
    "title": ("Retour d'expérience de l'exercice", "Exercise after-action report"),
    "incident": ("Incident d'exercice n° {number}", "Exercise incident no. {number}"),
    "started": ("Début", "Started"),
    "ended": ("Fin", "Ended"),
    "not_ended": ("non terminé", "not ended"),
    "duration": ("Durée jouée", "Time played"),
    "speed": ("Horloge", "Clock"),
    "speed_value": (
        "× {speed} (1 minute réelle = {speed} minutes d'exercice)",
        "× {speed} (1 real minute = {speed} exercise minutes)",
    ),
    "participants": ("Participants", "Participants"),
    "times_note": (
        "Les minutes sont celles de l'horloge de l'exercice, depuis son début (T+hh:mm) ; les dates sont à l'heure de l'hôpital ({zone}).",
        "Minutes are on the exercise clock, from its start (T+hh:mm); dates are in the hospital's time ({zone}).",
    ),
    "score": ("Score de préparation", "Readiness score"),
    "score_of": ("{score} / 100", "{score} / 100"),
    "component_d": ("D — décisions attendues", "D — expected decisions"),
    "component_c": ("C — continuité des soins", "C — continuity of care"),
    "component_p": ("P — procédures dégradées", "P — fallback procedures"),
    "formula": (
        "score = arrondi(100 × (0,5·D + 0,3·C + 0,2·P)) ; D = Σ poids × (1 à l'heure, 0,5 en retard, 0 manquée) / Σ poids ; "
        "C = minutes sans couverture pondérées de référence / réelles (plafonné à 1) ; "
        "P = part pondérée des processus tombés dont la procédure a été lancée ; poids P1 1000, P2 100, P3 10, P4 1.",
        "score = round(100 × (0.5·D + 0.3·C + 0.2·P)); D = Σ weight × (1 on time, 0.5 late, 0 missed) / Σ weight; "
        "C = reference / actual weighted uncovered minutes (capped at 1); "
        "P = weighted share of the processes that went down whose procedure was started; weights P1 1000, P2 100, P3 10, P4 1.",
    ),
    "decisions": ("Décisions attendues", "Expected decisions"),
    "decision": ("Décision", "Decision"),
    "due": ("Échéance", "Due"),
    "met_at": ("Prise à", "Taken at"),
    "outcome": ("Résultat", "Outcome"),
    "how": ("Constat", "Recognised"),
    "on_time": ("à l'heure", "on time"),
    "late": ("en retard de {minutes} min", "{minutes} min late"),
    "missed": ("MANQUÉE", "MISSED"),
    "not_played": ("non jouée (inject non diffusé)", "not played (inject never released)"),
    "not_due": ("non jouée (pas encore échue à la fin)", "not played (not yet due at the end)"),
    "auto": ("automatique", "automatic"),
    "facilitator": ("animateur", "facilitator"),
    "no_decisions": ("Le scénario n'attendait aucune décision.", "The script expected no decision."),
    "timeline": ("Chronologie", "Timeline"),
    "minute": ("Minute", "Minute"),
    "event": ("Événement", "Event"),
    "by": ("Par", "By"),
    "inject": ("Inject {id} ({channel}) : {text}", "Inject {id} ({channel}): {text}"),
    "released_by_clock": ("horloge", "clock"),
    "channel_phone": ("téléphone", "phone"),
    "channel_email": ("courriel", "e-mail"),
    "channel_press": ("presse", "press"),
    "channel_ward": ("service de soins", "ward"),
    "channel_supplier": ("fournisseur", "supplier"),
    "act_down": ("Déclaré compromis : {target}", "Declared compromised: {target}"),
    "act_isolate": ("Segment isolé : {target}", "Segment isolated: {target}"),
    "act_supplier": ("Fournisseur déclaré à l'arrêt : {target}", "Supplier declared down: {target}"),
    "act_lift": ("Levée : {target}", "Lifted: {target}"),
    "act_procedure": ("Procédure dégradée lancée : {target}", "Fallback procedure started: {target}"),
    "act_sitrep": ("Point de situation", "Situation report"),
    "act_triage": ("Triage approuvé : {target}", "Triage approved: {target}"),
    "act_decision": ("Décision : « {target} »", "Decision: “{target}”"),
    "no_timeline": (
        "Aucun inject diffusé, aucune action de la cellule.",
        "No inject released, no act of the cell.",
    ),
    "uncovered": ("Minutes de processus de soins sans couverture", "Uncovered care-process minutes"),
    "uncovered_note": (
        "Référence : les atteintes du scénario, les isolements attendus dès leur inject, les procédures lancées dès la chute "
        "et la restauration dans l'ordre optimal du plan.",
        "Reference: the script's hits, the expected isolations from their inject, procedures started the moment a process "
        "went down and restoration in the optimal plan's order.",
    ),
    "priority": ("Priorité", "Priority"),
    "priority_1": ("P1 vital", "P1 vital"),
    "priority_2": ("P2 urgent", "P2 urgent"),
    "priority_3": ("P3 important", "P3 important"),
    "priority_4": ("P4 différable", "P4 deferrable"),
    "actual": ("Réel (min)", "Actual (min)"),
    "reference": ("Référence (min)", "Reference (min)"),
    "excess": ("Écart (min)", "Excess (min)"),
    "procedures": ("Procédures dégradées", "Fallback procedures"),
    "process": ("Processus", "Process"),
    "procedure": ("Procédure", "Procedure"),
    "started_at": ("Lancée à", "Started at"),
    "after_down": ("Après la chute", "After going down"),
    "never_down": ("jamais tombé", "never went down"),
    "no_procedure_started": ("Aucune procédure dégradée lancée.", "No fallback procedure started."),
    "not_started": (
        "Tombés, procédure jamais lancée : {names}",
        "Went down, procedure never started: {names}",
    ),
    "had_none": (
        "Tombés sans aucune procédure dégradée : {names}",
        "Went down with no fallback procedure at all: {names}",
    ),
    "improvements": (
        "Actions d'amélioration (actions du prochain exercice)",
        "Improvement actions (actions of the next exercise)",
    ),
    "action": ("Action", "Action"),
    "owner": ("Responsable", "Owner"),
    "done": ("Fait", "Done"),
    "yes": ("oui", "yes"),
    "no": ("non", "no"),
    "no_improvements": ("Aucune action d'amélioration notée.", "No improvement action written."),
    "page": ("page {number} / {total}", "page {number} of {total}"),
    "role_director": ("direction", "director"),
    "role_it": ("informatique", "IT"),
    "role_medical": ("médical", "medical"),
    "role_communications": ("communication", "communications"),
    "role_facilitator": ("animateur", "facilitator"),
}

register("after_action", {key: {"fr": fr, "en": en} for key, (fr, en) in REPORT_TEXTS.items()})
