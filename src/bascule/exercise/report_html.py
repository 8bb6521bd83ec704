"""The after-action report as one self-contained HTML page: inline CSS, no script, printable
(the EXERCICE / EXERCISE banner repeats at the top and bottom of every printed page)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bascule.exercise.after_action import AfterAction
from bascule.exercise.report_content import ReportContent, report_content
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang

_CSS = """
@page { size: A4; margin: 18mm 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; color: #111; margin: 0 auto;
  max-width: 190mm; padding: 0 4mm; }
.banner { background: #000; color: #fff; font-weight: bold; letter-spacing: .3em; text-align: center;
  padding: 2mm; font-size: 13pt; }
@media print {
  .banner { position: fixed; left: 0; right: 0; }
  .banner.top { top: 0; } .banner.bottom { bottom: 0; }
  main { margin: 12mm 0; }
  table { page-break-inside: auto; } tr { page-break-inside: avoid; } thead { display: table-header-group; }
}
h1 { font-size: 20pt; margin: 4mm 0 1mm; } h2 { font-size: 14pt; margin: 6mm 0 2mm; border-bottom: 1px solid #000; }
.sub { font-size: 12pt; font-weight: bold; margin: 0 0 3mm; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 1mm 5mm; margin: 0; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
.note { font-size: 9pt; color: #333; }
.score { display: flex; gap: 8mm; align-items: center; border: 2px solid #000; padding: 3mm 5mm; }
.score .big { font-size: 40pt; font-weight: bold; white-space: nowrap; }
.score table td { border: none; padding: .5mm 3mm .5mm 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #000; padding: 1mm 2mm; text-align: left; vertical-align: top; }
th { background: #e0e0e0; } td.num { text-align: right; white-space: nowrap; } td.min { white-space: nowrap; }
tr.missed td { font-weight: bold; }
"""


def report_html(report: AfterAction, hospital: HospitalMap, lang: Lang) -> str:
    """The whole page, in `lang`."""
    content = report_content(report, hospital, lang)
    say = content.label
    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{escape(content.banner)} — {escape(content.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f'<div class="banner top">{escape(content.banner)}</div><main>',
        f"<h1>{escape(content.heading)}</h1>",
        f'<p class="sub">{escape(content.title)} — {escape(content.incident)}</p>',
        '<dl class="facts">',
        *(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in content.facts),
        "</dl>",
        f'<p class="note">{escape(content.times_note)}</p>',
        _score(content),
        f"<h2>{escape(say('decisions'))}</h2>",
        _table(
            [say("decision"), say("due"), say("met_at"), say("outcome"), say("how")],
            content.decisions,
            empty=say("no_decisions"),
            bold=content.missed,
            minute_columns=(1, 2),
        ),
        f"<h2>{escape(say('timeline'))}</h2>",
        _table(
            [say("minute"), say("event"), say("by")],
            content.timeline,
            empty=say("no_timeline"),
            minute_columns=(0,),
        ),
        f"<h2>{escape(say('uncovered'))}</h2>",
        _table(
            [say("priority"), say("actual"), say("reference"), say("excess")],
            content.uncovered,
            numbers=(1, 2, 3),
        ),
        f'<p class="note">{escape(content.uncovered_note)}</p>',
        f"<h2>{escape(say('procedures'))}</h2>",
        _table(
            [say("process"), say("procedure"), say("started_at"), say("after_down")],
            content.procedures,
            empty=say("no_procedure_started"),
            minute_columns=(2,),
        ),
        *(f"<p>{escape(note)}</p>" for note in content.procedure_notes),
        f"<h2>{escape(say('improvements'))}</h2>",
        _table(
            [say("action"), say("owner"), say("done")], content.improvements, empty=say("no_improvements")
        ),
        f'</main><div class="banner bottom">{escape(content.banner)}</div>',
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _score(content: ReportContent) -> str:
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td><b>{escape(value)}</b></td></tr>"
        for label, value in content.components
    )
    return (
        f"<h2>{escape(content.label('score'))}</h2>"
        f'<div class="score"><div class="big">{escape(content.label("score_of").format(score=content.score))}</div>'
        f"<table>{rows}</table></div>"
        f'<p class="note">{escape(content.formula)}</p>'
    )


def _table(
    heading: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    empty: str = "",
    bold: Sequence[bool] = (),
    numbers: Sequence[int] = (),
    minute_columns: Sequence[int] = (),
) -> str:
    if not rows:
        return f"<p>{escape(empty)}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in heading)
    body = []
    for index, row in enumerate(rows):
        css = ' class="missed"' if index < len(bold) and bold[index] else ""
        cells = "".join(
            f"<td{_cell_class(column, numbers, minute_columns)}>{escape(value)}</td>"
            for column, value in enumerate(row)
        )
        body.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cell_class(column: int, numbers: Sequence[int], minute_columns: Sequence[int]) -> str:
    if column in numbers:
        return ' class="num"'
    if column in minute_columns:
        return ' class="min"'
    return ""
