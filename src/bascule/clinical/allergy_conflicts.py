"""Which active medication orders clash with a patient's allergies (pure: no store, no FHIR).

One table of drug classes (ATC code prefixes and name stems, French and English) and one of
allergens (SNOMED CT codes and label stems), each allergen naming the classes it forbids and the
classes it may cross-react with. The synthetic hospital prescribes from the same table, so what it
avoids and what a paper kit flags can never drift apart.

Matching is deliberately generous: an ATC prefix or a name stem is enough, because a missed clash
on a downtime sheet costs far more than a nurse checking one more line. Non-antibiotic sulfonamides
(furosemide...) are not flagged for a sulfonamide-antibiotic allergy (no clinical cross-reactivity),
and an iodinated contrast allergy forbids contrast media only, no drug.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bascule.clinical.records import Allergy, MedicationOrder

_INACTIVE = frozenset({"inactive", "resolved", "refuted", "entered-in-error"})


def plain(words: str) -> str:
    """Lower case without accents: "Pipéracilline" and "piperacilline" read the same."""
    decomposed = unicodedata.normalize("NFKD", words.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=64)
def _stem_pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(plain(stem)) for stem in stems) + ")")


@dataclass(frozen=True, slots=True)
class DrugClass:
    """Drugs that share an allergy: their ATC code prefixes and the stems their names start with."""

    key: str
    fr: str
    en: str
    atc_prefixes: tuple[str, ...]
    name_stems: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.key or not (self.atc_prefixes or self.name_stems):
            raise ValueError("a drug class needs a key and ATC prefixes or name stems")

    def label(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def holds(self, drug_code: str | None, drug_name: str) -> bool:
        code = (drug_code or "").strip().upper()
        if code and any(code.startswith(prefix) for prefix in self.atc_prefixes):
            return True
        return bool(self.name_stems) and _stem_pattern(self.name_stems).search(plain(drug_name)) is not None


@dataclass(frozen=True, slots=True)
class Allergen:
    """An allergy as recorded (SNOMED CT codes, label stems) and the classes it rules out."""

    key: str
    snomed: tuple[str, ...]
    label_stems: tuple[str, ...]
    forbids: tuple[str, ...]
    cross_reacts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.forbids + self.cross_reacts) - set(CLASS_KEYS)
        if unknown or not self.forbids:
            raise ValueError(f"allergen {self.key} names unknown or no drug classes: {sorted(unknown)}")

    def matches(self, code: str | None, substance: str) -> bool:
        if code and code.strip() in self.snomed:
            return True
        return _stem_pattern(self.label_stems).search(plain(substance)) is not None


DRUG_CLASSES: tuple[DrugClass, ...] = (
    DrugClass(
        "penicillins",
        "pénicillines",
        "penicillins",
        ("J01C",),
        (
            "amoxicil",
            "ampicil",
            "penicil",
            "piperacil",
            "flucloxacil",
            "cloxacil",
            "oxacil",
            "temocil",
            "ticarcil",
            "pivmecil",
            "mecillinam",
            "augmentin",
            "amoxiclav",
            "tazocil",
        ),
    ),
    DrugClass(
        "cephalosporins",
        "céphalosporines",
        "cephalosporins",
        ("J01DB", "J01DC", "J01DD", "J01DE", "J01DI"),
        ("cef", "ceph"),
    ),
    DrugClass(
        "carbapenems", "carbapénèmes", "carbapenems", ("J01DH",), ("meropenem", "imipenem", "ertapenem")
    ),
    DrugClass(
        "nsaids",
        "anti-inflammatoires non stéroïdiens",
        "NSAIDs",
        ("M01A", "N02BA01", "N02BA51"),
        (
            "ibuprof",
            "ketoprof",
            "diclofenac",
            "naproxen",
            "naproxene",
            "ketorolac",
            "indometacin",
            "celecoxib",
            "etoricoxib",
            "piroxicam",
            "meloxicam",
            "flurbiprof",
            "nimesulid",
        ),
    ),
    DrugClass(
        # Aspirin at antiplatelet dose: a reaction is less likely than at analgesic dose, not excluded.
        "antiplatelet_aspirin",
        "aspirine à dose antiagrégante",
        "antiplatelet-dose aspirin",
        ("B01AC06",),
        ("aspirin", "acide acetylsalicylique", "acetylsalicylic", "kardegic"),
    ),
    DrugClass(
        "sulfonamide_antibiotics",
        "sulfamides antibactériens",
        "sulfonamide antibiotics",
        ("J01E", "A07EC01"),
        ("cotrimox", "co-trimox", "sulfamethox", "sulfadiazin", "sulfasalazin", "bactrim"),
    ),
    DrugClass(
        "opioids",
        "opioïdes",
        "opioids",
        ("N02A", "N01AH", "R05DA04", "N07BC"),
        (
            "morphin",
            "codein",
            "tramadol",
            "oxycodon",
            "hydromorphon",
            "fentanyl",
            "sufentanil",
            "nalbuphin",
            "buprenorphin",
            "methadon",
            "pethidin",
            "tapentadol",
            "dihydrocodein",
        ),
    ),
    DrugClass(
        "iodinated_contrast",
        "produits de contraste iodés",
        "iodinated contrast media",
        ("V08A",),
        ("iohexol", "iopamidol", "iomeprol", "iodixanol", "iobitridol", "omnipaque", "xenetix"),
    ),
)
CLASS_KEYS: tuple[str, ...] = tuple(drug_class.key for drug_class in DRUG_CLASSES)
_BY_KEY = {drug_class.key: drug_class for drug_class in DRUG_CLASSES}

ALLERGENS: tuple[Allergen, ...] = (
    Allergen(
        "penicillins",
        ("764146007", "91936005", "294505008", "372687004"),
        ("penicil", "amoxicil", "ampicil", "piperacil", "flucloxacil", "augmentin", "tazocil"),
        ("penicillins",),
        ("cephalosporins", "carbapenems"),
    ),
    Allergen(
        "beta_lactams",
        (),
        ("beta-lactam", "betalactam", "beta lactam"),
        ("penicillins", "cephalosporins", "carbapenems"),
    ),
    Allergen(
        "cephalosporins",
        (),
        ("cephalospor", "cef", "ceph"),
        ("cephalosporins",),
        ("penicillins", "carbapenems"),
    ),
    Allergen(
        "nsaids",
        ("293586001", "387458008", "387207008"),
        (
            "ains",
            "nsaid",
            "anti-inflammatoire",
            "anti-inflammatory",
            "anti inflammatoire",
            "antiinflammatoire",
            "aspirin",
            "acide acetylsalicylique",
            "acetylsalicylic",
            "ibuprof",
            "ketoprof",
            "diclofenac",
            "naproxen",
        ),
        ("nsaids",),
        ("antiplatelet_aspirin",),
    ),
    Allergen(
        "sulfonamide_antibiotics",
        ("387406002", "91939003"),
        ("sulfamid", "sulfonamid", "sulpha", "cotrimox", "co-trimox", "bactrim", "sulfamethox"),
        ("sulfonamide_antibiotics",),
    ),
    Allergen(
        "opioids",
        ("387494007", "373297006"),
        ("codein", "morphin", "opio", "opiac", "opiat", "tramadol", "oxycodon", "fentanyl", "hydromorphon"),
        ("opioids",),
    ),
    Allergen(
        "iodinated_contrast",
        ("293637006",),
        ("contraste", "contrast", "iode", "iodine", "iodinated"),
        ("iodinated_contrast",),
    ),
)


@dataclass(frozen=True, slots=True)
class AllergyConflict:
    """An active order that a recorded allergy rules out (`cross_reactivity`: a neighbouring class)."""

    order: MedicationOrder
    allergy: Allergy
    drug_class: DrugClass | None  # None: the order names the allergy's very substance
    cross_reactivity: bool = False

    def __post_init__(self) -> None:
        if self.order.patient_id != self.allergy.patient_id:
            raise ValueError(
                f"order {self.order.id} and allergy {self.allergy.id} are not the same patient's"
            )


def drug_classes(drug_code: str | None, drug_name: str) -> tuple[DrugClass, ...]:
    """The classes a drug belongs to, from its ATC code or its name."""
    return tuple(drug_class for drug_class in DRUG_CLASSES if drug_class.holds(drug_code, drug_name))


def allergens(code: str | None, substance: str) -> tuple[Allergen, ...]:
    """What a recorded allergy (SNOMED CT code and/or label, as stored) is known to be."""
    return tuple(allergen for allergen in ALLERGENS if allergen.matches(code, substance))


def clash(
    allergy_code: str | None, substance: str, drug_code: str | None, drug_name: str
) -> tuple[DrugClass | None, bool] | None:
    """How a drug clashes with one allergy: (class, cross-reactivity?), or None when it does not."""
    classes = drug_classes(drug_code, drug_name)
    found = allergens(allergy_code, substance)
    for allergen in found:
        for drug_class in classes:
            if drug_class.key in allergen.forbids:
                return drug_class, False
    for allergen in found:
        for drug_class in classes:
            if drug_class.key in allergen.cross_reacts:
                return drug_class, True
    if _same_substance(substance, drug_name):
        return None, False
    return None


def _same_substance(substance: str, drug_name: str) -> bool:
    """An allergy to a named drug the tables do not know: every word of it is in the order's name
    ("Acide acétylsalicylique" is not "Acide folique")."""
    allergy_words = set(re.findall(r"[a-z][a-z-]{4,}", plain(substance)))
    drug_words = set(re.findall(r"[a-z][a-z-]{4,}", plain(drug_name)))
    return bool(allergy_words) and allergy_words <= drug_words


def is_allowed(allergies: Iterable[tuple[str | None, str]], drug_code: str | None, drug_name: str) -> bool:
    """True when no (code, substance) allergy rules the drug out, cross-reactivity included."""
    return all(clash(code, substance, drug_code, drug_name) is None for code, substance in allergies)


def conflicts(allergies: Iterable[Allergy], orders: Iterable[MedicationOrder]) -> tuple[AllergyConflict, ...]:
    """Each active order paired with each active allergy that rules it out, in order, then allergy."""
    live = [allergy for allergy in allergies if allergy.status not in _INACTIVE]
    found = []
    for order in orders:
        if not order.is_active:
            continue
        for allergy in live:
            result = clash(allergy.code, allergy.substance, order.drug_code, order.drug)
            if result is not None:
                found.append(AllergyConflict(order, allergy, result[0], result[1]))
    return tuple(found)


def class_named(key: str) -> DrugClass:
    return _BY_KEY[key]
