"""The station's words, in French and English: the banner with the data time and its age, the
pick-up notice, and every label of the pages (registered as `station_view.*`)."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from bascule.i18n import Lang, register, t
from bascule.station.viewer.library import Status

PICKUP_NOTICE_FOR = timedelta(minutes=10)


def age_words(age: timedelta, lang: Lang) -> str:
    """3 h 12, 45 min, 2 j 04 h: how long ago, as a ward says it."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {rest:02d}"
    days, hours = divmod(hours, 24)
    return f"{days} {'j' if lang == 'fr' else 'd'} {hours:02d} h"


def banner(status: Status, now: datetime, lang: Lang) -> str:
    facts = status.facts
    if facts is None:
        return t("station_view.no_bundle", lang)
    local = facts.data_time.astimezone(facts.zone)
    text = t(
        "station_view.banner",
        lang,
        day=f"{local:%d/%m}",
        time=f"{local:%H:%M}",
        age=age_words(now - facts.data_time, lang),
    )
    if status.stale(now):
        text += " — " + t("station_view.banner_stale", lang, limit=age_words(status.max_age, lang))
    return text


def pickup_notice(status: Status, now: datetime, lang: Lang, zone: tzinfo) -> str | None:
    if status.picked_up_at is None or status.facts is None or now - status.picked_up_at > PICKUP_NOTICE_FOR:
        return None
    return t(
        "station_view.picked_up",
        lang,
        time=f"{status.picked_up_at.astimezone(zone):%H:%M}",
        sequence=status.facts.sequence,
    )


def when(moment: datetime | None, zone: tzinfo, style: str, now: datetime) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    if style == "day":
        return f"{local:%d/%m/%Y}"
    if style == "time":
        return f"{local:%H:%M}"
    return f"{local:%d/%m %H:%M}" if local.year == now.astimezone(zone).year else f"{local:%d/%m/%Y %H:%M}"


def entry_value(name: str, value: object, zone: tzinfo, now: datetime, lang: Lang) -> str:
    """A recorded field as the ward reads it: a local time, a number without a needless .0, a code
    in words."""
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",") if lang == "fr" else f"{value:g}"
    text = str(value)
    if name == "at":
        try:
            return when(datetime.fromisoformat(text), zone, "short", now)
        except ValueError:
            return text
    if name in ("sex", "destination", "status", "flag", "read_back"):
        return t(f"station_view.code_{text}", lang)
    return text


