"""Every word the drawing shows, in French and English."""

from __future__ import annotations

from bascule.i18n import register

register(
    "diagram",
    {
        "title": {"en": "{hospital}: dependency map", "fr": "{hospital} : carte des dépendances"},
        "no_scenario": {
            "en": "No scenario: what depends on what, nothing hit.",
            "fr": "Sans scénario : ce qui dépend de quoi, rien n'est touché.",
        },
        "scenario": {"en": "Scenario: {parts}.", "fr": "Scénario : {parts}."},
        "scenario_named": {"en": "Scenario “{name}”: {parts}.", "fr": "Scénario « {name} » : {parts}."},
        "nothing_hit": {"en": "nothing hit", "fr": "rien n'est touché"},
        "part_declared": {"en": "compromised {ids}", "fr": "compromis {ids}"},
        "part_isolated": {"en": "isolated segments {ids}", "fr": "segments isolés {ids}"},
        "part_supplier": {"en": "suppliers down {ids}", "fr": "fournisseurs défaillants {ids}"},
        "processes": {
            "en": "Care processes: {down} down ({uncovered} with no fallback), {degraded} degraded, {up} up.",
            "fr": "Processus de soins : {down} à l'arrêt ({uncovered} sans procédure dégradée), "
            "{degraded} dégradés, {up} opérationnels.",
        },
        "counts": {
            "en": "{assets} assets, {applications} applications, {processes} care processes.",
            "fr": "{assets} équipements, {applications} applications, {processes} processus de soins.",
        },
        "focus": {
            "en": "Focus on {ids}: what they need and what needs them ({hidden} other nodes left out).",
            "fr": "Zoom sur {ids} : ce dont ils dépendent et ce qui dépend d'eux "
            "({hidden} autres nœuds omis).",
        },
        "affected_only": {
            "en": "Only what the scenario affects: {hidden} nodes still up are left out.",
            "fr": "Seulement ce que le scénario touche : {hidden} nœuds encore opérationnels sont omis.",
        },
        "more": {"en": "and {count} more", "fr": "et {count} autres"},
        "status_up": {"en": "UP", "fr": "OPÉRATIONNEL"},
        "status_degraded": {"en": "DEGRADED", "fr": "DÉGRADÉ"},
        "status_down": {"en": "DOWN", "fr": "ARRÊT"},
        "cause_declared": {"en": "compromised", "fr": "compromis"},
        "cause_isolated": {"en": "segment isolated", "fr": "segment isolé"},
        "cause_supplier": {"en": "supplier down", "fr": "fournisseur défaillant"},
        "cause_dependency": {"en": "via {node}", "fr": "via {node}"},
        "cause_word_declared": {"en": "compromised", "fr": "compromis"},
        "cause_word_isolated": {"en": "segment isolated", "fr": "segment isolé"},
        "cause_word_supplier": {"en": "supplier down", "fr": "fournisseur défaillant"},
        "cause_word_dependency": {"en": "dependency", "fr": "dépendance"},
        "uncovered": {"en": "UNCOVERED: NO FALLBACK", "fr": "NON COUVERT : AUCUNE PROCÉDURE"},
        "fallback": {"en": "fallback: {procedure}", "fr": "mode dégradé : {procedure}"},
        "no_fallback": {"en": "no fallback procedure", "fr": "aucune procédure dégradée"},
        "group": {"en": "{at_least} of {size}", "fr": "{at_least} sur {size}"},
        "collapsed": {"en": "{count} × {label}", "fr": "{count} × {label}"},
        "units": {"en": "{count} units", "fr": "{count} unités"},
        "folded": {"en": "+{count} own servers", "fr": "+{count} serveurs dédiés"},
        "folded_one": {"en": "+1 own server", "fr": "+1 serveur dédié"},
        "tooltip_folded": {"en": "its own servers:", "fr": "ses serveurs dédiés :"},
        "kind_application": {"en": "application", "fr": "application"},
        # asset kinds the map format names (an unknown kind is the map's own word)
        "asset_server": {"en": "server", "fr": "serveur"},
        "asset_storage": {"en": "storage", "fr": "stockage"},
        "asset_network": {"en": "network", "fr": "réseau"},
        "asset_service": {"en": "service", "fr": "service"},
        "asset_workstations": {"en": "workstations", "fr": "postes de travail"},
        "asset_link": {"en": "link", "fr": "liaison"},
        "asset_security": {"en": "security", "fr": "sécurité"},
        "asset_telephony": {"en": "telephony", "fr": "téléphonie"},
        "asset_analyser": {"en": "analyser", "fr": "automate"},
        "kind_process": {"en": "care process", "fr": "processus de soins"},
        "column_asset": {"en": "INFRASTRUCTURE", "fr": "INFRASTRUCTURE"},
        "column_application": {"en": "APPLICATIONS", "fr": "APPLICATIONS"},
        "column_process": {"en": "CARE PROCESSES", "fr": "PROCESSUS DE SOINS"},
        "legend_hit": {
            "en": "HIT: compromised, isolated or supplier down",
            "fr": "TOUCHÉ : compromis, isolé ou fournisseur défaillant",
        },
        "legend_uncovered": {
            "en": "care process down with no fallback",
            "fr": "processus à l'arrêt sans procédure dégradée",
        },
        "legend_need": {"en": "left is needed by right", "fr": "à gauche, nécessaire à droite"},
        "legend_optional": {"en": "optional: only degrades", "fr": "optionnel : dégrade seulement"},
        "legend_group": {
            "en": "K of N: needs K of the N members",
            "fr": "K sur N : besoin de K membres sur N",
        },
        "legend_collapsed": {
            "en": "N × …: alike assets in one box",
            "fr": "N × … : équipements semblables regroupés",
        },
        "legend_priority": {
            "en": "P1 vital · P2 urgent · P3 important · P4 deferrable",
            "fr": "P1 vital · P2 urgent · P3 important · P4 différable",
        },
        "tooltip_status": {"en": "status: {status}", "fr": "état : {status}"},
        "tooltip_cause": {"en": "cause: {cause}", "fr": "cause : {cause}"},
        "tooltip_via": {"en": "via: {chain}", "fr": "via : {chain}"},
        "tooltip_members": {"en": "{count} nodes:", "fr": "{count} nœuds :"},
        "tooltip_priority": {"en": "priority P{priority}", "fr": "priorité P{priority}"},
    },
)
