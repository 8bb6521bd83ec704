"""What people read about sealing, in French and English (figures and ids only, no patient data)."""

from __future__ import annotations

from bascule.i18n import Lang, register, t
from bascule.snapshot.bundle import BundleName
from bascule.snapshot.freshness import format_instant
from bascule.snapshot.sealing import SealOutcome

register(
    "seal",
    {
        "sealed": {
            "fr": "Instantané scellé : lot {sequence} de {hospital}, {records} enregistrements, données du "
            "{data_time}, {mb} Mo chiffrés et signés en {seconds} s → {path}{first}",
            "en": "Snapshot sealed: bundle {sequence} of {hospital}, {records} records, data of {data_time}, "
            "{mb} MB encrypted and signed in {seconds} s → {path}{first}",
        },
        "first": {
            "fr": " (premier lot de ce dossier : la garde anti-rançongiciel part de celui-ci)",
            "en": " (first bundle in this folder: the ransomware guard starts from this one)",
        },
        "quarantined": {
            "fr": "QUARANTAINE : cette mise à jour modifie ou supprime {changed_pct} des enregistrements "
            "({changed} modifiés, {removed} supprimés sur {baseline} ; limite {max_change}) et {garbled} "
            "semblent illisibles ({garbled_pct}, limite {max_garbled}) ; elle ressemble à une attaque, "
            "elle a été scellée à part dans {path} et le dernier bon lot ({last}) reste le lot courant.",
            "en": "QUARANTINED: this refresh changes or removes {changed_pct} of the records ({changed} "
            "changed, {removed} removed of {baseline}; limit {max_change}) and {garbled} look garbled "
            "({garbled_pct}, limit {max_garbled}); it looks like an attack, so it was sealed aside in {path} "
            "and the last good bundle ({last}) stays current.",
        },
        "findings": {
            "fr": " Limites franchies : {findings}.",
            "en": " Limits crossed: {findings}.",
        },
        "finding": {
            "fr": "{table} {what} {share} (limite {limit})",
            "en": "{table} {what} {share} (limit {limit})",
        },
        "finding_change": {"fr": "modifiés ou supprimés", "en": "changed or removed"},
        "finding_shrink": {"fr": "perdus", "en": "lost"},
        "finding_floor": {"fr": "perdus sous le plancher", "en": "lost below the floor"},
        "finding_garbled": {"fr": "illisibles", "en": "garbled"},
        "finding_anchor-change": {
            "fr": "modifiés ou supprimés depuis l'ancre",
            "en": "changed or removed since the anchor",
        },
        "finding_anchor-shrink": {"fr": "perdus depuis l'ancre", "en": "lost since the anchor"},
        "none": {"fr": "aucun", "en": "none"},
        "verified": {
            "fr": "Authentique : lot {sequence} de {hospital}, signé par la clé {key_id}, données du "
            "{data_time} (il y a {age}).",
            "en": "Good: bundle {sequence} of {hospital}, signed by key {key_id}, data of {data_time} "
            "({age} old).",
        },
        "opened": {
            "fr": "Lot {sequence} de {hospital} ouvert dans {path} : {records} enregistrements, données du "
            "{data_time} (il y a {age}), SHA-256 contrôlé, {checked}.",
            "en": "Opened bundle {sequence} of {hospital} into {path}: {records} records, data of "
            "{data_time} ({age} old), SHA-256 checked, {checked}.",
        },
        "sig_checked": {"fr": "signature vérifiée", "en": "signature checked"},
        "sig_unchecked": {
            "fr": "signature NON vérifiée : donnez --pubkey",
            "en": "signature NOT checked: give --pubkey",
        },
        "status_line": {
            "fr": "{folder} : lot {sequence} de {hospital}, données du {data_time}, "
            "il y a {age} ({checked}).",
            "en": "{folder}: bundle {sequence} of {hospital}, data of {data_time}, {age} old ({checked}).",
        },
        "status_stale": {
            "fr": "ALERTE : le lot le plus récent de {folder} a {age}, plus que {max_age} : l'alimentation "
            "est arrêtée, les données de ce poste sont périmées.",
            "en": "ALARM: the newest bundle in {folder} is {age} old, more than {max_age}: the feed has "
            "stopped and the data on this station is stale.",
        },
        "status_empty": {
            "fr": "ALERTE : aucun lot dans {folder} : ce poste n'a aucune donnée pour soigner.",
            "en": "ALARM: no bundle in {folder}: this station has no data to care with.",
        },
        "watch_sealed": {
            "fr": "Passage {run} : lot {sequence} scellé ({records} enregistrements, "
            "données d'il y a {age}), copié sur {stations} poste(s).",
            "en": "Run {run}: bundle {sequence} sealed ({records} records, data {age} old), copied to "
            "{stations} station(s).",
        },
        "watch_failed": {
            "fr": "Passage {run} : échec ({error}) ; le dernier bon lot {sequence} reste en place, ses "
            "données ont {age}.",
            "en": "Run {run}: failed ({error}); the last good bundle {sequence} stays, "
            "its data is {age} old.",
        },
        "watch_station_failed": {
            "fr": "Copie impossible vers le poste {station} : {error}.",
            "en": "Could not copy to station {station}: {error}.",
        },
        "demo": {
            "fr": "Instantané de démonstration : lot {sequence} de {hospital}, {records} enregistrements, "
            "chiffré pour le poste de démonstration, signé et vérifié ({mb} Mo, {seconds} s) → {path}",
            "en": "Demo snapshot: bundle {sequence} of {hospital}, {records} records, encrypted for the "
            "demo station, signed and verified ({mb} MB, {seconds} s) → {path}",
        },
    },
)


def _pct(share: float) -> str:
    return f"{share:.0%}"


def quarantine_sentence(outcome: SealOutcome, last_good: BundleName | None, lang: Lang) -> str:
    verdict = outcome.verdict
    return t(
        "seal.quarantined",
        lang,
        changed_pct=_pct(verdict.change_share),
        changed=verdict.changed,
        removed=verdict.removed,
        baseline=verdict.baseline_records,
        max_change=_pct(verdict.policy.max_change),
        garbled=verdict.garbled,
        garbled_pct=_pct(verdict.garbled_share),
        max_garbled=_pct(verdict.policy.max_garbled),
        path=outcome.archive,
        last=last_good.archive if last_good else t("seal.none", lang),
    ) + _findings(outcome, lang)


def _findings(outcome: SealOutcome, lang: Lang) -> str:
    """Which table crossed which limit (figures only), after the quarantine sentence."""
    found = outcome.verdict.findings
    if not found:
        return ""
    listed = [
        t(
            "seal.finding",
            lang,
            table=finding.table,
            what=t(f"seal.finding_{finding.kind}", lang),
            share=_pct(finding.share),
            limit=_pct(finding.limit),
        )
        for finding in found
    ]
    return t("seal.findings", lang, findings="; ".join(listed))


def sealed_sentence(outcome: SealOutcome, lang: Lang, seconds: float) -> str:
    manifest = outcome.manifest
    return t(
        "seal.sealed",
        lang,
        sequence=manifest.sequence,
        hospital=manifest.hospital,
        records=sum(manifest.counts.values()),
        data_time=format_instant(manifest.data_time),
        mb=f"{outcome.archive_size / 1e6:.1f}",
        seconds=f"{seconds:.1f}",
        path=outcome.archive,
        first="" if outcome.verdict.has_baseline else t("seal.first", lang),
    )
