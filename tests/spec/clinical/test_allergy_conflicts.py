"""Which orders clash with which allergies: the table a downtime sheet relies on, as examples."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bascule.clinical import Allergy, AllergyConflict, MedicationOrder, conflicts
from bascule.clinical.allergy_conflicts import ALLERGENS, DRUG_CLASSES, allergens, clash, drug_classes

# allergy (SNOMED CT code or None, label as stored), drug (ATC or None, label), expected:
# the drug class key and whether it is a cross-reactivity, "same" for the very substance, None: no clash.
CASES: list[tuple[str | None, str, str | None, str, tuple[str, bool] | str | None]] = [
    ("764146007", "Pénicilline", "J01CA04", "Amoxicilline 1 g", ("penicillins", False)),
    ("764146007", "Pénicilline", "J01CR05", "Pipéracilline-tazobactam 4 g", ("penicillins", False)),
    (None, "Penicillin", None, "Co-amoxiclav 625 mg", ("penicillins", False)),
    (None, "Penicillin", "J01CR02", "Augmentin 1 g", ("penicillins", False)),
    (None, "PÉNICILLINE", None, "Augmentin 1 g", ("penicillins", False)),
    (None, "penicillin", None, "Flucloxacillin 500 mg", ("penicillins", False)),
    ("294505008", "Amoxicilline", None, "Amoxicilline-acide clavulanique", ("penicillins", False)),
    ("764146007", "Pénicilline", "J01DD04", "Ceftriaxone 1 g", ("cephalosporins", True)),
    ("764146007", "Penicillin", None, "Meropenem 1 g", ("carbapenems", True)),
    ("764146007", "Pénicilline", "J01FF01", "Clindamycine 600 mg", None),
    ("764146007", "Pénicilline", "J01FA09", "Clarithromycine 500 mg", None),
    ("764146007", "Pénicilline", "J01MA12", "Lévofloxacine 500 mg", None),
    ("293586001", "Anti-inflammatoires non stéroïdiens", "M01AE01", "Ibuprofène 400 mg", ("nsaids", False)),
    (None, "AINS", None, "Kétoprofène 100 mg", ("nsaids", False)),
    (None, "NSAIDs", None, "Diclofenac 50 mg", ("nsaids", False)),
    (None, "Aspirine", "N02BA01", "Aspirine 1 g", ("nsaids", False)),
    (None, "NSAIDs", "B01AC06", "Aspirin 75 mg", ("antiplatelet_aspirin", True)),
    (None, "AINS", "N02BE01", "Paracétamol 1 g", None),
    ("387406002", "Sulfamides", "J01EE01", "Cotrimoxazole 800/160 mg", ("sulfonamide_antibiotics", False)),
    (None, "Sulfonamides", None, "Co-trimoxazole 960 mg", ("sulfonamide_antibiotics", False)),
    ("387406002", "Sulfamides", "C03CA01", "Furosémide 40 mg", None),  # no cross-reactivity
    ("387494007", "Codéine", "N02AA01", "Morphine 5 mg", ("opioids", False)),
    ("373297006", "Morphine", "N02AX02", "Tramadol 50 mg", ("opioids", False)),
    (None, "Opioids", None, "Oxycodone 5 mg", ("opioids", False)),
    ("293637006", "Produit de contraste iodé", "N02BE01", "Paracétamol 1 g", None),
    ("293637006", "Iodinated contrast media", "J01CA04", "Amoxicillin 1 g", None),
    ("293637006", "Produit de contraste iodé", "V08AB02", "Iohexol 350", ("iodinated_contrast", False)),
    ("111088007", "Latex", "J01CA04", "Amoxicilline 1 g", None),
    ("256349002", "Arachide", "N02BE01", "Paracétamol 1 g", None),
    (None, "Ciprofloxacine", "J01MA02", "Ciprofloxacine 500 mg", "same"),
    (None, "Ciprofloxacin", "J01MA02", "Levofloxacin 500 mg", None),
    (None, "Acide acétylsalicylique", None, "Acide folique 5 mg", None),  # a shared first word is not enough
    (None, "Sulfate de morphine", None, "Sulfate de magnésium 1 g", None),
    (None, "Lévétiracétam", "N03AX14", "Levetiracetam 500 mg", "same"),
]


@pytest.mark.parametrize(("allergy_code", "substance", "drug_code", "drug", "expected"), CASES)
def test_which_drug_clashes_with_which_allergy(
    allergy_code: str | None, substance: str, drug_code: str | None, drug: str, expected: object
) -> None:
    found = clash(allergy_code, substance, drug_code, drug)
    if expected is None:
        assert found is None
    elif expected == "same":
        assert found == (None, False)
    else:
        assert found is not None and found[0] is not None
        assert (found[0].key, found[1]) == expected


def test_names_match_at_the_start_of_a_word_only() -> None:
    assert drug_classes(None, "Sels de bains") == ()  # "ains" inside a word is not the NSAIDs
    assert allergens(None, "Mains sèches") == ()
    assert [a.key for a in allergens(None, "AINS")] == ["nsaids"]


def test_every_class_is_named_in_both_languages_and_reachable_from_an_allergen() -> None:
    reachable = {key for allergen in ALLERGENS for key in allergen.forbids + allergen.cross_reacts}
    assert {drug_class.key for drug_class in DRUG_CLASSES} == reachable
    assert all(drug_class.fr and drug_class.en for drug_class in DRUG_CLASSES)


AT = datetime(2026, 3, 10, 8, tzinfo=UTC)


def _allergy(rid: str, substance: str, code: str | None = None, status: str = "active") -> Allergy:
    return Allergy(id=rid, version="1", patient_id="p1", substance=substance, code=code, status=status)


def _order(rid: str, drug: str, code: str | None = None, status: str = "active") -> MedicationOrder:
    return MedicationOrder(id=rid, version="1", patient_id="p1", drug=drug, drug_code=code, status=status)


def test_conflicts_pair_each_active_order_with_each_active_allergy_ruling_it_out() -> None:
    allergies = [
        _allergy("a1", "Pénicilline", "764146007"),
        _allergy("a2", "AINS"),
        _allergy("a3", "Sulfamides", status="resolved"),
        _allergy("a4", "Latex", "111088007"),
    ]
    orders = [
        _order("o1", "Amoxicilline 1 g", "J01CA04"),
        _order("o2", "Paracétamol 1 g", "N02BE01"),
        _order("o3", "Ibuprofène 400 mg", "M01AE01"),
        _order("o4", "Cotrimoxazole 800/160 mg", "J01EE01"),  # the allergy is resolved
        _order("o5", "Pipéracilline-tazobactam 4 g", "J01CR05", status="stopped"),
        _order("o6", "Ceftriaxone 1 g", "J01DD04"),
    ]
    found = conflicts(allergies, orders)
    assert [(c.order.id, c.allergy.id, c.cross_reactivity) for c in found] == [
        ("o1", "a1", False),
        ("o3", "a2", False),
        ("o6", "a1", True),
    ]
    assert conflicts([], orders) == () and conflicts(allergies, []) == ()


def test_a_conflict_cannot_mix_two_patients() -> None:
    other = MedicationOrder(id="o9", version="1", patient_id="p2", drug="Amoxicilline 1 g")
    with pytest.raises(ValueError, match="not the same patient"):
        AllergyConflict(other, _allergy("a1", "Pénicilline"), None)
