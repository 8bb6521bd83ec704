"""The station's search: what a nurse types finds the patient, best matches first."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.lookup import PatientCard, PatientIndex
from bascule.lookup.index import natural_key, within_one_edit

LEFT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def inpatient(
    pid: str, family: str, given: str = "", *, bed: str = "1", room: str = "1", **more: object
) -> PatientCard:
    return PatientCard(
        id=pid,
        family=family,
        given=given,
        unit_id=str(more.pop("unit_id", "cardio")),
        unit_name="Cardiologie",
        room=room,
        bed=bed,
        in_census=True,
        **more,  # type: ignore[arg-type]
    )


def discharged(pid: str, family: str, given: str = "", **more: object) -> PatientCard:
    return PatientCard(
        id=pid,
        family=family,
        given=given,
        last_stay_end=LEFT,
        last_unit_name="Cardiologie",
        **more,  # type: ignore[arg-type]
    )


HOSPITAL = PatientIndex(
    [
        inpatient(
            "p-dupont",
            "Dupont",
            "Jean",
            bed="12",
            birth_date=date(1950, 3, 12),
            mrn="700001",
            national_number="185057800608436",
            downtime_numbers=("TIL-URG1-00042-K",),
        ),
        discharged("p-dupont-left", "Dupont", "Marie", birth_date=date(1950, 3, 12), mrn="700002"),
        inpatient("p-dupond", "Dupond", "Luc", bed="2", birth_date=date(1962, 7, 1)),
        inpatient("p-dupontel", "Dupontel", "Albert", bed="10"),
        inpatient("p-ostergaard", "Østergaard", "Søren", unit_id="rea", bed="3"),
        inpatient("p-strauss", "Strauß", "Jürgen", unit_id="rea", bed="1"),
        discharged("p-lagarde", "Le Garde-N'Diaye", "Hélène"),
        discharged("p-jean", "Jean", "Dupont"),  # a family name that is the other's given name
    ]
)


def found(text: str, limit: int = 25) -> list[str]:
    return [hit.card.id for hit in HOSPITAL.search(text, limit)]


def how(text: str) -> dict[str, str]:
    return {hit.card.id: hit.how for hit in HOSPITAL.search(text)}


def test_an_exact_name_comes_before_a_longer_name_it_begins() -> None:
    assert found("dupont") == ["p-dupont", "p-dupont-left", "p-jean", "p-dupontel", "p-dupond"]
    assert how("dupont") == {
        "p-dupont": "exact",
        "p-dupont-left": "exact",
        "p-jean": "exact",
        "p-dupontel": "prefix",
        "p-dupond": "fuzzy",
    }


def test_an_inpatient_comes_before_a_discharged_patient_of_the_same_name() -> None:
    assert found("dupont marie") == ["p-dupont-left"]
    assert found("dupont")[:2] == ["p-dupont", "p-dupont-left"]


def test_as_you_type_a_prefix_finds_the_names_that_begin_with_it() -> None:
    assert set(found("dup")) == {"p-dupont", "p-dupont-left", "p-dupond", "p-dupontel", "p-jean"}
    assert set(how("dup").values()) == {"prefix"}


def test_prefixes_come_before_typos() -> None:
    hits = HOSPITAL.search("dupon")
    assert [hit.how for hit in hits] == sorted(
        (hit.how for hit in hits), key=["exact", "prefix", "fuzzy"].index
    )


@pytest.mark.parametrize(
    ("typed", "patient"),
    [
        ("dupnot", "p-dupont"),  # two letters swapped
        ("dpuont", "p-dupont"),
        ("duppont", "p-dupont"),  # a letter too many
        ("dupot", "p-dupont"),  # a letter missing
        ("dupomt", "p-dupont"),  # a letter changed
        ("ostregaard", "p-ostergaard"),
        ("dupn", "p-dupont"),  # a typo in what is still being typed
    ],
)
def test_one_typo_or_swap_is_forgiven(typed: str, patient: str) -> None:
    assert patient in found(typed)
    assert how(typed)[patient] == "fuzzy"


@pytest.mark.parametrize("typed", ["dpuotn", "dupnto", "dxpxnt", "udpnot"])
def test_two_edits_find_nobody(typed: str) -> None:
    assert "p-dupont" not in found(typed)


def test_a_typo_in_three_letters_is_not_forgiven() -> None:
    assert found("dpu") == []


def test_accents_case_and_special_letters_are_folded() -> None:
    assert found("ostergaard") == ["p-ostergaard"]
    assert found("ØSTERGAARD søren") == ["p-ostergaard"]
    assert found("strauss") == ["p-strauss"]
    assert found("jurgen") == ["p-strauss"]
    assert found("helene le garde n'diaye") == ["p-lagarde"]
    assert found("n diaye") == ["p-lagarde"]


def test_a_name_of_several_words_is_found_typed_as_one() -> None:
    assert how("ndiaye") == {"p-lagarde": "exact"}
    assert how("legarde") == {"p-lagarde": "exact"}
    assert how("legar") == {"p-lagarde": "prefix"}


def test_family_and_given_name_in_either_order() -> None:
    assert found("jean dupont")[:2] == found("dupont jean")[:2]
    assert set(found("jean dupont")) == {"p-dupont", "p-jean"}
    assert found("dupont je") == ["p-dupont", "p-jean"]


def test_fewer_than_two_characters_find_nobody() -> None:
    assert found("") == []
    assert found("d") == []
    assert found(" ") == []


def test_a_birth_date_in_either_form_alone_or_with_a_name() -> None:
    assert set(found("12/03/1950")) == {"p-dupont", "p-dupont-left"}
    assert found("1950-03-12") == found("12/03/1950")
    assert found("marie 12.03.1950") == ["p-dupont-left"]
    assert found("dupont 02/07/1962") == []
    assert how("dupont 01/07/1962") == {"p-dupond": "fuzzy"}
    assert set(how("12/03/1950").values()) == {"birth_date"}


def test_an_impossible_date_finds_nobody() -> None:
    assert found("31/02/1950") == []


@pytest.mark.parametrize(
    "typed",
    ["700001", "185057800608436", "1 85 05 78 006 084 36", "TIL-URG1-00042-K", "til urg1 00042 k"],
)
def test_an_identifier_finds_its_patient_exactly(typed: str) -> None:
    assert found(typed) == ["p-dupont"]
    assert how(typed) == {"p-dupont": "identifier"}


def test_an_identifier_is_never_a_prefix() -> None:
    assert found("70000") == []


def test_a_bed_finds_the_patients_lying_in_it() -> None:
    assert found("12") == ["p-dupont"]
    assert set(found("1")) == set()  # one character: nobody
    assert found("10") == ["p-dupontel"]
    assert found("dupont 12") == ["p-dupont"]


def test_an_exact_identifier_comes_before_names() -> None:
    index = PatientIndex(
        [inpatient("a", "Lit", "Albert", bed="B12"), inpatient("b", "Aaron", "B12", bed="3")]
    )
    assert [hit.card.id for hit in index.search("B12")] == ["a"]


def test_the_limit_keeps_the_best() -> None:
    assert found("dupont", limit=2) == ["p-dupont", "p-dupont-left"]
    assert found("dupont", limit=0) == []


def test_a_unit_census_is_in_natural_bed_order() -> None:
    assert [card.bed for card in HOSPITAL.by_unit("cardio")] == ["2", "10", "12"]
    assert [card.id for card in HOSPITAL.by_unit("rea")] == ["p-strauss", "p-ostergaard"]
    assert HOSPITAL.by_unit("nowhere") == []


def test_natural_order_reads_numbers_by_value() -> None:
    beds = ["10B", "2A", "2", "Lit 10", "Lit 9", "10A", None]
    assert sorted(beds, key=natural_key) == [None, "2", "2A", "10A", "10B", "Lit 9", "Lit 10"]


def test_a_card_is_found_by_id() -> None:
    card = HOSPITAL.get("p-lagarde")
    assert card is not None
    assert card.family == "Le Garde-N'Diaye"
    assert not card.in_census
    assert card.last_stay_end == LEFT
    assert HOSPITAL.get("nobody") is None
    assert len(HOSPITAL) == 8


def test_a_card_that_contradicts_itself_cannot_be_made() -> None:
    with pytest.raises(ValueError, match="no census has no unit"):
        PatientCard(id="x", family="A", given="", bed="3")
    with pytest.raises(ValueError, match="last stay is the current one"):
        PatientCard(id="x", family="A", given="", in_census=True, last_stay_end=LEFT)
    with pytest.raises(ValueError, match="needs the patient's id"):
        PatientCard(id="", family="A", given="")
    with pytest.raises(ValueError, match="share an id"):
        PatientIndex([discharged("x", "A"), discharged("x", "B")])


EDITS = [
    ("dupont", "dupont", True),
    ("dupnot", "dupont", True),
    ("dupot", "dupont", True),
    ("duppont", "dupont", True),
    ("dupomt", "dupont", True),
    ("dpuotn", "dupont", False),
    ("dupo", "dupont", False),
    ("abc", "cba", False),
]


@pytest.mark.parametrize(("typed", "word", "near"), EDITS)
def test_one_edit_is_a_letter_added_dropped_changed_or_two_swapped(typed: str, word: str, near: bool) -> None:
    assert within_one_edit(typed, word) is near
    assert within_one_edit(word, typed) is near


def _osa(first: str, second: str) -> int:
    """The optimal string alignment distance, by the textbook's table (slow, obviously right)."""
    rows = [[0] * (len(second) + 1) for _ in range(len(first) + 1)]
    for i in range(len(first) + 1):
        rows[i][0] = i
    for j in range(len(second) + 1):
        rows[0][j] = j
    for i in range(1, len(first) + 1):
        for j in range(1, len(second) + 1):
            cost = first[i - 1] != second[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and first[i - 1] == second[j - 2] and first[i - 2] == second[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


@given(st.text("abcd", max_size=7), st.text("abcd", max_size=7))
def test_one_edit_agrees_with_the_textbook_distance(first: str, second: str) -> None:
    assert within_one_edit(first, second) is (_osa(first, second) <= 1)


NAMES = st.text(
    st.characters(categories=["Lu", "Ll"], max_codepoint=0x24F) | st.sampled_from(" -'’"),
    min_size=2,
    max_size=20,
).filter(lambda name: sum(char.isalpha() for char in name) >= 2)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(NAMES, NAMES, st.booleans()), min_size=1, max_size=30),
    st.data(),
)
def test_a_card_is_always_found_by_its_exact_family_name(
    people: list[tuple[str, str, bool]], data: st.DataObject
) -> None:
    cards = [
        inpatient(f"p{number}", family, given) if inside else discharged(f"p{number}", family, given)
        for number, (family, given, inside) in enumerate(people)
    ]
    index = PatientIndex(cards)
    card = data.draw(st.sampled_from(cards))
    assert card in [hit.card for hit in index.search(card.family, limit=len(cards))]


def test_a_name_with_digits_is_found_when_no_patient_has_it_as_an_identifier() -> None:
    """Synthea writes names as "Ortega812": a word of letters and digits that is nobody's MRN, bed
    or number is read as a name word."""
    index = PatientIndex(
        [inpatient("a", "Ortega812", "Marcus832", bed="1"), inpatient("b", "Ortega", "Luis", bed="2")]
    )
    assert [hit.card.id for hit in index.search("Ortega812 Marcus832")] == ["a"]
    assert [hit.card.id for hit in index.search("ortega812")] == ["a"]
