"""The laboratory's sentences about its menu and requests, in French and English."""

from __future__ import annotations

from bascule.i18n import Lang, register, t

register(
    "laboratory",
    {
        "why_full": {
            "fr": "Le système du laboratoire fonctionne : le menu complet s'applique.",
            "en": "The laboratory system works: the full menu applies.",
        },
        "why_downtime": {
            "fr": "Au menu dégradé : réalisé par {runners}, {daily} par jour.",
            "en": "On the downtime menu: run by {runners}, {daily} a day.",
        },
        "why_no_runner": {
            "fr": "Aucun automate ni laboratoire partenaire ne le réalise sans le système du laboratoire.",
            "en": "No analyser or partner laboratory runs it without the laboratory system.",
        },
        "why_runners_down": {
            "fr": "Tout ce qui le réalise est hors service : {runners}.",
            "en": "All that run it are down: {runners}.",
        },
        "accepted_full": {
            "fr": "Accepté : {test}, le système du laboratoire fonctionne.",
            "en": "Accepted: {test}, the laboratory system works.",
        },
        "accepted_downtime": {
            "fr": "Accepté : {test}, {count} sur {cap} aujourd'hui, réalisé par {runners}.",
            "en": "Accepted: {test}, {count} of {cap} today, run by {runners}.",
        },
        "refused_not_on_menu": {
            "fr": "Refusé : « {test} » n'est pas au menu du laboratoire{near}.",
            "en": 'Refused: "{test}" is not on the laboratory\'s menu{near}.',
        },
        "near": {"fr": " (vouliez-vous dire « {test} » ?)", "en": ' (did you mean "{test}"?)'},
        "refused_no_runner": {
            "fr": "Refusé : rien ne réalise {test} maintenant ; hors service : {runners}.",
            "en": "Refused: nothing runs {test} now; down: {runners}.",
        },
        "refused_no_runner_at_all": {
            "fr": "Refusé : aucun automate ni laboratoire partenaire ne réalise {test} sans le système du laboratoire.",
            "en": "Refused: no analyser or partner laboratory runs {test} without the laboratory system.",
        },
        "refused_cap_reached": {
            "fr": "Refusé : {test} a atteint son plafond du mode dégradé, {count} sur {cap} aujourd'hui.",
            "en": "Refused: {test} is at its downtime cap, {count} of {cap} today.",
        },
    },
)

# What the laboratory's paper and commands call a priority, a result's flag and its channel: one
# vocabulary for the menu, the labels, the manifest, the ward's sheet and the command line.
register(
    "lab_words",
    {
        "priority_critical": {"fr": "critique", "en": "critical"},
        "priority_urgent": {"fr": "urgent", "en": "urgent"},
        "priority_routine": {"fr": "routine", "en": "routine"},
        "flag_normal": {"fr": "normal", "en": "normal"},
        "flag_abnormal": {"fr": "anormal", "en": "abnormal"},
        "flag_critical": {"fr": "critique", "en": "critical"},
        "channel_lab": {"fr": "laboratoire", "en": "laboratory"},
        "channel_phone": {"fr": "téléphone, relu", "en": "phone, read back"},
    },
)


def priority_name(priority: str, lang: Lang) -> str:
    """critical, urgent or routine as the reader's language says it."""
    return t(f"lab_words.priority_{priority}", lang)


def flag_name(flag: str, lang: Lang) -> str:
    """A result's flag (normal, abnormal, critical) as the reader's language says it."""
    return t(f"lab_words.flag_{flag}", lang)


def channel_name(channel: str, lang: Lang) -> str:
    """How a result came: from the laboratory, or by phone and read back."""
    return t(f"lab_words.channel_{channel}", lang)
