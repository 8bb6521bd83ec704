"""`bascule demo`: the main job, end to end, on the embedded demo hospital.

Each capability adds its part: impact and the coloured map, the restoration plan, the
synthetic hospital's continuity store, its sealed snapshot, paper kits... Everything is
written into `--out` (default ./bascule-demo).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.rule import Rule

from bascule.cli.context import make_console
from bascule.cli.impact import print_impact
from bascule.cli.options import LangOption, output_lang
from bascule.durable import PRIVATE, write_atomically
from bascule.errors import UserError
from bascule.hospital.loading import DEMO, load_map
from bascule.hospital.model import HospitalMap
from bascule.i18n import Lang, t
from bascule.i18n import register as register_messages
from bascule.impact import Impact, assess
from bascule.scenario import Scenario, load_scenario

register_messages(
    "demo",
    {
        "intro": {
            "fr": "Démonstration Bascule — {hospital} — scénario « {scenario} »",
            "en": "Bascule demo — {hospital} — scenario “{scenario}”",
        },
        "step_impact": {
            "fr": "1. Ce qui est touché, et ce qui s'arrête",
            "en": "1. What is hit, and what stops",
        },
        "step_plan": {"fr": "2. Plan de restauration", "en": "2. Restoration plan"},
        "step_store": {"fr": "3. Copie des données critiques", "en": "3. Copy of the critical data"},
        "step_triage": {
            "fr": "4. Activité programmée et information des patients",
            "en": "4. Scheduled activity and patient messages",
        },
        "step_seal": {"fr": "5. Instantané scellé", "en": "5. Sealed snapshot"},
        "step_kits": {"fr": "6. Kits papier", "en": "6. Paper kits"},
        "written": {"fr": "Écrit : {path}", "en": "Written: {path}"},
        "done": {
            "fr": "Démonstration terminée en {seconds} s ; tout est dans {out}.",
            "en": "Demo finished in {seconds} s; everything is in {out}.",
        },
    },
)


def write_json(path: Path, document: object) -> None:
    """Write atomically: a crash leaves the previous file, never half of a new one."""
    write_atomically(path, (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode(), PRIVATE)


def impact_part(
    hospital_map: HospitalMap, scenario: Scenario, out: Path, lang: Lang, console: Console
) -> Impact:
    from bascule.diagram import draw_to_file

    impact = assess(hospital_map, scenario.hits)
    print_impact(impact, lang, console)
    write_json(out / "impact.json", impact.to_json())
    drawing, affected = out / "impact-map.svg", out / "impact-affected.svg"
    draw_to_file(hospital_map, impact, drawing, lang=lang, scenario=scenario.title_in(lang))
    # Only what is degraded or down: the clearest picture for the crisis cell.
    draw_to_file(
        hospital_map, impact, affected, lang=lang, scenario=scenario.title_in(lang), affected_only=True
    )
    console.print(t("demo.written", lang, path=f"{out / 'impact.json'}, {drawing}, {affected}"))
    return impact


def demo_command(
    scenario: Annotated[
        str, typer.Option("--scenario", metavar="NAME", help="An embedded scenario of the demo hospital.")
    ] = "ransomware",
    out: Annotated[Path, typer.Option("--out", help="Where to write everything the demo makes.")] = Path(
        "bascule-demo"
    ),
    lang: LangOption = None,
    serve: Annotated[
        bool,
        typer.Option("--serve", help="Then open the crisis cell's web application on the demo incident."),
    ] = False,
    host: Annotated[
        str, typer.Option("--host", help="With --serve: the address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="With --serve: the port to listen on.")] = 8000,
) -> None:
    """Run the main job on the embedded demo hospital and write what it makes into --out."""
    started = time.perf_counter()
    hospital_map = load_map(DEMO)
    chosen = load_scenario(scenario, hospital_map)
    language = output_lang(lang, hospital_map)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"Cannot create the folder {out}: {error.strerror or error}.",
            fr=f"Impossible de créer le dossier {out} : {error.strerror or error}.",
        ) from None
    console = make_console()
    console.print(
        t("demo.intro", language, hospital=hospital_map.hospital.name, scenario=chosen.title_in(language)),
        style="bold",
    )
    console.print(Rule(t("demo.step_impact", language)))
    impact_part(hospital_map, chosen, out, language, console)

    from bascule.cli.plan import demo_part as plan_part

    console.print(Rule(t("demo.step_plan", language)))
    plan_part(hospital_map, chosen, out, language, console)

    from bascule.cli.synth import demo_part as store_part

    console.print(Rule(t("demo.step_store", language)))
    store = store_part(out, language, console)

    from bascule.cli.triage import demo_part as triage_part

    console.print(Rule(t("demo.step_triage", language)))
    triage_part(hospital_map, chosen, store, out, language, console)

    from bascule.cli.snapshot_seal import demo_part as seal_part

    console.print(Rule(t("demo.step_seal", language)))
    seal_part(store, out, language, console)

    from bascule.cli.kits import demo_part as kits_part

    console.print(Rule(t("demo.step_kits", language)))
    kits_part(store, out, language, console)

    console.print()
    console.print(
        t("demo.done", language, seconds=f"{time.perf_counter() - started:.1f}", out=out), style="bold green"
    )
    if serve:
        from bascule.cli.serve import serve_demo

        serve_demo(out, language, console, host, port, scenario=scenario)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)
