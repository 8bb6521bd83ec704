"""The latest results on a patient's sheet: each test's newest value beside the one before, abnormal
ones marked with a symbol and in bold (never by colour alone), a value that is absent saying why
("not performed"), a preliminary one saying so."""

from __future__ import annotations

from datetime import tzinfo

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from bascule.clinical.records import LabResult
from bascule.clinical.results import quantity_text, range_text
from bascule.i18n import Lang, register, t
from bascule.kits.frame import Styles
from bascule.kits.moments import short
from bascule.kits.tables import grid_table, text

FLAG_SYMBOLS = {"H": "▲", "HH": "▲▲", "L": "▼", "LL": "▼▼", "A": "!", "AA": "!!"}
FLAG_FALLBACK = {"H": "H", "HH": "HH", "L": "L", "LL": "LL", "A": "!", "AA": "!!"}
ABNORMAL = frozenset(FLAG_SYMBOLS)

register(
    "kit_results",
    {
        "yes": {"fr": "oui", "en": "yes"},
        "no": {"fr": "non", "en": "no"},
        "pending": {"fr": "en attente", "en": "pending"},
        "no_value": {"fr": "pas de valeur ({reason})", "en": "no value ({reason})"},
        "status_preliminary": {"fr": "provisoire", "en": "preliminary"},
        "status_corrected": {"fr": "corrigé", "en": "corrected"},
        "absent_unknown": {"fr": "inconnu", "en": "unknown"},
        "absent_asked-unknown": {"fr": "inconnu", "en": "unknown"},
        "absent_temp-unknown": {"fr": "pas encore connu", "en": "not yet known"},
        "absent_not-asked": {"fr": "non demandé", "en": "not asked"},
        "absent_asked-declined": {"fr": "refusé par le patient", "en": "declined"},
        "absent_masked": {"fr": "masqué", "en": "masked"},
        "absent_not-applicable": {"fr": "sans objet", "en": "not applicable"},
        "absent_unsupported": {"fr": "non transmis, voir la source", "en": "not sent, see source"},
        "absent_as-text": {"fr": "voir la source", "en": "see source"},
        "absent_error": {"fr": "erreur", "en": "error"},
        "absent_not-a-number": {"fr": "non numérique", "en": "not a number"},
        "absent_negative-infinity": {"fr": "−∞", "en": "−∞"},
        "absent_positive-infinity": {"fr": "+∞", "en": "+∞"},
        "absent_not-performed": {"fr": "non réalisé", "en": "not performed"},
        "absent_not-permitted": {"fr": "non autorisé", "en": "not permitted"},
        "absent_see-source": {"fr": "voir la source", "en": "see source"},
        "legend": {
            "fr": "▲ élevé · ▲▲ très élevé · ▼ bas · ▼▼ très bas · ! anormal · !! anormal critique"
            " — les anomalies sont en gras.",
            "en": "▲ high · ▲▲ critically high · ▼ low · ▼▼ critically low · ! abnormal · !! critically"
            " abnormal — abnormal results in bold.",
        },
    },
)
_ABSENT_KNOWN = frozenset(
    {
        "unknown",
        "asked-unknown",
        "temp-unknown",
        "not-asked",
        "asked-declined",
        "masked",
        "not-applicable",
        "unsupported",
        "as-text",
        "error",
        "not-a-number",
        "negative-infinity",
        "positive-infinity",
        "not-performed",
        "not-permitted",
        "see-source",
    }
)


def latest_results(results: tuple[LabResult, ...]) -> list[tuple[LabResult, LabResult | None]]:
    """The newest result of each test with the one before it, in label order."""
    by_code: dict[str, list[LabResult]] = {}
    for result in sorted(results, key=lambda r: r.effective_at, reverse=True):
        by_code.setdefault(result.code, []).append(result)
    pairs = [(found[0], found[1] if len(found) > 1 else None) for found in by_code.values()]
    return sorted(pairs, key=lambda pair: (pair[0].label.lower(), pair[0].code))


def value_text(result: LabResult, lang: Lang) -> str:
    """ "<0.01 mg/L", "120/80 mmHg", "Positive", "yes", "no value (not performed)"; a preliminary or
    corrected value says so."""
    if result.value is not None:
        shown = quantity_text(result.value, result.unit, result.comparator)
    elif result.value_text is not None:
        shown = result.value_text
    elif result.value_boolean is not None:
        shown = t("kit_results.yes" if result.value_boolean else "kit_results.no", lang)
    elif result.absent_reason is not None:
        reason = result.absent_reason
        known = t(f"kit_results.absent_{reason}", lang) if reason in _ABSENT_KNOWN else reason
        return t("kit_results.no_value", lang, reason=known)
    elif result.status == "registered":
        return t("kit_results.pending", lang)
    else:
        return "—"
    if result.status in ("preliminary", "registered"):
        return f"{shown} ({t('kit_results.status_preliminary', lang)})"
    if result.status in ("corrected", "amended"):
        return f"{shown} ({t('kit_results.status_corrected', lang)})"
    return shown


def range_cell(result: LabResult) -> str:
    """The reference range as the lab wrote it, else from its bounds ("3.5 – 5.1", "≥ 60")."""
    return result.range_text or range_text(result.low, result.high)


def results_table(
    results: tuple[LabResult, ...], styles: Styles, lang: Lang, width: float, zone: tzinfo
) -> Flowable:
    heading = Paragraph(text(t("kits.labs_title", lang)), styles.heading)
    if not results:
        return KeepTogether([heading, Paragraph(text(t("kits.labs_none", lang)), styles.body)])
    symbols = FLAG_SYMBOLS if styles.faces.symbols else FLAG_FALLBACK
    rows: list[list[object]] = []
    abnormal_rows: list[int] = []
    for index, (result, previous) in enumerate(latest_results(results)):
        if result.flag in ABNORMAL:
            abnormal_rows.append(index)
        rows.append(
            [
                result.label,
                value_text(result, lang),
                symbols.get(result.flag or "", ""),
                range_cell(result),
                short(result.effective_at, zone),
                value_text(previous, lang) if previous else "",
            ]
        )
    widths = [width * 0.25, width * 0.21, width * 0.07, width * 0.16, width * 0.15, width * 0.16]
    heading_row = [t(f"kits.col_{c}", lang) for c in ("test", "value", "flag", "range", "when", "previous")]
    legend = t("kit_results.legend", lang)
    if not styles.faces.symbols:
        legend = legend.replace("▲▲", "HH").replace("▼▼", "LL").replace("▲", "H").replace("▼", "L")
    return KeepTogether(
        [
            heading,
            grid_table(heading_row, rows, widths, styles, bold_rows=abnormal_rows),
            Paragraph(text(legend), styles.small),
        ]
    )
