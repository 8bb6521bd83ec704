"""`bascule map draw MAP [SCENARIO] --out FILE.svg`: the dependency drawing, coloured by status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.map import map_app
from bascule.cli.options import (
    DownOption,
    IsolateOption,
    LangOption,
    MapArgument,
    ScenarioOption,
    SupplierOption,
    map_and_scenario,
    output_lang,
)
from bascule.diagram import draw_to_file
from bascule.errors import UserError
from bascule.i18n import register as register_messages
from bascule.i18n import t
from bascule.impact import assess

register_messages(
    "map_draw",
    {
        "written": {
            "fr": "Carte des dépendances écrite dans {path} ({status}).",
            "en": "Dependency map written to {path} ({status}).",
        },
        "coloured": {"fr": "colorée selon le scénario", "en": "coloured by the scenario"},
        "plain": {"fr": "sans scénario", "en": "no scenario"},
    },
)


@map_app.command("draw")
def draw_command(
    map_path: MapArgument,
    out: Annotated[
        Path, typer.Option("--out", "-o", metavar="FILE.svg", help="Where to write the drawing (SVG).")
    ],
    scenario_argument: Annotated[
        str | None,
        typer.Argument(
            metavar="[SCENARIO]", help="A scenario file, or an embedded scenario of the demo map."
        ),
    ] = None,
    scenario: ScenarioOption = None,
    down: DownOption = None,
    isolate: IsolateOption = None,
    supplier: SupplierOption = None,
    focus: Annotated[
        list[str] | None,
        typer.Option(
            "--focus", metavar="ID", help="Draw only this node, what it needs and what needs it (repeatable)."
        ),
    ] = None,
    collapse: Annotated[
        bool,
        typer.Option("--collapse/--no-collapse", help="Merge interchangeable assets into counted boxes."),
    ] = True,
    affected_only: Annotated[
        bool, typer.Option("--affected-only", help="Leave out what the scenario leaves up.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """Draw the dependency graph as SVG: assets left, applications, care processes right."""
    if scenario_argument and scenario:
        raise UserError(
            "Give the scenario once: either as the second argument or with --scenario.",
            fr="Donnez le scénario une seule fois : soit en second argument, soit avec --scenario.",
        )
    if out.suffix.lower() != ".svg":
        raise UserError(
            f"The drawing is SVG: give --out a file name ending in .svg, not {out.name!r}.",
            fr=f"Le dessin est en SVG : donnez à --out un nom de fichier en .svg, pas {out.name!r}.",
        )
    chosen_name = scenario_argument or scenario
    hospital_map, chosen = map_and_scenario(map_path, chosen_name, down, isolate, supplier)
    language = output_lang(lang, hospital_map)
    impact = assess(hospital_map, chosen.hits) if chosen.hits else None
    if impact is None and chosen_name:
        # A scenario that hits nothing still deserves its colours: everything up.
        impact = assess(hospital_map)
    written = draw_to_file(
        hospital_map,
        impact,
        out,
        language,
        focus=focus,
        scenario=chosen.title_in(language) if chosen_name else None,
        collapse=collapse,
        affected_only=affected_only,
    )
    status = t("map_draw.coloured" if impact is not None else "map_draw.plain", language)
    typer.echo(t("map_draw.written", language, path=written, status=status))


def register(app: typer.Typer) -> None:
    """The command is added to the `map` group when this module is imported; nothing else to do."""
