"""Blank forms for downtime: medication order, lab request, transfusion record (with the bedside
checks) and admission (with the box for the downtime number). One page each."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from bascule import i18n
from bascule.i18n import Lang, t
from bascule.kits.frame import PatientMark, Styles
from bascule.kits.tables import field_rows, grid_table, text

i18n.register(
    "kitforms",
    {
        "order_title": {
            "fr": "PRESCRIPTION MÉDICAMENTEUSE (mode dégradé)",
            "en": "MEDICATION ORDER (downtime)",
        },
        "lab_title": {"fr": "DEMANDE D'EXAMENS DE BIOLOGIE (mode dégradé)", "en": "LAB REQUEST (downtime)"},
        "transfusion_title": {
            "fr": "FICHE DE TRANSFUSION (mode dégradé)",
            "en": "TRANSFUSION RECORD (downtime)",
        },
        "admission_title": {"fr": "ADMISSION (mode dégradé)", "en": "ADMISSION (downtime)"},
        "identity": {
            "fr": "Nom, prénom — né(e) le — IPP ou n° de secours (ou étiquette)",
            "en": "Name — date of birth — MRN or downtime number (or label)",
        },
        "allergies_checked": {
            "fr": "☐ Allergies vérifiées : ☐ aucune ☐ oui :",
            "en": "☐ Allergies checked: ☐ none ☐ yes:",
        },
        "drug": {"fr": "Médicament (DCI)", "en": "Drug (generic name)"},
        "dose": {"fr": "Dose", "en": "Dose"},
        "route": {"fr": "Voie", "en": "Route"},
        "times": {"fr": "Horaires / fréquence", "en": "Times / frequency"},
        "start": {"fr": "Début", "en": "Start"},
        "stop": {"fr": "Arrêt", "en": "Stop"},
        "prescriber": {
            "fr": "Prescripteur : nom, signature, date, heure",
            "en": "Prescriber: name, signature, date, time",
        },
        "urgency": {"fr": "☐ Urgent   ☐ Non urgent", "en": "☐ Urgent   ☐ Routine"},
        "sampled": {
            "fr": "Prélevé le / à, par (nom, signature)",
            "en": "Taken on / at, by (name, signature)",
        },
        "clinical_info": {"fr": "Renseignements cliniques", "en": "Clinical information"},
        "other_tests": {"fr": "Autres examens", "en": "Other tests"},
        "requester": {
            "fr": "Demandeur : nom, signature, téléphone",
            "en": "Requested by: name, signature, phone",
        },
        "tests": {
            "fr": "Numération formule (NFS)|Ionogramme sanguin|Créatinine, urée|CRP|Glycémie|Bilan hépatique|"
            "TP / INR|TCA|Fibrinogène|Troponine|Lactates|Gaz du sang|Groupe ABO-RhD (1re détermination)|"
            "Groupe ABO-RhD (2e détermination)|Recherche d'agglutinines irrégulières (RAI)|Hémocultures|ECBU|β-hCG",
            "en": "Full blood count|Urea and electrolytes|Creatinine|CRP|Glucose|Liver function tests|"
            "PT / INR|aPTT|Fibrinogen|Troponin|Lactate|Blood gas|ABO-RhD group (1st sample)|"
            "ABO-RhD group (2nd sample)|Antibody screen|Blood cultures|Urine culture|β-hCG",
        },
        "prescription": {
            "fr": "Produit prescrit (CGR, plasma, plaquettes), nombre d'unités, indication, prescripteur",
            "en": "Product ordered (red cells, plasma, platelets), units, indication, prescriber",
        },
        "patient_group": {
            "fr": "Groupe ABO-RhD du patient (document de groupage, 2 déterminations)",
            "en": "Patient's ABO-RhD group (group card, 2 determinations)",
        },
        "bedside": {
            "fr": "Contrôles au lit du patient, pour chaque poche",
            "en": "Bedside checks, for each unit",
        },
        "unit_number": {"fr": "N° de la poche", "en": "Unit number"},
        "check_identity": {
            "fr": "Identité : le patient dit son nom et sa date de naissance",
            "en": "Identity: the patient states name and date of birth",
        },
        "check_concordance": {
            "fr": "Concordance patient / prescription / étiquette / fiche de délivrance",
            "en": "Patient / order / unit label / issue slip all match",
        },
        "check_group": {
            "fr": "Groupe du produit compatible avec le groupe du patient",
            "en": "Unit's group compatible with the patient's group",
        },
        "check_bedside_test": {
            "fr": "Contrôle ultime de compatibilité (carte) : ☐ compatible ☐ NON",
            "en": "Bedside ABO test card: ☐ compatible ☐ NOT",
        },
        "check_expiry": {
            "fr": "Date de péremption et aspect de la poche",
            "en": "Expiry date and look of the unit",
        },
        "check_two": {
            "fr": "Vérifié par 2 soignants (noms, signatures)",
            "en": "Checked by 2 staff (names, signatures)",
        },
        "vitals": {"fr": "Surveillance", "en": "Observations"},
        "vitals_before": {"fr": "Avant", "en": "Before"},
        "vitals_15": {"fr": "15 min", "en": "15 min"},
        "vitals_end": {"fr": "Fin", "en": "End"},
        "vitals_cols": {"fr": "Heure|TA|Pouls|T°|Signature", "en": "Time|BP|Pulse|Temp|Signature"},
        "reaction": {
            "fr": "Réaction : ☐ aucune ☐ oui — ARRÊTER, garder la poche, appeler le médecin et l'hémovigilance",
            "en": "Reaction: ☐ none ☐ yes — STOP, keep the bag, call the doctor and haemovigilance",
        },
        "downtime_number": {
            "fr": "N° DE SECOURS (coller l'étiquette ou recopier avec son caractère de contrôle)",
            "en": "DOWNTIME NUMBER (stick the label or copy it with its check character)",
        },
        "admission_fields": {
            "fr": "Nom de naissance|Nom d'usage|Prénom(s)|Date de naissance|Sexe|Adresse, téléphone|"
            "N° INS ou pièce d'identité|Personne à prévenir|Arrivée (date, heure, mode)|Provenance|"
            "Motif d'admission|Unité, chambre, lit|Allergies|Médecin responsable|Saisi par (nom, signature)",
            "en": "Family name at birth|Family name used|Given name(s)|Date of birth|Sex|Address, phone|"
            "National number or ID document|Next of kin|Arrival (date, time, how)|Coming from|"
            "Reason for admission|Unit, room, bed|Allergies|Attending|Recorded by (name, signature)",
        },
        "admission_help": {
            "fr": "Patient inconnu : nom « X » suivi du n° de secours. Gardez cette fiche pour la ressaisie.",
            "en": "Unknown patient: name “X” followed by the downtime number. Keep this form for re-entry.",
        },
    },
)


def _title(key: str, styles: Styles, lang: Lang) -> list[Flowable]:
    return [PageBreak(), PatientMark(None), Paragraph(text(t(f"kitforms.{key}", lang)), styles.title)]


def _identity(styles: Styles, lang: Lang, width: float) -> Flowable:
    return field_rows([t("kitforms.identity", lang)], styles, width, label_width=70 * mm, height=22 * mm)


def medication_order(styles: Styles, lang: Lang, width: float) -> list[Flowable]:
    heading = [t(f"kitforms.{k}", lang) for k in ("drug", "dose", "route", "times", "start", "stop")]
    widths = [width * 0.34, width * 0.12, width * 0.10, width * 0.20, width * 0.12, width * 0.12]
    return [
        *_title("order_title", styles, lang),
        _identity(styles, lang, width),
        Spacer(0, 2 * mm),
        Paragraph(text(t("kitforms.allergies_checked", lang)), styles.bold),
        Spacer(0, 3 * mm),
        grid_table(heading, [[""] * 6 for _ in range(12)], widths, styles, row_height=11 * mm),
        Spacer(0, 3 * mm),
        field_rows([t("kitforms.prescriber", lang)], styles, width, label_width=70 * mm, height=16 * mm),
    ]


def lab_request(styles: Styles, lang: Lang, width: float) -> list[Flowable]:
    tests = t("kitforms.tests", lang).split("|")
    half = (len(tests) + 1) // 2
    left, right = tests[:half], tests[half:] + [""] * (2 * half - len(tests))
    rows = [[f"☐ {a}", f"☐ {b}" if b else ""] for a, b in zip(left, right, strict=True)]
    return [
        *_title("lab_title", styles, lang),
        _identity(styles, lang, width),
        Spacer(0, 2 * mm),
        Paragraph(text(t("kitforms.urgency", lang)), styles.title),
        grid_table(None, rows, [width / 2, width / 2], styles, row_height=8.5 * mm),
        Spacer(0, 3 * mm),
        field_rows(
            [
                t("kitforms.other_tests", lang),
                t("kitforms.clinical_info", lang),
                t("kitforms.sampled", lang),
                t("kitforms.requester", lang),
            ],
            styles,
            width,
            label_width=60 * mm,
            height=14 * mm,
        ),
    ]


def transfusion_record(styles: Styles, lang: Lang, width: float) -> list[Flowable]:
    checks = [
        t(f"kitforms.{k}", lang)
        for k in (
            "check_identity",
            "check_concordance",
            "check_group",
            "check_bedside_test",
            "check_expiry",
            "check_two",
        )
    ]
    units = 3
    label_width = width * 0.46
    column = (width - label_width) / units
    check_rows = [[t("kitforms.unit_number", lang)] + [""] * units] + [
        [f"☐ {c}"] + ["☐"] * units for c in checks
    ]
    check_table = grid_table(
        None,
        check_rows,
        [label_width] + [column] * units,
        styles,
        row_height=11 * mm,
        extra=[("FONT", (1, 1), (-1, -1), styles.cell.fontName, 18), ("ALIGN", (1, 1), (-1, -1), "CENTER")],
    )
    vitals_heading = [t("kitforms.vitals", lang), *t("kitforms.vitals_cols", lang).split("|")]
    vitals_rows = [[t(f"kitforms.vitals_{k}", lang)] + [""] * 5 for k in ("before", "15", "end")]
    vitals = grid_table(
        vitals_heading, vitals_rows, [width * 0.2] + [width * 0.16] * 5, styles, row_height=9 * mm
    )
    reaction = Table([[Paragraph(text(t("kitforms.reaction", lang)), styles.bold)]], colWidths=[width])
    reaction.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2, colors.black)]))
    return [
        *_title("transfusion_title", styles, lang),
        _identity(styles, lang, width),
        Spacer(0, 2 * mm),
        field_rows(
            [t("kitforms.prescription", lang), t("kitforms.patient_group", lang)],
            styles,
            width,
            label_width=70 * mm,
            height=13 * mm,
        ),
        Paragraph(text(t("kitforms.bedside", lang)), styles.heading),
        check_table,
        Spacer(0, 3 * mm),
        vitals,
        Spacer(0, 3 * mm),
        reaction,
    ]


def admission(styles: Styles, lang: Lang, width: float) -> list[Flowable]:
    number_box = Table(
        [[Paragraph(text(t("kitforms.downtime_number", lang)), styles.bold)], [""]],
        colWidths=[width],
        rowHeights=[None, 20 * mm],
    )
    number_box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 3, colors.black)]))
    return [
        *_title("admission_title", styles, lang),
        number_box,
        Spacer(0, 3 * mm),
        field_rows(
            t("kitforms.admission_fields", lang).split("|"),
            styles,
            width,
            label_width=62 * mm,
            height=10.5 * mm,
        ),
        Spacer(0, 2 * mm),
        Paragraph(text(t("kitforms.admission_help", lang)), styles.body),
    ]


def blank_forms(styles: Styles, lang: Lang, width: float) -> list[Flowable]:
    return [
        *medication_order(styles, lang, width),
        *lab_request(styles, lang, width),
        *transfusion_record(styles, lang, width),
        *admission(styles, lang, width),
    ]