register(
    "station_view",
    {
        "banner": {
            "fr": "Données du {day} à {time}, il y a {age}",
            "en": "Data of {day} at {time}, {age} ago",
        },
        "banner_stale": {
            "fr": "PÉRIMÉES (plus de {limit}) : vérifiez auprès du service avant d'agir",
            "en": "STALE (older than {limit}): check with the unit before acting",
        },
        "picked_up": {
            "fr": "Nouvelles données reçues à {time} (paquet {sequence}).",
            "en": "New data received at {time} (bundle {sequence}).",
        },
        "newer_available": {
            "fr": "Des données plus récentes sont arrivées.",
            "en": "Newer data has arrived.",
        },
        "reload": {"fr": "Recharger", "en": "Reload"},
        "refused": {
            "fr": "Un paquet reçu a été refusé ; les données affichées restent les dernières vérifiées.",
            "en": "A bundle received was refused; the data shown stays the last verified copy.",
        },
        "no_bundle": {"fr": "Aucune donnée vérifiée sur ce poste", "en": "No verified data on this station"},
        "no_bundle_long": {
            "fr": "Ce poste n'a encore reçu aucun paquet vérifié. Prévenez la cellule de crise ; utilisez les kits papier.",
            "en": "This station has received no verified bundle yet. Tell the crisis cell; use the paper kits.",
        },
        "title": {"fr": "Poste de consultation dégradée", "en": "Downtime viewer"},
        "read_only": {"fr": "Copie de secours du dossier", "en": "Backup copy of the record"},
        "login": {"fr": "Connexion", "en": "Log in"},
        "name": {"fr": "Identifiant", "en": "User name"},
        "password": {"fr": "Mot de passe", "en": "Password"},
        "login_button": {"fr": "Se connecter", "en": "Log in"},
        "breakglass": {
            "fr": "Code d'accès d'urgence (enveloppe scellée)",
            "en": "Emergency access code (sealed envelope)",
        },
        "breakglass_button": {"fr": "Utiliser le code", "en": "Use the code"},
        "idle_out": {
            "fr": "Vous avez été déconnecté après {minutes} min sans activité.",
            "en": "You were logged out after {minutes} min without activity.",
        },
        "login_expired_form": {
            "fr": "Le formulaire a expiré ; saisissez à nouveau.",
            "en": "The form expired; enter again.",
        },
        "logout": {"fr": "Déconnexion", "en": "Log out"},
        "search": {"fr": "Rechercher un patient", "en": "Find a patient"},
        "search_hint": {
            "fr": "Nom, date de naissance (jj/mm/aaaa), IPP, n° national, n° dégradé ou lit",
            "en": "Name, birth date (dd/mm/yyyy), MRN, national id, downtime number or bed",
        },
        "search_button": {"fr": "Chercher", "en": "Search"},
        "no_hit": {"fr": "Aucun patient trouvé.", "en": "No patient found."},
        "discharged": {"fr": "sorti", "en": "discharged"},
        "discharged_on": {"fr": "Sorti le {day} ({unit})", "en": "Discharged on {day} ({unit})"},
        "units": {"fr": "Unités", "en": "Units"},
        "status": {"fr": "État du poste", "en": "Station status"},
        "unit": {"fr": "Unité", "en": "Unit"},
        "room": {"fr": "Chambre", "en": "Room"},
        "bed": {"fr": "Lit", "en": "Bed"},
        "patients": {"fr": "Patients", "en": "Patients"},
        "beds": {"fr": "Lits", "en": "Beds"},
        "name_col": {"fr": "Nom", "en": "Name"},
        "born": {"fr": "Né(e) le", "en": "Born"},
        "mrn": {"fr": "IPP", "en": "MRN"},
        "national": {"fr": "N° national", "en": "National id"},
        "age_years": {"fr": "{age} ans", "en": "{age} y"},
        "allergies": {"fr": "ALLERGIES", "en": "ALLERGIES"},
        "no_allergy": {
            "fr": "AUCUNE ALLERGIE ENREGISTRÉE dans la copie — vérifiez auprès du patient",
            "en": "NO ALLERGY RECORDED in the copy — check with the patient",
        },
        "unconfirmed": {"fr": "non confirmée", "en": "unconfirmed"},
        "high_risk": {"fr": "RISQUE ÉLEVÉ", "en": "HIGH RISK"},
        "severe": {"fr": "réaction sévère", "en": "severe reaction"},
        "blood_group": {"fr": "Groupe sanguin", "en": "Blood group"},
        "unknown_group": {"fr": "inconnu dans la copie", "en": "unknown in the copy"},
        "alerts": {"fr": "Alertes", "en": "Alerts"},
        "medications": {"fr": "Traitements en cours", "en": "Current medications"},
        "drug": {"fr": "Médicament", "en": "Drug"},
        "dose": {"fr": "Dose", "en": "Dose"},
        "route": {"fr": "Voie", "en": "Route"},
        "schedule": {"fr": "Horaires", "en": "Schedule"},
        "none": {"fr": "Aucun dans la copie.", "en": "None in the copy."},
        "next_doses": {"fr": "Administrations prévues (24 h)", "en": "Doses due (24 h)"},
        "time": {"fr": "Heure", "en": "Time"},
        "given": {"fr": "Donné", "en": "Given"},
        "results": {"fr": "Résultats (72 h)", "en": "Results (72 h)"},
        "downtime_results": {
            "fr": "Résultats rendus sans le système du laboratoire",
            "en": "Results given without the laboratory system",
        },
        "sample": {"fr": "Prélèvement", "en": "Sample"},
        "laboratory": {"fr": "Laboratoire", "en": "Laboratory"},
        "lab_menu_title": {
            "fr": "Examens de laboratoire possibles",
            "en": "Laboratory tests you may request",
        },
        "lab_menu_published": {
            "fr": "Menu publié par le laboratoire le {when} ({by}).",
            "en": "Menu published by the laboratory on {when} ({by}).",
        },
        "lab_menu_none": {
            "fr": "Le laboratoire n'a publié aucun menu dans cette copie : appelez le laboratoire avant de prélever.",
            "en": "The laboratory has published no menu in this copy: call the laboratory before taking a sample.",
        },
        "lab_menu_full": {
            "fr": "Le système du laboratoire fonctionne : toutes les demandes habituelles sont possibles.",
            "en": "The laboratory system works: every usual request is possible.",
        },
        "lab_menu_restricted": {
            "fr": "Menu dégradé : seuls ces examens sont réalisés, dans la limite du nombre par jour. Toute autre demande est refusée.",
            "en": "Downtime menu: only these tests are run, up to their number a day. Any other request is refused.",
        },
        "lab_menu_off": {"fr": "Non réalisés pour l'instant", "en": "Not run for now"},
        "priority": {"fr": "Priorité", "en": "Priority"},
        "run_by": {"fr": "Réalisé par", "en": "Run by"},
        "a_day": {"fr": "Par jour", "en": "A day"},
        "why": {"fr": "Pourquoi", "en": "Why"},
        "by_phone": {"fr": "par téléphone, relu", "en": "by phone, read back"},
        "confirmed_by": {"fr": "critique, confirmé par {who}", "en": "critical, confirmed by {who}"},
        "awaiting_confirmation": {
            "fr": "{count} valeur(s) critique(s) attend(ent) la confirmation d'une seconde personne au laboratoire : appelez le laboratoire.",
            "en": "{count} critical value(s) await confirmation by a second person at the laboratory: call the laboratory.",
        },
        "test": {"fr": "Examen", "en": "Test"},
        "value": {"fr": "Valeur", "en": "Value"},
        "range": {"fr": "Normes", "en": "Range"},
        "previous": {"fr": "Précédent", "en": "Previous"},
        "problems": {"fr": "Problèmes", "en": "Problems"},
        "attending": {"fr": "Médecin responsable", "en": "Attending"},
        "admitted": {"fr": "Entré le", "en": "Admitted"},
        "print_sheet": {"fr": "Imprimer la fiche (PDF)", "en": "Print the sheet (PDF)"},
        "print_page": {"fr": "Imprimer cette page", "en": "Print this page"},
        "print_kit": {"fr": "Imprimer le kit de l'unité (PDF)", "en": "Print the unit's kit (PDF)"},
        "not_found": {"fr": "Introuvable dans la copie.", "en": "Not found in the copy."},
        "no_patient_data": {
            "fr": "Ce compte d'administration n'ouvre pas de dossier patient.",
            "en": "This administration account opens no patient record.",
        },
        "bundle": {"fr": "Paquet", "en": "Bundle"},
        "checked_at": {"fr": "Dernière vérification de la boîte de réception", "en": "Inbox last checked"},
        "accounts": {"fr": "Comptes du poste", "en": "Station accounts"},
        "role": {"fr": "Rôle", "en": "Role"},
        "active": {"fr": "Actif", "en": "Active"},
        "locked_until": {"fr": "Verrouillé jusqu'à", "en": "Locked until"},
        "other_lang": {"fr": "English", "en": "Français"},
        "breakglass_session": {
            "fr": "Accès d'urgence : chaque dossier ouvert est tracé et sera revu.",
            "en": "Emergency access: every record opened is logged and will be reviewed.",
        },
        "trend_up": {"fr": "en hausse", "en": "rising"},
        "trend_down": {"fr": "en baisse", "en": "falling"},
        "trend_same": {"fr": "stable", "en": "steady"},
        "conflict": {"fr": "CONFLIT ALLERGIE", "en": "ALLERGY CONFLICT"},
        "as_needed": {"fr": "si besoin", "en": "as needed"},
        "role_nurse": {"fr": "infirmier·e", "en": "nurse"},
        "role_doctor": {"fr": "médecin", "en": "doctor"},
        "role_admin": {"fr": "administration", "en": "administration"},
        "field_family": {"fr": "Nom", "en": "Family name"},
        "field_given": {"fr": "Prénom", "en": "Given name"},
        "field_birth_date": {"fr": "Date de naissance", "en": "Birth date"},
        "field_sex": {"fr": "Sexe", "en": "Sex"},
        "field_national_id": {"fr": "N° national (NIR, NHS...)", "en": "National id (NIR, NHS...)"},
        "field_phone": {"fr": "Téléphone", "en": "Phone"},
        "field_postcode": {"fr": "Code postal", "en": "Postcode"},
        "field_unit": {"fr": "Unité", "en": "Unit"},
        "field_room": {"fr": "Chambre", "en": "Room"},
        "field_bed": {"fr": "Lit", "en": "Bed"},
        "field_at": {"fr": "Heure de l'acte", "en": "Time of the act"},
        "field_destination": {"fr": "Destination", "en": "Destination"},
        "field_temperature_c": {"fr": "Température (°C)", "en": "Temperature (°C)"},
        "field_heart_rate": {"fr": "Fréquence cardiaque (/min)", "en": "Heart rate (/min)"},
        "field_systolic": {"fr": "PA systolique (mmHg)", "en": "Systolic BP (mmHg)"},
        "field_diastolic": {"fr": "PA diastolique (mmHg)", "en": "Diastolic BP (mmHg)"},
        "field_respiratory_rate": {"fr": "Fréquence respiratoire (/min)", "en": "Respiratory rate (/min)"},
        "field_spo2": {"fr": "SpO2 (%)", "en": "SpO2 (%)"},
        "field_pain": {"fr": "Douleur (0-10)", "en": "Pain (0-10)"},
        "field_glucose_mmol": {"fr": "Glycémie (mmol/L)", "en": "Glucose (mmol/L)"},
        "field_drug": {"fr": "Médicament", "en": "Drug"},
        "field_status": {"fr": "Donné ?", "en": "Given?"},
        "field_dose_value": {"fr": "Dose", "en": "Dose"},
        "field_dose_unit": {"fr": "Unité de dose (mg, mL, UI...)", "en": "Dose unit (mg, mL, IU...)"},
        "field_route": {"fr": "Voie", "en": "Route"},
        "field_order_id": {"fr": "Prescription du dossier", "en": "Order from the chart"},
        "field_reason": {"fr": "Raison (si non donné)", "en": "Reason (if not given)"},
        "field_test": {"fr": "Examen", "en": "Test"},
        "field_value": {"fr": "Résultat", "en": "Result"},
        "field_flag": {"fr": "Anomalie", "en": "Flag"},
        "field_caller": {"fr": "Appelant (labo, nom)", "en": "Caller (lab, name)"},
        "field_read_back": {"fr": "Relu à l'appelant ?", "en": "Read back to the caller?"},
        "field_text": {"fr": "Note", "en": "Note"},
        "code_female": {"fr": "femme", "en": "female"},
        "code_male": {"fr": "homme", "en": "male"},
        "code_other": {"fr": "autre", "en": "other"},
        "code_unknown": {"fr": "inconnu", "en": "unknown"},
        "code_home": {"fr": "domicile", "en": "home"},
        "code_other-hospital": {"fr": "autre hôpital", "en": "other hospital"},
        "code_care-home": {"fr": "EHPAD / établissement", "en": "care home"},
        "code_deceased": {"fr": "décédé", "en": "deceased"},
        "code_given": {"fr": "donné", "en": "given"},
        "code_not-given": {"fr": "NON donné", "en": "NOT given"},
        "code_N": {"fr": "normal", "en": "normal"},
        "code_L": {"fr": "bas", "en": "low"},
        "code_H": {"fr": "haut", "en": "high"},
        "code_LL": {"fr": "critique bas", "en": "critically low"},
        "code_HH": {"fr": "critique haut", "en": "critically high"},
        "code_A": {"fr": "anormal", "en": "abnormal"},
        "code_AA": {"fr": "critique", "en": "critical"},
        "code_yes": {"fr": "oui", "en": "yes"},
        "code_no": {"fr": "non", "en": "no"},
        "kind_registration": {"fr": "Nouveau patient (n° dégradé)", "en": "New patient (downtime number)"},
        "kind_arrival": {"fr": "Arrivée", "en": "Arrival"},
        "kind_transfer": {"fr": "Transfert", "en": "Transfer"},
        "kind_discharge": {"fr": "Sortie", "en": "Discharge"},
        "kind_vitals": {"fr": "Constantes", "en": "Vital signs"},
        "kind_administration": {"fr": "Administration", "en": "Administration"},
        "kind_phone_result": {"fr": "Résultat reçu par téléphone", "en": "Result by phone"},
        "kind_note": {"fr": "Note", "en": "Note"},
        "no_order": {"fr": "— hors prescription du dossier —", "en": "— not an order of the chart —"},
        "record": {"fr": "Saisir", "en": "Record"},
        "record_button": {"fr": "Enregistrer la saisie", "en": "Save the entry"},
        "downtime_id": {"fr": "N° dégradé (étiquette)", "en": "Downtime number (label)"},
        "recorded_here": {"fr": "Saisies de ce poste", "en": "Entries made on this station"},
        "recorded_ok": {"fr": "Saisie {entry} enregistrée.", "en": "Entry {entry} saved."},
        "not_recording": {
            "fr": "Ce poste n'est pas configuré pour la saisie (bascule station recording).",
            "en": "This station is not set up to record (bascule station recording).",
        },
        "downtime_patient": {"fr": "Patient n° dégradé {number}", "en": "Downtime patient {number}"},
        "not_registered_here": {
            "fr": "Pas d'enregistrement de ce numéro sur ce poste.",
            "en": "No registration of this number on this station.",
        },
        "by": {"fr": "par", "en": "by"},
        "required": {"fr": "obligatoire", "en": "required"},
        "registered_here": {
            "fr": "Enregistrés sur ce poste (n° dégradé)",
            "en": "Registered on this station (downtime number)",
        },
        "sex_female": {"fr": "femme", "en": "female"},
        "sex_male": {"fr": "homme", "en": "male"},
        "sex_other": {"fr": "autre", "en": "other"},
        "sex_unknown": {"fr": "sexe inconnu", "en": "sex unknown"},
    },
)
