"""The after-action report as HTML and PDF, in French and English: the facts of the hand-built run
are printed, EXERCICE / EXERCISE is on every PDF page, and a realistic run on the demo map reads
sanely (a ransomware night, three hours of exercise)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from tests.peers import require_peer
from tests.unit.exercise.after_action_cases import SMALL_MAP, small_record

from bascule import load_map
from bascule.exercise.after_action import AfterAction, after_action
from bascule.exercise.model import Criterion, Effects, ExerciseScript, ExpectedDecision, Inject
from bascule.exercise.record import (
    CellAct,
    ExerciseClock,
    ExerciseRecord,
    HitSpan,
    Improvement,
    Mark,
    ProcedureStart,
    Release,
)
from bascule.exercise.report_content import at_minute
from bascule.exercise.report_html import report_html
from bascule.exercise.report_pdf import report_pdf
from bascule.hospital.model import HospitalMap
from bascule.scenario import load_scenario


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, spaces folded."""
    require_peer(
        "pdftotext (poppler-utils)", shutil.which("pdftotext") is not None, "scripts/setup-system.sh"
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True)
    pages = out.stdout.decode().split("\f")
    return [re.sub(r"\s+", " ", page) for page in pages if page.strip()]


def _small() -> AfterAction:
    # e3 overridden as missed by the facilitator: the report must show a missed decision too.
    return after_action(small_record(marks=(Mark("e3", 46, "facilitator", met=False),)), SMALL_MAP)


