"""What the synthetic hospital's patients have: drugs, allergies, problems and lab tests.

Labels are (fr, en). Codes: ATC for drugs, SNOMED CT for allergies, ICD-10 for problems, LOINC for
lab tests. Reference ranges are adult ranges in SI units.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Drug:
    atc: str
    fr: str
    en: str
    dose: float
    unit: str
    route: str
    times: tuple[str, ...]
    as_needed: bool = False


@dataclass(frozen=True, slots=True)
class Substance:
    snomed: str
    fr: str
    en: str
    category: str
    reaction_fr: str
    reaction_en: str


@dataclass(frozen=True, slots=True)
class Diagnosis:
    icd10: str
    fr: str
    en: str


@dataclass(frozen=True, slots=True)
class LabTest:
    loinc: str
    fr: str
    en: str
    unit: str
    low: float
    high: float
    mean: float
    spread: float
    decimals: int


DRUGS: tuple[Drug, ...] = (
    Drug("N02BE01", "Paracétamol 1 g", "Paracetamol 1 g", 1, "g", "oral", ("08:00", "14:00", "20:00")),
    Drug("J01CA04", "Amoxicilline 1 g", "Amoxicillin 1 g", 1, "g", "oral", ("08:00", "14:00", "20:00")),
    Drug("B01AB05", "Énoxaparine 4000 UI", "Enoxaparin 40 mg", 0.4, "mL", "subcutaneous", ("20:00",)),
    Drug("C03CA01", "Furosémide 40 mg", "Furosemide 40 mg", 40, "mg", "oral", ("08:00",)),
    Drug("C07AB07", "Bisoprolol 2,5 mg", "Bisoprolol 2.5 mg", 2.5, "mg", "oral", ("08:00",)),
    Drug("C09AA05", "Ramipril 5 mg", "Ramipril 5 mg", 5, "mg", "oral", ("08:00",)),
    Drug("A10BA02", "Metformine 1000 mg", "Metformin 1000 mg", 1000, "mg", "oral", ("08:00", "20:00")),
    Drug("A10AE04", "Insuline glargine", "Insulin glargine", 20, "U", "subcutaneous", ("22:00",)),
    Drug("A02BC01", "Oméprazole 20 mg", "Omeprazole 20 mg", 20, "mg", "oral", ("08:00",)),
    Drug("C10AA05", "Atorvastatine 40 mg", "Atorvastatin 40 mg", 40, "mg", "oral", ("20:00",)),
    Drug("C08CA01", "Amlodipine 5 mg", "Amlodipine 5 mg", 5, "mg", "oral", ("08:00",)),
    Drug("H03AA01", "Lévothyroxine 75 µg", "Levothyroxine 75 micrograms", 75, "ug", "oral", ("07:00",)),
    Drug("J01DD04", "Ceftriaxone 1 g", "Ceftriaxone 1 g", 1, "g", "intravenous", ("08:00",)),
    Drug("N02AA01", "Morphine 5 mg", "Morphine 5 mg", 5, "mg", "subcutaneous", (), as_needed=True),
    Drug("N02AX02", "Tramadol 50 mg", "Tramadol 50 mg", 50, "mg", "oral", ("08:00", "14:00", "20:00")),
    Drug("B01AF02", "Apixaban 5 mg", "Apixaban 5 mg", 5, "mg", "oral", ("08:00", "20:00")),
    Drug("B01AC06", "Acide acétylsalicylique 75 mg", "Aspirin 75 mg", 75, "mg", "oral", ("08:00",)),
    Drug("B01AC04", "Clopidogrel 75 mg", "Clopidogrel 75 mg", 75, "mg", "oral", ("08:00",)),
    Drug(
        "A12BA01", "Chlorure de potassium 1 g", "Potassium chloride 1 g", 1, "g", "oral", ("08:00", "20:00")
    ),
    Drug("A06AD11", "Lactulose 10 g", "Lactulose 10 g", 10, "g", "oral", ("08:00",)),
    Drug(
        "J01CR05",
        "Pipéracilline-tazobactam 4 g",
        "Piperacillin-tazobactam 4.5 g",
        4,
        "g",
        "intravenous",
        ("06:00", "14:00", "22:00"),
    ),
    Drug(
        "R03AC02",
        "Salbutamol 5 mg nébulisation",
        "Salbutamol 5 mg nebule",
        5,
        "mg",
        "inhaled",
        ("06:00", "12:00", "18:00", "00:00"),
    ),
    Drug("H02AB06", "Prednisolone 20 mg", "Prednisolone 20 mg", 20, "mg", "oral", ("08:00",)),
    Drug("A04AA01", "Ondansétron 4 mg", "Ondansetron 4 mg", 4, "mg", "intravenous", (), as_needed=True),
    Drug("N05CF01", "Zopiclone 7,5 mg", "Zopiclone 7.5 mg", 7.5, "mg", "oral", ("22:00",)),
    Drug("C01AA05", "Digoxine 125 µg", "Digoxin 125 micrograms", 125, "ug", "oral", ("08:00",)),
    Drug("N03AX14", "Lévétiracétam 500 mg", "Levetiracetam 500 mg", 500, "mg", "oral", ("08:00", "20:00")),
    Drug("J01MA02", "Ciprofloxacine 500 mg", "Ciprofloxacin 500 mg", 500, "mg", "oral", ("08:00", "20:00")),
    Drug(
        "B05BB01",
        "NaCl 0,9 % 1000 mL",
        "Sodium chloride 0.9 % 1000 mL",
        1000,
        "mL",
        "intravenous",
        ("08:00", "20:00"),
    ),
    Drug("A11CC05", "Cholécalciférol 100 000 UI", "Colecalciferol 800 units", 1, "dose", "oral", ("12:00",)),
    Drug("M01AE01", "Ibuprofène 400 mg", "Ibuprofen 400 mg", 400, "mg", "oral", ("08:00", "14:00", "20:00")),
    Drug(
        "J01EE01",
        "Cotrimoxazole 800/160 mg",
        "Co-trimoxazole 960 mg",
        1,
        "dose",
        "oral",
        ("08:00", "20:00"),
    ),
)

# Prescribed only in place of a drug the patient is allergic to: antibiotics that are not
# beta-lactams nor sulfonamides, and the usual second choices for pain and platelets.
CLINDAMYCIN = Drug(
    "J01FF01",
    "Clindamycine 600 mg",
    "Clindamycin 600 mg",
    600,
    "mg",
    "intravenous",
    ("06:00", "14:00", "22:00"),
)
CLARITHROMYCIN = Drug(
    "J01FA09", "Clarithromycine 500 mg", "Clarithromycin 500 mg", 500, "mg", "oral", ("08:00", "20:00")
)
LEVOFLOXACIN = Drug("J01MA12", "Lévofloxacine 500 mg", "Levofloxacin 500 mg", 500, "mg", "oral", ("08:00",))
_ANTIBIOTICS = (CLINDAMYCIN, CLARITHROMYCIN, LEVOFLOXACIN)
_DRUG = {drug.atc: drug for drug in DRUGS}
SUBSTITUTES: dict[str, tuple[Drug, ...]] = {
    "J01CA04": _ANTIBIOTICS,  # amoxicillin
    "J01CR05": _ANTIBIOTICS,  # piperacillin-tazobactam
    "J01DD04": _ANTIBIOTICS,  # ceftriaxone
    "J01DD01": _ANTIBIOTICS,  # cefotaxime
    "J01EE01": (LEVOFLOXACIN, CLARITHROMYCIN),  # co-trimoxazole
    "M01AE01": (_DRUG["N02BE01"],),  # ibuprofen: paracetamol
    "B01AC06": (_DRUG["B01AC04"],),  # aspirin: clopidogrel
    "N02AA01": (_DRUG["N02BE01"],),  # morphine: paracetamol
    "N02AX02": (_DRUG["N02BE01"],),  # tramadol: paracetamol
}

SUBSTANCES: tuple[tuple[Substance, float], ...] = (
    (Substance("764146007", "Pénicilline", "Penicillin", "medication", "Urticaire", "Urticaria"), 0.30),
    (
        Substance("111088007", "Latex", "Latex", "environment", "Dermatite de contact", "Contact dermatitis"),
        0.12,
    ),
    (
        Substance(
            "293637006",
            "Produit de contraste iodé",
            "Iodinated contrast media",
            "medication",
            "Choc anaphylactique",
            "Anaphylaxis",
        ),
        0.10,
    ),
    (
        Substance(
            "293586001",
            "Anti-inflammatoires non stéroïdiens",
            "NSAIDs",
            "medication",
            "Bronchospasme",
            "Bronchospasm",
        ),
        0.12,
    ),
    (Substance("294505008", "Amoxicilline", "Amoxicillin", "medication", "Éruption cutanée", "Rash"), 0.08),
    (Substance("387494007", "Codéine", "Codeine", "medication", "Nausées", "Nausea"), 0.06),
    (Substance("387406002", "Sulfamides", "Sulfonamides", "medication", "Éruption cutanée", "Rash"), 0.07),
    (Substance("256349002", "Arachide", "Peanut", "food", "Œdème de Quincke", "Angioedema"), 0.06),
    (Substance("102263004", "Œuf", "Egg", "food", "Urticaire", "Urticaria"), 0.03),
    (Substance("373297006", "Morphine", "Morphine", "medication", "Prurit", "Pruritus"), 0.06),
)

DIAGNOSES: tuple[Diagnosis, ...] = (
    Diagnosis("I10", "Hypertension artérielle essentielle", "Essential hypertension"),
    Diagnosis("E11.9", "Diabète de type 2", "Type 2 diabetes mellitus"),
    Diagnosis("I50.9", "Insuffisance cardiaque", "Heart failure"),
    Diagnosis("J18.9", "Pneumopathie", "Pneumonia"),
    Diagnosis("N18.3", "Maladie rénale chronique stade 3", "Chronic kidney disease, stage 3"),
    Diagnosis("I48.9", "Fibrillation auriculaire", "Atrial fibrillation"),
    Diagnosis("J44.9", "BPCO", "COPD"),
    Diagnosis("I21.4", "Infarctus sans sus-décalage ST", "NSTEMI"),
    Diagnosis("S72.0", "Fracture du col du fémur", "Fracture of neck of femur"),
    Diagnosis("C34.9", "Cancer bronchique", "Lung cancer"),
    Diagnosis("A41.9", "Sepsis", "Sepsis"),
    Diagnosis("N39.0", "Infection urinaire", "Urinary tract infection"),
    Diagnosis("D64.9", "Anémie", "Anaemia"),
    Diagnosis("I63.9", "Accident vasculaire cérébral ischémique", "Ischaemic stroke"),
    Diagnosis("F03", "Démence", "Dementia"),
    Diagnosis("G40.9", "Épilepsie", "Epilepsy"),
    Diagnosis("K35.8", "Appendicite aiguë", "Acute appendicitis"),
    Diagnosis("M17.1", "Gonarthrose", "Osteoarthritis of knee"),
    Diagnosis("E66.9", "Obésité", "Obesity"),
    Diagnosis("K80.2", "Lithiase vésiculaire", "Gallstones"),
    Diagnosis("E87.6", "Hypokaliémie", "Hypokalaemia"),
    Diagnosis("J96.0", "Insuffisance respiratoire aiguë", "Acute respiratory failure"),
)

# The daily morning panel, then tests taken only for some patients.
LAB_PANEL: tuple[LabTest, ...] = (
    LabTest("2823-3", "Potassium", "Potassium", "mmol/L", 3.5, 5.1, 4.2, 0.5, 1),
    LabTest("2951-2", "Sodium", "Sodium", "mmol/L", 136, 145, 139, 3.5, 0),
    LabTest("14682-9", "Créatinine", "Creatinine", "umol/L", 45, 104, 85, 30, 0),
    LabTest("718-7", "Hémoglobine", "Haemoglobin", "g/dL", 12, 17, 12.8, 1.8, 1),
    LabTest("777-3", "Plaquettes", "Platelets", "10*9/L", 150, 400, 250, 80, 0),
    LabTest("6690-2", "Leucocytes", "White cell count", "10*9/L", 4, 10, 8.5, 3, 1),
    LabTest("1988-5", "Protéine C réactive", "C-reactive protein", "mg/L", 0, 5, 20, 30, 0),
    LabTest("15074-8", "Glucose", "Glucose", "mmol/L", 3.9, 6.1, 6.0, 1.8, 1),
)
LAB_EXTRAS: tuple[LabTest, ...] = (
    LabTest("6301-6", "INR", "INR", "{INR}", 0.8, 1.2, 1.4, 0.6, 1),
    LabTest("67151-1", "Troponine T hs", "Troponin T high sensitivity", "ng/L", 0, 14, 18, 25, 0),
    LabTest("22664-7", "Urée", "Urea", "mmol/L", 2.5, 7.8, 7, 3, 1),
)
BLOOD_GROUPS: tuple[tuple[str, str, float], ...] = (
    # group, SNOMED CT code, share of the French population
    ("O+", "278147001", 0.36),
    ("A+", "278149003", 0.37),
    ("B+", "278150003", 0.09),
    ("AB+", "278151004", 0.03),
    ("O-", "278148006", 0.06),
    ("A-", "278152006", 0.07),
    ("B-", "278153001", 0.01),
    ("AB-", "278154007", 0.01),
)
ALERTS: tuple[tuple[str, str, str], ...] = (
    ("fall-risk", "Risque de chute", "Fall risk"),
    ("isolation-contact", "Isolement contact (BMR)", "Contact isolation (MRSA)"),
    ("identity-doubt", "Identitovigilance : homonyme dans le service", "Identity: namesake on the ward"),
    ("dnr", "Limitation des thérapeutiques actives", "Do not attempt resuscitation"),
    ("swallowing", "Troubles de la déglutition", "Swallowing difficulties"),
)
CONSULTATIONS: tuple[tuple[str, str], ...] = (
    ("Consultation de suivi", "Follow-up consultation"),
    ("Consultation pré-anesthésique", "Pre-anaesthetic assessment"),
    ("Première consultation", "New patient consultation"),
    ("Consultation post-opératoire", "Post-operative review"),
)
IMAGING: tuple[tuple[str, str], ...] = (
    ("Scanner thoracique", "CT chest"),
    ("IRM cérébrale", "MRI brain"),
    ("Radiographie du thorax", "Chest X-ray"),
    ("Échographie abdominale", "Abdominal ultrasound"),
    ("Scanner abdomino-pelvien", "CT abdomen and pelvis"),
    ("Mammographie", "Mammography"),
)
SURGERY: tuple[tuple[str, str], ...] = (
    ("Cholécystectomie cœlioscopique", "Laparoscopic cholecystectomy"),
    ("Prothèse totale de hanche", "Total hip replacement"),
    ("Prothèse totale de genou", "Total knee replacement"),
    ("Appendicectomie", "Appendicectomy"),
    ("Cure de hernie inguinale", "Inguinal hernia repair"),
    ("Chirurgie de la cataracte", "Cataract surgery"),
    ("Coronarographie", "Coronary angiography"),
)
# Units of cross-matched red cells reserved for an operation (a maximum surgical blood ordering
# schedule, by the English name); the others are group and screen only.
CROSS_MATCHED_UNITS: dict[str, int] = {"Total hip replacement": 2}
SPECIALTIES: tuple[tuple[str, str], ...] = (
    ("Médecine interne", "Internal medicine"),
    ("Cardiologie", "Cardiology"),
    ("Pneumologie", "Respiratory medicine"),
    ("Gériatrie", "Geriatrics"),
    ("Chirurgie orthopédique", "Trauma and orthopaedics"),
    ("Chirurgie digestive", "General surgery"),
    ("Radiologie", "Radiology"),
    ("Anesthésie", "Anaesthetics"),
    ("Neurologie", "Neurology"),
    ("Néphrologie", "Nephrology"),
)
