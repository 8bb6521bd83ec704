"""Every text printed in a paper kit, in French and English."""

from __future__ import annotations

from bascule import i18n

i18n.register(
    "kits",
    {
        "confidential": {"fr": "CONFIDENTIEL / CONFIDENTIAL", "en": "CONFIDENTIAL / CONFIDENTIEL"},
        "page": {"fr": "Page {number} sur {total}", "en": "Page {number} of {total}"},
        "dose_without_unit": {"fr": "{dose} (unité non transmise)", "en": "{dose} (no unit sent)"},
        "data_as_of": {"fr": "Données du {time}", "en": "Data as of {time}"},
        "run_fresh": {
            "fr": "Données du {data_time}, âgées de {age} à l'impression (seuil {max_age}).",
            "en": "Data of {data_time}, {age} old when printed (threshold {max_age}).",
        },
        "run_stale": {
            "fr": "ALERTE : données du {data_time}, âgées de {age}, plus que les {max_age} permises : "
            "les kits portent « ANCIENNES » sur chaque page ; vérifiez tout au lit du patient.",
            "en": "ALARM: data of {data_time}, {age} old, more than the {max_age} allowed: every page of "
            "the kits says STALE; check everything at the bedside.",
        },
        "data_as_of_stale": {"fr": "Données du {time} — ANCIENNES", "en": "Data as of {time} — STALE"},
        "age_at_print": {
            "fr": "Âge des données à l'impression : {age} (seuil {max_age})",
            "en": "Data age when printed: {age} (threshold {max_age})",
        },
        "stale_banner": {
            "fr": "DONNÉES ANCIENNES : plus de {max_age} — le flux de données s'est arrêté ; vérifiez chaque "
            "traitement et chaque allergie avec le patient et l'équipe.",
            "en": "STALE DATA: more than {max_age} old — the data feed stopped; check every treatment and "
            "every allergy with the patient and the team.",
        },
        "kit_title": {"fr": "KIT PAPIER — MODE DÉGRADÉ", "en": "PAPER KIT — DOWNTIME"},
        "cover_data_time": {"fr": "Données arrêtées au", "en": "Data as of"},
        "cover_warning": {
            "fr": "Tout ce qui s'est passé après cette heure n'y figure pas : vérifiez avec l'équipe et le patient.",
            "en": "Nothing that happened after this time is in the kit: check with the team and the patient.",
        },
        "printed_at": {"fr": "Imprimé le {time}", "en": "Printed {time}"},
        "how_to": {"fr": "Mode d'emploi", "en": "How to use this kit"},
        "step_1": {
            "fr": "Vérifiez l'heure des données ci-dessus : les soins faits depuis n'y sont pas.",
            "en": "Check the data time above: care given since then is not in the kit.",
        },
        "step_2": {
            "fr": "Pointez la liste des patients avec les lits réellement occupés ; corrigez à la main.",
            "en": "Check the census against the beds really occupied; correct it by hand.",
        },
        "step_3": {
            "fr": "Rangez chaque fiche patient au lit du patient ; lisez d'abord ALLERGIES et ALERTES.",
            "en": "Keep each patient sheet at the bedside; read ALLERGIES and ALERTS first.",
        },
        "step_4": {
            "fr": "Tracez chaque administration : heure réelle et initiales dans la case de l'heure prévue.",
            "en": "Chart every dose: real time and initials in the box of the scheduled time.",
        },
        "step_5": {
            "fr": "Utilisez les formulaires vierges et un numéro de secours pour tout nouveau patient ; "
            "gardez tous les papiers pour la ressaisie.",
            "en": "Use the blank forms and a downtime number for any new patient; "
            "keep every sheet for re-entry into the EHR.",
        },
        "contents": {"fr": "Contenu du kit", "en": "Contents of the kit"},
        "contents_census": {
            "fr": "Liste des patients : {patients} patients, {beds} lits",
            "en": "Census: {patients} patients, {beds} beds",
        },
        "contents_patients": {
            "fr": "{patients} fiches patient avec plan d'administration 24 h",
            "en": "{patients} patient sheets with a 24 h medication chart",
        },
        "contents_forms": {
            "fr": "Formulaires vierges : prescription, demande d'examens, transfusion, admission",
            "en": "Blank forms: medication order, lab request, transfusion, admission",
        },
        "contents_procedures": {
            "fr": "{count} procédures dégradées",
            "en": "{count} downtime procedures",
        },
        "census_title": {"fr": "Liste des patients", "en": "Census"},
        "census_summary": {
            "fr": "{patients} patients pour {beds} lits",
            "en": "{patients} patients in {beds} beds",
        },
        "census_empty": {"fr": "Aucun patient hospitalisé dans l'unité.", "en": "No inpatient in the unit."},
        "col_bed": {"fr": "Lit", "en": "Bed"},
        "col_patient": {"fr": "Patient", "en": "Patient"},
        "col_age": {"fr": "Âge", "en": "Age"},
        "col_allergy": {"fr": "Allergie", "en": "Allergy"},
        "col_blood": {"fr": "Groupe", "en": "Blood"},
        "col_attending": {"fr": "Médecin", "en": "Attending"},
        "allergy_yes": {"fr": "ALLERGIE", "en": "ALLERGY"},
        "allergy_no": {"fr": "non", "en": "no"},
        "unknown": {"fr": "inconnu", "en": "unknown"},
        "years": {"fr": "{age} ans", "en": "{age} y"},
        "sex_female": {"fr": "F", "en": "F"},
        "sex_male": {"fr": "M", "en": "M"},
        "sex_other": {"fr": "autre", "en": "other"},
        "sex_unknown": {"fr": "?", "en": "?"},
        "born": {"fr": "Né(e) le {date} ({age})", "en": "Born {date} ({age})"},
        "sex": {"fr": "Sexe", "en": "Sex"},
        "mrn": {"fr": "IPP", "en": "MRN"},
        "national_INS": {"fr": "INS", "en": "INS (France)"},
        "national_NHS": {"fr": "N° NHS", "en": "NHS number"},
        "national_other": {"fr": "N° national", "en": "National number"},
        "national_none": {"fr": "non renseigné", "en": "not recorded"},
        "bed": {"fr": "Lit", "en": "Bed"},
        "admitted": {"fr": "Entré(e) le", "en": "Admitted"},
        "attending": {"fr": "Médecin responsable", "en": "Attending"},
        "blood_group": {"fr": "GROUPE SANGUIN", "en": "BLOOD GROUP"},
        "blood_unknown": {
            "fr": "INCONNU — pas de transfusion sans deux déterminations",
            "en": "UNKNOWN — no transfusion without two determinations",
        },
        "allergies": {"fr": "ALLERGIES", "en": "ALLERGIES"},
        "no_allergy": {
            "fr": "Aucune allergie enregistrée — demandez au patient",
            "en": "No allergy recorded — ask the patient",
        },
        "allergy_conflict": {
            "fr": "CONFLIT ALLERGIE : {drug} — allergie {allergy} : vérifier avant administration",
            "en": "ALLERGY CONFLICT: {drug} — {allergy} allergy: check before giving",
        },
        "allergy_conflict_cross": {
            "fr": "CONFLIT ALLERGIE : {drug} — allergie {allergy} (réaction croisée possible, {drug_class}) :"
            " vérifier avant administration",
            "en": "ALLERGY CONFLICT: {drug} — {allergy} allergy (possible cross-reactivity, {drug_class}):"
            " check before giving",
        },
        "allergy_conflict_short": {"fr": "ALLERGIE : vérifier", "en": "ALLERGY: check"},
        "allergy_conflict_legend": {
            "fr": "{mark} = conflit avec une allergie du patient (voir l'encadré sous les allergies)",
            "en": "{mark} = conflicts with the patient's allergy (see the box under the allergies)",
        },
        "alerts": {"fr": "ALERTES", "en": "ALERTS"},
        "problems": {"fr": "Problèmes et diagnostics", "en": "Problems and diagnoses"},
        "none_recorded": {"fr": "aucun enregistré", "en": "none recorded"},
        "medications": {"fr": "Traitements en cours", "en": "Active medications"},
        "col_drug": {"fr": "Médicament", "en": "Drug"},
        "col_dose": {"fr": "Dose", "en": "Dose"},
        "col_route": {"fr": "Voie", "en": "Route"},
        "col_schedule": {"fr": "Horaires", "en": "Schedule"},
        "col_since": {"fr": "Depuis", "en": "Since"},
        "as_needed": {"fr": "si besoin", "en": "as needed"},
        "mar_title": {
            "fr": "Plan d'administration — 24 h à partir du {start}",
            "en": "Medication chart — 24 h from {start}",
        },
        "mar_help": {
            "fr": "Case = dose prévue : écrivez l'heure réelle et vos initiales. Non donnée : « ND » et le motif.",
            "en": "Box = dose due: write the real time and your initials. Not given: “NG” and why.",
        },
        "mar_none": {"fr": "Aucune dose programmée sur 24 h.", "en": "No dose scheduled in the next 24 h."},
        "mar_given": {"fr": "fait {time}", "en": "given {time}"},
        "mar_none_placed": {
            "fr": "Aucune dose à heure fixe sur 24 h : voir les traitements ci-dessous.",
            "en": "No dose at a set time in the next 24 h: see the medications below.",
        },
        "see_prescription": {"fr": "horaire : voir prescription", "en": "schedule: see prescription"},
        "see_title": {
            "fr": "Horaire : voir prescription (heure, dose, initiales)",
            "en": "Schedule: see prescription (time, dose, initials)",
        },
        "as_needed_for": {"fr": "si besoin : {reason}", "en": "as needed: {reason}"},
        "max_dose": {"fr": "max {dose} par {period}", "en": "max {dose} per {period}"},
        "every_days": {"fr": "tous les {days} jours", "en": "every {days} days"},
        "weekday_names": {"fr": "lun mar mer jeu ven sam dim", "en": "Mon Tue Wed Thu Fri Sat Sun"},
        "dose_count": {"fr": "{count} doses en tout", "en": "{count} doses in all"},
        "until": {"fr": "jusqu'au {date}", "en": "until {date}"},
        "not_given_because": {"fr": "NON DONNÉ : {reason}", "en": "NOT GIVEN: {reason}"},
        "prn_title": {"fr": "Si besoin (heure, dose, initiales)", "en": "As needed (time, dose, initials)"},
        "given_title": {"fr": "Administrations des dernières 24 h", "en": "Doses given in the last 24 h"},
        "given_none": {"fr": "Aucune administration enregistrée.", "en": "No administration recorded."},
        "col_time": {"fr": "Heure", "en": "Time"},
        "col_status": {"fr": "Statut", "en": "Status"},
        "labs_title": {"fr": "Derniers résultats de biologie", "en": "Latest lab results"},
        "labs_none": {"fr": "Aucun résultat récent.", "en": "No recent result."},
        "col_test": {"fr": "Examen", "en": "Test"},
        "col_value": {"fr": "Résultat", "en": "Result"},
        "col_range": {"fr": "Normes", "en": "Range"},
        "col_flag": {"fr": "", "en": ""},
        "col_when": {"fr": "Prélevé le", "en": "Taken"},
        "col_previous": {"fr": "Précédent", "en": "Previous"},
        "labs_legend": {
            "fr": "▲ élevé · ▲▲ très élevé · ▼ bas · ▼▼ très bas · ! anormal — les anomalies sont en gras.",
            "en": "▲ high · ▲▲ critically high · ▼ low · ▼▼ critically low · ! abnormal — abnormal results in bold.",
        },
        "procedures_title": {"fr": "Procédures dégradées", "en": "Downtime procedures"},
        "procedure_for": {
            "fr": "Processus : {process} (priorité {priority})",
            "en": "Care process: {process} (priority {priority})",
        },
        "procedures_missing": {
            "fr": "Sans procédure dégradée dans la cartographie — appelez la cellule de crise : {names}",
            "en": "No downtime procedure in the map — call the crisis cell: {names}",
        },
        "procedures_none": {
            "fr": "Aucun processus de soins de la cartographie ne nomme cette unité.",
            "en": "No care process of the map names this unit.",
        },
        "summary": {
            "fr": "{kits} kits, {pages} pages, {mb} Mo en {seconds} s dans {out}.",
            "en": "{kits} kits, {pages} pages, {mb} MB in {seconds} s in {out}.",
        },
        "writing": {"fr": "Impression des kits…", "en": "Printing the kits…"},
    },
)
