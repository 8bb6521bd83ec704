"""Names fold to what a French or English keyboard types: no accents, no case, letters spelled out."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bascule.lookup import fold, tokens

FOLDED = [
    ("Øyvind Ødegård", "oyvind odegard"),
    ("Ærø", "aero"),
    ("Strauß", "strauss"),
    ("STRAUẞ", "strauss"),
    ("Hélène Béranger", "helene beranger"),
    ("Muñoz", "munoz"),
    ("Łukasz Wałęsa", "lukasz walesa"),
    ("Œuvray", "oeuvray"),
    ("Þórður Guðmundsson", "thordur gudmundsson"),
    ("Đorđević", "dordevic"),
    ("Yıldız", "yildiz"),
    ("İnce", "ince"),
    ("D'Artagnan", "d artagnan"),
    ("N’Diaye", "n diaye"),
    ("Oʼbrien", "o brien"),
    ("Le Goff-Kerhervé", "le goff kerherve"),
    ("Saint‐Just", "saint just"),  # U+2010, the typographer's hyphen
    ("St. Clair, Anne", "st clair anne"),
    ("  MARTIN   ", "martin"),
    ("ﬁlippi", "filippi"),  # the fi ligature, decomposed by NFKD
    ("", ""),
]


@pytest.mark.parametrize(("written", "folded"), FOLDED)
def test_a_name_folds_to_plain_lower_case_words(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_tokens_are_the_folded_words() -> None:
    assert tokens("Le Goff-N'Diaye") == ("le", "goff", "n", "diaye")
    assert tokens(" - ' ") == ()


@given(st.text())
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_folded_text_is_words_of_letters_and_digits_between_single_spaces(text: str) -> None:
    folded = fold(text)
    assert folded == folded.strip()
    assert "  " not in folded
    assert all(char.isalnum() or char == " " for char in folded)
