import bascule.clinical as clinical


def test_the_clinical_api_is_exactly_its_all() -> None:
    public = {name for name in vars(clinical) if not name.startswith("_")} - {
        "allergy_conflicts",
        "dosage",
        "placement",
        "records",
        "results",
        "settings",
        "views",
    }
    assert public == set(clinical.__all__)
    assert clinical.__all__ == sorted(clinical.__all__, key=lambda name: (not name.isupper(), name))
