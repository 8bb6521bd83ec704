"""The readiness messages, in French and English."""

from __future__ import annotations

from bascule.i18n import register

register(
    "readiness",
    {
        "title": {"fr": "Préparation — {hospital}", "en": "Readiness — {hospital}"},
        "col_severity": {"fr": "Gravité", "en": "Severity"},
        "col_kind": {"fr": "Constat", "en": "Finding"},
        "col_subject": {"fr": "Objet", "en": "Subject"},
        "col_detail": {"fr": "Détail", "en": "Detail"},
        "severity_critical": {"fr": "CRITIQUE", "en": "CRITICAL"},
        "severity_high": {"fr": "élevée", "en": "high"},
        "severity_medium": {"fr": "moyenne", "en": "medium"},
        "severity_low": {"fr": "faible", "en": "low"},
        "kind_no_fallback": {"fr": "sans procédure dégradée", "en": "no fallback"},
        "kind_single_point": {"fr": "point unique de défaillance", "en": "single point of failure"},
        "kind_no_teams": {"fr": "aucune équipe de restauration", "en": "no restoration team"},
        "kind_no_team": {"fr": "aucune équipe compétente", "en": "no team can restore"},
        "kind_single_person": {"fr": "une seule personne", "en": "one person only"},
        "kind_station_no_bundle": {"fr": "poste sans paquet", "en": "station without bundle"},
        "kind_station_stale": {"fr": "poste périmé", "en": "stale station"},
        "kind_station_quarantined": {"fr": "poste en quarantaine", "en": "station quarantined"},
        "kind_kit_missing": {"fr": "kit manquant", "en": "missing kit"},
        "kind_kit_old": {"fr": "kit ancien", "en": "old kit"},
        "detail_no_fallback": {
            "fr": "Le processus de soins P{priority} n'a pas de procédure dégradée : à l'arrêt, il n'est pas couvert.",
            "en": "The P{priority} care process has no fallback procedure: when down, it is uncovered.",
        },
        "detail_single_point": {
            "fr": "Sa perte seule ({what}) arrête {processes}.",
            "en": "Losing it alone ({what}) takes down {processes}.",
        },
        "detail_no_teams": {
            "fr": "La carte ne nomme aucune équipe : aucun de ses {nodes} éléments ne peut être restauré par un plan.",
            "en": "The map names no team: none of its {nodes} nodes can be restored by a plan.",
        },
        "detail_no_team": {
            "fr": "Aucune équipe n'a la compétence pour le restaurer ({skills}).",
            "en": "No team has a skill to restore it ({skills}).",
        },
        "detail_single_person": {
            "fr": "Sur le chemin d'un processus vital, une seule personne peut le restaurer ({teams} ; {skills}).",
            "en": "On a vital process's path, one person alone can restore it ({teams}; {skills}).",
        },
        "detail_station_no_bundle": {
            "fr": "Le poste n'a encore accepté aucun paquet vérifié : lancez bascule station check.",
            "en": "The station has not accepted a verified bundle yet: run bascule station check.",
        },
        "detail_station_stale": {
            "fr": "Données du dernier paquet vérifié : {data_time}, âge {age} (maximum {max_age}).",
            "en": "Data of the last verified bundle: {data_time}, {age} old (maximum {max_age}).",
        },
        "detail_station_quarantined": {
            "fr": "Paquets plus récents mis en quarantaine par la garde anti-rançongiciel : {bundles}.",
            "en": "Newer bundles quarantined by the ransomware guard: {bundles}.",
        },
        "detail_kit_missing": {
            "fr": "Aucun kit papier imprimé pour cette unité de soins.",
            "en": "No paper kit printed for this care unit.",
        },
        "detail_kit_old": {
            "fr": "Imprimé le {printed_at}, il y a {age} (maximum {max_age}).",
            "en": "Printed at {printed_at}, {age} ago (maximum {max_age}).",
        },
        "what_node": {"fr": "élément", "en": "node"},
        "what_segment": {"fr": "segment", "en": "segment"},
        "what_supplier": {"fr": "fournisseur", "en": "supplier"},
        "score": {
            "fr": "Score de préparation : {score}/100 ({components}) ; {findings} constat(s).",
            "en": "Readiness score: {score}/100 ({components}); {findings} finding(s).",
        },
        "component_fallback": {"fr": "procédures", "en": "fallbacks"},
        "component_single_points": {"fr": "points uniques", "en": "single points"},
        "component_skills": {"fr": "compétences", "en": "skills"},
        "component_stations": {"fr": "postes", "en": "stations"},
        "component_kits": {"fr": "kits", "en": "kits"},
        "nothing": {"fr": "Aucun constat.", "en": "No findings."},
    },
)
