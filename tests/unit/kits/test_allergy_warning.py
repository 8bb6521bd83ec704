"""The words of an allergy-conflict warning, in French and English, and the sign that marks a drug."""

from __future__ import annotations

from bascule.clinical import Allergy, MedicationOrder
from bascule.clinical.allergy_conflicts import conflicts
from bascule.kits.allergy_warning import conflict_sentence

ALLERGY = Allergy(id="a1", version="1", patient_id="p1", substance="Pénicilline", code="764146007")


def _order(rid: str, drug: str, code: str) -> MedicationOrder:
    return MedicationOrder(id=rid, version="1", patient_id="p1", drug=drug, drug_code=code)


def test_a_clash_reads_as_one_sentence_in_each_language() -> None:
    direct, cross = conflicts(
        [ALLERGY], [_order("o1", "Amoxicilline 1 g", "J01CA04"), _order("o2", "Ceftriaxone 1 g", "J01DD04")]
    )
    assert conflict_sentence(direct, "fr") == (
        "CONFLIT ALLERGIE : Amoxicilline 1 g — allergie Pénicilline : vérifier avant administration"
    )
    assert conflict_sentence(direct, "en") == (
        "ALLERGY CONFLICT: Amoxicilline 1 g — Pénicilline allergy: check before giving"
    )
    assert conflict_sentence(cross, "fr") == (
        "CONFLIT ALLERGIE : Ceftriaxone 1 g — allergie Pénicilline (réaction croisée possible, "
        "céphalosporines) : vérifier avant administration"
    )
    assert "(possible cross-reactivity, cephalosporins)" in conflict_sentence(cross, "en")


def test_a_drug_named_in_the_allergy_itself_is_a_clash_without_a_class() -> None:
    allergy = Allergy(id="a2", version="1", patient_id="p1", substance="Lévétiracétam")
    (found,) = conflicts([allergy], [_order("o3", "Lévétiracétam 500 mg", "N03AX14")])
    assert found.drug_class is None
    assert conflict_sentence(found, "en").startswith("ALLERGY CONFLICT: Lévétiracétam 500 mg — Lévétiracétam")
