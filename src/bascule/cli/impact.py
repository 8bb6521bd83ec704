"""`bascule impact`: which care processes are down, why, and which procedures to start now."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bascule.cli.context import make_console
from bascule.cli.options import (
    DownOption,
    IsolateOption,
    JsonOption,
    LangOption,
    MapArgument,
    ScenarioOption,
    SupplierOption,
    map_and_scenario,
    output_lang,
)
from bascule.hospital.model import CareProcess
from bascule.i18n import Lang, t
from bascule.i18n import register as register_messages
from bascule.impact import ContainmentWhatIf, Impact, assess, what_if_isolate

register_messages(
    "impact",
    {
        "title": {"fr": "Impact sur les soins — {hospital}", "en": "Impact on care — {hospital}"},
        "hits": {
            "fr": "Déclaré : {down} élément(s) hors service, {isolate} segment(s) isolé(s), {suppliers} fournisseur(s) défaillant(s)",
            "en": "Declared: {down} node(s) down, {isolate} segment(s) isolated, {suppliers} supplier(s) down",
        },
        "col_status": {"fr": "État", "en": "Status"},
        "col_priority": {"fr": "Prio.", "en": "Prio."},
        "col_process": {"fr": "Processus de soins", "en": "Care process"},
        "col_fallback": {"fr": "Procédure dégradée à lancer", "en": "Degraded procedure to start"},
        "col_via": {"fr": "Pourquoi (via)", "en": "Why (via)"},
        "uncovered": {"fr": "ARRÊT — SANS PROCÉDURE", "en": "DOWN — NO FALLBACK"},
        "down": {"fr": "ARRÊT — mode dégradé", "en": "DOWN — on fallback"},
        "degraded": {"fr": "dégradé", "en": "degraded"},
        "up": {"fr": "normal", "en": "up"},
        "none": {"fr": "aucune : décider maintenant", "en": "none: decide now"},
        "summary": {
            "fr": "{down} processus à l'arrêt (dont {uncovered} sans procédure), {degraded} dégradé(s), {up} normal(aux).",
            "en": "{down} care processes down ({uncovered} with no fallback), {degraded} degraded, {up} up.",
        },
        "cause_declared": {"fr": "déclaré", "en": "declared"},
        "cause_isolated": {"fr": "isolé", "en": "isolated"},
        "cause_supplier": {"fr": "fournisseur", "en": "supplier"},
        "whatif_title": {
            "fr": "Si l'on isole {segments} en plus :",
            "en": "If {segments} is isolated as well:",
        },
        "whatif_processes": {
            "fr": "{count} processus de soins passeraient à l'arrêt :",
            "en": "{count} care processes would newly go down:",
        },
        "whatif_nothing": {
            "fr": "aucun processus de soins supplémentaire ne passerait à l'arrêt.",
            "en": "no further care process would go down.",
        },
        "whatif_nodes": {
            "fr": "{down} élément(s) passeraient à l'arrêt et {degraded} seraient dégradé(s).",
            "en": "{down} node(s) would go down and {degraded} would be degraded.",
        },
    },
)

_STYLE = {"uncovered": "bold white on red", "down": "bold red", "degraded": "yellow", "up": "green"}


def status_label(impact: Impact, process: CareProcess, lang: Lang) -> tuple[str, str]:
    """The words (not only the colour) that say a process's state, and their style."""
    key = "uncovered" if impact.is_uncovered(process.id) else impact.status(process.id)
    return t(f"impact.{key}", lang), _STYLE[key]


def via_text(impact: Impact, node_id: str, lang: Lang) -> str:
    chain = impact.via(node_id)
    if len(chain) == 0:
        return ""
    last = chain[-1]
    cause = impact.cause(last)
    suffix = f" ({t(f'impact.cause_{cause}', lang)})" if cause and cause != "dependency" else ""
    return " → ".join(chain[1:] or chain) + suffix


def print_impact(impact: Impact, lang: Lang, console: Console) -> None:
    hospital_map = impact.map
    console.print(t("impact.title", lang, hospital=hospital_map.hospital.name), style="bold")
    hits = impact.hits
    console.print(
        t("impact.hits", lang, down=len(hits.down), isolate=len(hits.isolate), suppliers=len(hits.suppliers))
    )
    table = Table(show_lines=False, header_style="bold")
    for column in ("col_status", "col_priority", "col_process", "col_fallback", "col_via"):
        table.add_column(t(f"impact.{column}", lang), overflow="fold")
    for process in impact.process_order:
        label, style = status_label(impact, process, lang)
        fallback = ""
        if impact.is_down(process.id):
            procedure = hospital_map.procedures_by_id.get(process.fallback or "")
            fallback = procedure.title or procedure.id if procedure else t("impact.none", lang)
        table.add_row(
            f"[{style}]{label}[/]",
            f"P{process.priority}",
            f"{process.label} [dim]({process.id})[/]",
            fallback,
            via_text(impact, process.id, lang),
        )
    console.print(table)
    console.print(t("impact.summary", lang, **impact.summary()), style="bold")


def print_what_if(what_if: ContainmentWhatIf, lang: Lang, console: Console) -> None:
    console.print()
    console.print(t("impact.whatif_title", lang, segments=", ".join(what_if.segments)), style="bold")
    processes = what_if.processes_newly_down
    if processes:
        console.print(t("impact.whatif_processes", lang, count=len(processes)))
        for process in processes:
            label, style = status_label(what_if.after, process, lang)
            console.print(
                f"  [{style}]{label}[/] P{process.priority} {process.label} ({process.id}) — "
                f"{via_text(what_if.after, process.id, lang)}"
            )
    else:
        console.print(t("impact.whatif_nothing", lang))
    console.print(
        t("impact.whatif_nodes", lang, down=len(what_if.newly_down), degraded=len(what_if.newly_degraded))
    )


def impact_command(
    map_path: MapArgument,
    down: DownOption = None,
    isolate: IsolateOption = None,
    supplier: SupplierOption = None,
    scenario: ScenarioOption = None,
    what_if_isolate_segments: Annotated[
        list[str] | None,
        typer.Option(
            "--what-if-isolate",
            metavar="SEGMENT",
            help="Also show what isolating this segment would newly take down (repeatable).",
        ),
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Show which care processes are down and why, and the degraded procedures to start."""
    hospital_map, chosen = map_and_scenario(map_path, scenario, down, isolate, supplier)
    language = output_lang(lang, hospital_map)
    impact = assess(hospital_map, chosen.hits)
    what_if = None
    if what_if_isolate_segments:
        chosen.hits.plus(isolate=what_if_isolate_segments).check_against(hospital_map)
        what_if = what_if_isolate(hospital_map, chosen.hits, what_if_isolate_segments, before=impact)
    if as_json:
        document = impact.to_json()
        if what_if is not None:
            document["what_if"] = what_if.to_json()
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    console = make_console()
    print_impact(impact, language, console)
    if what_if is not None:
        print_what_if(what_if, language, console)


def register(app: typer.Typer) -> None:
    app.command("impact")(impact_command)
