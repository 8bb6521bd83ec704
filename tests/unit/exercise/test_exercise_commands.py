"""`bascule exercise check / list / pack`: what the user reads, the exit codes, and the pack's text
read back with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.peers import require_peer

from bascule.cli import main
from bascule.exercise.loading import load_script
from bascule.exercise.pack import minute_label

BAD = """\
bascule_exercise: 1
id: lab
title: {fr: "Labo", en: "Lab"}
map: demo
scenario: pathology-supplier
duration: 1h
injects:
  - {id: call, at: 0m, channel: phone, text: {fr: "Appel", en: "Call"}, effects: {down: [lab-lnk]}}
expected:
  - {id: o-neg, text: {fr: "O négatif", en: "O-negative"}, within: 20m, when: {supplier: biolabs}}
"""


def test_check_prints_a_one_line_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "check", "pathology-supplier"]) == 0
    said = capsys.readouterr().out.strip()
    assert (
        said
        == "pathology-supplier: valid on the map demo — 11 injects, 7 expected decisions, lasting 2 h 30."
    )


def test_check_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "check", "containment", "--lang", "fr"]) == 0
    said = capsys.readouterr().out.strip()
    assert said == "containment : valide sur la carte demo — 12 injects, 6 décisions attendues, durée 3 h."


def test_check_refuses_a_bad_script_with_every_problem_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    assert main(["exercise", "check", str(path)]) == 2
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.splitlines() == [
        f"Error: The exercise script {path} has 2 problems; fix them and try again:",
        f'  {path}:8 injects[0].effects.down[0]: the map has no node "lab-lnk" (did you mean "lab-link"?)',
        f'  {path}:10 expected[0].when.supplier[0]: the map has no supplier "biolabs" (did you mean "biolab"?)',
    ]


def test_check_speaks_french_with_bascule_lang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    assert main(["exercise", "check", str(path)], {"BASCULE_LANG": "fr"}) == 2
    said = capsys.readouterr().err.splitlines()
    assert said[0] == f"Erreur : Le script d'exercice {path} a 2 problèmes ; corrigez-les et réessayez :"
    assert said[1] == (
        f"  {path}:8 injects[0].effects.down[0] : la carte n'a pas de nœud « lab-lnk » "
        "(vouliez-vous dire « lab-link » ?)"
    )


def test_check_of_an_unknown_name_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "check", "containmnt"]) == 2
    assert capsys.readouterr().err == (
        'Error: There is no exercise script "containmnt" (did you mean "containment"?); give a script file '
        "or one of: containment, group-pcs-blocked, pathology-supplier, ransomware-night, triage-supplier.\n"
    )


def test_list_shows_each_embedded_script_in_the_readers_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "list"], {"LANG": "fr_FR.UTF-8"}) == 0
    said = capsys.readouterr().out
    assert "Rançongiciel à 3 heures du matin : admissions verrouillées" in said
    assert re.search(r"ransomware-night\s.*\s4 h\s.*\s12\s", said)
    assert said.rstrip().endswith("bascule exercise check NOM.")
    assert main(["exercise", "list", "--lang", "en"]) == 0
    said = capsys.readouterr().out
    assert "Ransomware at 3 a.m.: admissions locked" in said
    assert re.search(r"pathology-supplier\s.*\s2 h 30\s.*\s11\s", said)


def _pages(pdf: Path) -> list[str]:
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True)
    return [re.sub(r"\s+", " ", page).strip() for page in out.stdout.decode().split("\f") if page.strip()]


@pytest.mark.parametrize(
    ("lang", "word", "card"),
    [("fr", "EXERCICE", "Inject {n} sur {total}"), ("en", "EXERCISE", "Inject {n} of {total}")],
)
def test_pack_has_every_inject_on_a_card_and_exercise_on_every_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, word: str, card: str
) -> None:
    out = tmp_path / "pack.pdf"
    assert main(["exercise", "pack", "group-pcs-blocked", "--out", str(out), "--lang", lang]) == 0
    pages = _pages(out)
    said = capsys.readouterr().out
    assert f"{len(pages)} " in said and str(out) in said
    assert all(page.startswith(word) for page in pages)
    script = load_script("group-pcs-blocked")
    total = len(script.injects)
    for n, inject in enumerate(script.injects, 1):
        label = card.format(n=n, total=total)
        on_card = [page for page in pages if label in page]
        assert len(on_card) == 1, label
        assert re.sub(r"\s+", " ", inject.text[lang]) in on_card[0]
    card_pages = -(-total // 3)  # three cards a page, after the facilitator's sheet
    assert all(card.format(n="", total=total).split()[0] in page for page in pages[-card_pages:])
    sheet = pages[0]
    sheet_text = " ".join(pages[:-card_pages])
    # Table cells side by side come out interleaved: each decision's words, and the minute it is due.
    words = set(sheet_text.split())
    for decision in script.expected:
        assert set(decision.text[lang].split()) <= words, decision.id
        after = script.inject(decision.after) if decision.after else None
        assert minute_label((after.minute if after else 0) + decision.within_minutes) in words
    assert ("Fiche de l'animateur" if lang == "fr" else "Facilitator's sheet") in sheet


def test_pack_defaults_to_the_maps_language(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack.pdf"
    assert main(["exercise", "pack", "triage-supplier", "--out", str(out)]) == 0
    capsys.readouterr()
    assert all(page.startswith("EXERCICE") for page in _pages(out))


def test_pack_into_a_missing_folder_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nowhere" / "pack.pdf"
    assert main(["exercise", "pack", "containment", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"Error: Cannot write {out}: its folder does not exist; the previous file is left as it was.\n"
    )
    assert not out.exists()


def test_an_unknown_language_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["exercise", "list", "--lang", "de"]) == 2
    assert capsys.readouterr().err == "Error: Unknown language 'de'; use fr or en.\n"
