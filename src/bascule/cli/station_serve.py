"""`bascule station serve DIR`: the read-only downtime viewer on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import output_lang
from bascule.durations import parse_duration
from bascule.hospital.loading import DEMO, load_map
from bascule.i18n import t
from bascule.station.check import DEFAULT_MAX_AGE

if TYPE_CHECKING:
    from bascule.station.viewer.library import Status

DEFAULT_PORT = 8765  # as station.viewer.server, which is imported only when serving (it is heavy)

i18n.register(
    "station_serve",
    {
        "ready": {
            "fr": "Poste de consultation sur http://127.0.0.1:{port}/ — {banner}. Arrêt : Ctrl-C.",
            "en": "Downtime viewer on http://127.0.0.1:{port}/ — {banner}. Stop: Ctrl-C.",
        },
    },
)


def register(station_app: typer.Typer) -> None:
    @station_app.command("serve")
    def serve_command(
        folder: Annotated[Path, typer.Argument(metavar="DIR", help="The station folder.")],
        port: Annotated[
            int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).")
        ] = DEFAULT_PORT,
        max_age: Annotated[
            str | None,
            typer.Option("--max-age", metavar="DURATION", help="Red banner past this age (default 2h)."),
        ] = None,
        idle: Annotated[
            str | None,
            typer.Option("--idle", metavar="DURATION", help="Logout after this idle time (default 10m)."),
        ] = None,
        every: Annotated[
            str | None,
            typer.Option("--every", metavar="DURATION", help="Look at the inbox this often (default 30s)."),
        ] = None,
        map_path: Annotated[
            str, typer.Option("--map", metavar="MAP", help="The hospital map (procedures in the kits).")
        ] = DEMO,
        lang: Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Default language.")] = None,
    ) -> None:
        """Serve the read-only viewer of the newest verified bundle on 127.0.0.1 until stopped."""
        from bascule.station.viewer.server import DEFAULT_EVERY, DEFAULT_IDLE, serve
        from bascule.station.viewer.texts import banner

        hospital_map = load_map(map_path)
        language = output_lang(lang, hospital_map)
        console = make_console()

        def ready(bound: int, status: Status) -> None:
            from datetime import UTC, datetime

            console.print(
                t(
                    "station_serve.ready",
                    language,
                    port=bound,
                    banner=banner(status, datetime.now(UTC), language),
                )
            )

        serve(
            folder,
            hospital_map,
            port=port,
            max_age=parse_duration(max_age, "--max-age") if max_age else DEFAULT_MAX_AGE,
            idle=parse_duration(idle, "--idle") if idle else DEFAULT_IDLE,
            every=parse_duration(every, "--every") if every else DEFAULT_EVERY,
            lang=language,
            on_ready=ready,
        )
