"""The words of the restoration plan (tables, Gantt chart, demo), in French and English."""

from __future__ import annotations

from bascule.i18n import register

register(
    "plan",
    {
        "title": {"fr": "Plan de restauration — {hospital}", "en": "Restoration plan — {hospital}"},
        "summary": {
            "fr": "{tasks} tâche(s) de restauration pour {teams} équipe(s), à partir de H+{at}. "
            "Coût pondéré des retours : {objective} (liste de priorité simple : {baseline} ; "
            "borne inférieure : {bound}) — {solver}, {status}.",
            "en": "{tasks} restoration task(s) for {teams} team(s), from H+{at}. "
            "Weighted time to bring care back: {objective} (simple priority list: {baseline}; "
            "lower bound: {bound}) — {solver}, {status}.",
        },
        "optimal": {"fr": "optimal (prouvé)", "en": "optimal (proven)"},
        "feasible": {"fr": "réalisable, non prouvé optimal", "en": "feasible, not proven optimal"},
        "solving": {"fr": "Calcul du plan (au plus {seconds} s)…", "en": "Planning (at most {seconds} s)…"},
        "team_title": {
            "fr": "Équipe {team} — {members} membre(s), {count} tâche(s)",
            "en": "Team {team} — {members} member(s), {count} task(s)",
        },
        "col_member": {"fr": "Membre", "en": "Member"},
        "col_start": {"fr": "Début", "en": "Start"},
        "col_end": {"fr": "Fin", "en": "End"},
        "col_node": {"fr": "Élément à restaurer", "en": "Node to restore"},
        "col_brings_back": {"fr": "Ramène", "en": "Brings back"},
        "under_way": {"fr": "en cours", "en": "under way"},
        "etas_title": {"fr": "Retour des processus de soins", "en": "When care processes come back"},
        "col_priority": {"fr": "Prio.", "en": "Prio."},
        "col_process": {"fr": "Processus de soins", "en": "Care process"},
        "col_eta": {"fr": "De retour", "en": "Back"},
        "never": {"fr": "jamais dans ce plan", "en": "never within this plan"},
        "not_down": {"fr": "pas à l'arrêt", "en": "not down"},
        "back_at": {"fr": "H+{hours}", "en": "H+{hours}"},
        "blocked": {
            "fr": "Ne peuvent pas commencer (ils attendent ce qui ne revient pas) : {nodes}",
            "en": "Cannot start (they wait for something that does not come back): {nodes}",
        },
        "nothing": {"fr": "Rien à restaurer.", "en": "Nothing to restore."},
        "gantt_written": {
            "fr": "Diagramme de Gantt écrit dans {path}.",
            "en": "Gantt chart written to {path}.",
        },
        "gantt_title": {"fr": "Plan de restauration — {hospital}", "en": "Restoration plan — {hospital}"},
        "gantt_axis": {"fr": "heures depuis l'incident", "en": "hours since the incident"},
        "gantt_member": {"fr": "{team} n°{number}", "en": "{team} #{number}"},
        "gantt_legend_task": {"fr": "tâche de restauration", "en": "restoration task"},
        "gantt_legend_eta": {
            "fr": "retour d'un processus de priorité {priority}",
            "en": "priority {priority} care process back",
        },
        "gantt_now": {"fr": "maintenant", "en": "now"},
        "demo_written": {
            "fr": "Plan de restauration : {tasks} tâche(s), écrit dans {json} et {gantt}.",
            "en": "Restoration plan: {tasks} task(s), written to {json} and {gantt}.",
        },
        "demo_eta": {"fr": "  P{priority} {process} : {when}", "en": "  P{priority} {process}: {when}"},
    },
)