FACTS = {
    "fr": [
        "EXERCICE",
        "Retour d'expérience de l'exercice",
        "Incident d'exercice n° 7",
        "14/03/2026 09:00 CET",  # started 08:00 UTC, the hospital is in Paris
        "14/03/2026 10:00 CET",
        "× 2",
        "59 / 100",
        "score = arrondi(100 × (0,5·D + 0,3·C + 0,2·P))",
        "70 %",  # D = (2 + 0.5 + 0 + 1) / 5
        "13 %",  # C = 900 / 7050
        "100 %",  # P
        "Dériver les AVC",
        "T+00:30",
        "en retard de 10 min",
        "MANQUÉE",
        "non jouée",
        "animateur",
        "Inject i1 (téléphone) : LabCo ne répond plus",
        "Décision : « DÉRIVATION des AVC vers le CHU »",
        "Segment isolé : lan",
        "P3 important",
        "−35",
        "Admissions papier",
        "Tombés sans aucune procédure dégradée : Imagerie",
        "Imprimer les fiches de triage à l'avance",
    ],
    "en": [
        "EXERCISE",
        "Exercise after-action report",
        "Exercise incident no. 7",
        "14/03/2026 09:00 CET",
        "59 / 100",
        "score = round(100 × (0.5·D + 0.3·C + 0.2·P))",
        "Divert stroke patients",
        "10 min late",
        "MISSED",
        "not played",
        "facilitator",
        "Inject i1 (phone): LabCo is not answering",
        "Went down with no fallback procedure at all: Imagerie",
        "Imprimer les fiches de triage à l'avance",
    ],
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_html_page_holds_the_facts_and_runs_no_script(lang: str) -> None:
    page = report_html(_small(), SMALL_MAP, lang)  # type: ignore[arg-type]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)).replace("&#x27;", "'")
    for fact in FACTS[lang]:
        assert fact in text, fact
    # The banner above and below, fixed on every printed page.
    assert re.findall(r'class="banner (top|bottom)">(EXERCICE|EXERCISE)<', page) == [
        ("top", "EXERCICE" if lang == "fr" else "EXERCISE"),
        ("bottom", "EXERCICE" if lang == "fr" else "EXERCISE"),
    ]
    assert "<script" not in page and "http" not in page  # self-contained


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_pdf_holds_the_facts_with_exercise_on_every_page(lang: str, tmp_path: Path) -> None:
    pages = pdf_pages(report_pdf(_small(), SMALL_MAP, lang), tmp_path)  # type: ignore[arg-type]
    banner = "EXERCICE" if lang == "fr" else "EXERCISE"
    assert all(page.count(banner) >= 2 for page in pages)  # header and footer
    whole = " ".join(pages)
    for fact in FACTS[lang]:
        assert fact in whole, fact


@pytest.mark.parametrize(
    ("minute", "shown"),
    [(0, "T+00:00"), (35, "T+00:35"), (125.4, "T+02:05"), (59.6, "T+00:59"), (-0.5, "T+00:00")],
)
def test_minutes_read_as_t_plus(minute: float, shown: str) -> None:
    assert at_minute(minute) == shown


# ---- a realistic run on the demo map ----


@cache
def _demo_run() -> tuple[HospitalMap, AfterAction]:
    hospital = load_map("demo")
    scenario = load_scenario("ransomware", hospital)
    script = ExerciseScript(
        id="ransomware-night",
        title={"fr": "Rançongiciel de nuit", "en": "Ransomware at night"},
        map_ref="demo",
        scenario=scenario,
        duration_minutes=180,
        injects=(
            Inject(
                "biolab",
                20,
                "supplier",
                {"fr": "Biolab coupe ses liaisons", "en": "Biolab cuts its links"},
                effects=Effects(suppliers=("biolab",)),
            ),
            Inject(
                "ward", 45, "ward", {"fr": "Écrans chiffrés au bloc", "en": "Encrypted screens in theatre"}
            ),
            Inject("press", 240, "press", {"fr": "France 3 appelle", "en": "The BBC calls"}),
        ),
        expected=(
            ExpectedDecision(
                "o-neg",
                {"fr": "Transfuser en O négatif", "en": "Transfuse O-negative"},
                30,
                after="biolab",
                criterion=Criterion("decision", ("O négatif", "O-negative")),
            ),
            ExpectedDecision(
                "paper-mar",
                {"fr": "Plan de soins papier", "en": "Paper MAR"},
                20,
                criterion=Criterion("procedure", ("medication-administration",)),
                weight=3,
            ),
            ExpectedDecision(
                "isolate-lan",
                {"fr": "Isoler le LAN clinique", "en": "Isolate the clinical LAN"},
                15,
                after="ward",
                criterion=Criterion("isolate", ("tl-clinical-lan",)),
                weight=2,
            ),
            ExpectedDecision(
                "sitrep",
                {"fr": "Premier point de situation", "en": "First sitrep"},
                60,
                criterion=Criterion("sitrep"),
            ),
            ExpectedDecision(
                "answer-press", {"fr": "Répondre à la presse", "en": "Answer the press"}, 30, after="press"
            ),
        ),
    )
    started = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
    hits = (
        *(HitSpan("node", node, 0, 150 if node == "dc01" else None, scripted=True) for node in scenario.down),
        *(HitSpan("segment", segment, 0, None, scripted=True) for segment in scenario.isolate),
        HitSpan("supplier", "biolab", 20, None, scripted=True),
        HitSpan("segment", "tl-clinical-lan", 75, None),
    )
    starts = [
        ("medication-administration", 12),
        ("emergency-admission", 25),
        ("transfusion", 40),
        ("ward-care", 90),
    ]
    acts = (
        *(CellAct(minute, "procedure", process, "medical") for process, minute in starts),
        CellAct(35, "decision", "Transfusion en O NEGATIF jusqu'à nouvel ordre", "medical"),
        CellAct(50, "sitrep", "", "director"),
        CellAct(75, "isolate", "tl-clinical-lan", "it"),
        CellAct(150, "lift", "dc01", "it"),
    )
    record = ExerciseRecord(
        incident_id=42,
        script=script,
        clock=ExerciseClock(started, speed=6, ended_at=started + timedelta(minutes=30)),
        end_minute=180,
        releases=(Release("biolab", 20, "clock", automatic=True), Release("ward", 45, "facilitator")),
        acts=acts,
        hits=hits,
        procedures=tuple(ProcedureStart(process, minute, "medical") for process, minute in starts),
        improvements=(
            Improvement(1, "Tester la restauration de l'annuaire chaque trimestre", "it"),
            Improvement(2, "Imprimer les plans de soins chaque soir", "medical", done=True),
        ),
        participants=("director", "it", "medical", "communications"),
    )
    return hospital, after_action(record, hospital)


def test_a_ransomware_night_on_the_demo_map_reads_sanely() -> None:
    hospital, report = _demo_run()
    outcomes = {d.decision.id: d.outcome for d in report.decisions}
    # O NEGATIF at 35 (due 20 + 30 = 50); paper MAR at 12 (due 20); lan isolated at 75 (due 45 + 15 = 60).
    assert outcomes == {
        "o-neg": "on_time",
        "paper-mar": "on_time",
        "isolate-lan": "late",
        "sitrep": "on_time",
        "answer-press": "not_played",
    }
    # D = (1 + 3 + 2 x 0.5 + 1) / 7 = 6 / 7
    assert report.readiness.decisions == pytest.approx(6 / 7)
    by_priority = {u.priority: u for u in report.uncovered}
    assert set(by_priority) == {p.priority for p in hospital.processes}
    # Vital processes went down (stroke care has no fallback) and the cell started procedures late or never.
    assert by_priority[1].actual > 0
    assert all(u.actual >= 0 and u.reference >= 0 for u in report.uncovered)
    assert "stroke-care" in report.had_none
    assert "transfusion" not in report.not_started and report.not_started  # some were never started
    assert 0 < report.readiness.procedures < 1
    assert 0 <= report.readiness.continuity <= 1
    assert 0 < report.score < 100


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_demo_report_prints_on_several_pages_each_marked(lang: str, tmp_path: Path) -> None:
    hospital, report = _demo_run()
    pages = pdf_pages(report_pdf(report, hospital, lang), tmp_path)  # type: ignore[arg-type]
    banner = "EXERCICE" if lang == "fr" else "EXERCISE"
    assert all(page.count(banner) >= 2 for page in pages)
    assert f"{report.score} / 100" in pages[0]
    assert "21/11/2026 23:00 CET" in pages[0]  # 22:00 UTC is 23:00 in Paris (CET)
    assert len(pages) >= 2
    html = report_html(report, hospital, lang)  # type: ignore[arg-type]
    assert f"{report.score} / 100" in html and "21/11/2026 23:00 CET" in html


def test_every_word_of_the_report_exists_in_both_languages_for_every_act_and_channel() -> None:
    import string

    from bascule.exercise.model import CHANNELS, CRITERIA
    from bascule.exercise.report_texts import REPORT_TEXTS

    def placeholders(words: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(words) if name}

    for key, (fr, en) in REPORT_TEXTS.items():
        assert fr.strip() and en.strip() and placeholders(fr) == placeholders(en), key
    assert {f"act_{kind}" for kind in CRITERIA} | {f"channel_{c}" for c in CHANNELS} <= set(REPORT_TEXTS)
