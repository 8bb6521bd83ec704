"""`bascule serve`: the crisis cell's web application on this machine, no Internet needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from bascule.cli.context import environment
from bascule.errors import UserError

HostOption = Annotated[
    str, typer.Option("--host", help="Address to listen on (127.0.0.1: this machine only).")
]
PortOption = Annotated[int, typer.Option("--port", help="TCP port.")]
DbOption = Annotated[
    Path | None, typer.Option("--db", help="SQLite database file (default: in the data folder).")
]
DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Data folder: database and secret key (default: BASCULE_CRISIS_DIR)."),
]


def wsgi_application() -> Any:
    from bascule.incident import wiring

    return wiring.web_application()


def run_server(host: str, port: int, threads: int = 16) -> None:
    """Serve the configured application until interrupted (waitress when installed, else wsgiref)."""
    application = wsgi_application()
    try:
        import waitress
    except ImportError:
        from socketserver import ThreadingMixIn
        from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

        class _Quiet(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

        class _Threaded(ThreadingMixIn, WSGIServer):
            daemon_threads = True

        try:
            server = make_server(host, port, application, server_class=_Threaded, handler_class=_Quiet)
        except OSError as error:
            raise UserError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None
        server.serve_forever()
        return
    try:
        waitress.serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="bascule",
            channel_timeout=60,
            connection_limit=500,
            _quiet=True,
        )
    except OSError as error:
        raise UserError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None


def allow_host(host: str, variables: dict[str, str]) -> None:
    """Serving a network address: let requests name it (loopback names are always allowed)."""
    import os

    if "BASCULE_CRISIS_HOSTS" in variables:
        os.environ["BASCULE_CRISIS_HOSTS"] = variables["BASCULE_CRISIS_HOSTS"]
    elif host not in ("127.0.0.1", "localhost", "::1"):
        names = ["127.0.0.1", "localhost", "[::1]"]
        names.append("*" if host in ("0.0.0.0", "::") else host)
        os.environ["BASCULE_CRISIS_HOSTS"] = ",".join(names)


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: HostOption = "127.0.0.1",
        port: PortOption = 8000,
        db: DbOption = None,
        data: DataOption = None,
        lang: Annotated[
            str | None,
            typer.Option("--lang", help="Default language of the pages, fr or en (each user may choose)."),
        ] = None,
    ) -> None:
        """Start the crisis cell's web application."""
        from bascule.i18n import parse_lang
        from bascule.incident import wiring

        variables = dict(environment().variables)
        if lang is not None:
            variables["BASCULE_CRISIS_LANG"] = parse_lang(lang)
        allow_host(host, variables)
        wiring.crisis_store(variables, data, db)
        typer.echo(f"Bascule crisis cell: http://{host}:{port}/  (Ctrl-C to stop)")
        typer.echo("Create an account first if none exists: bascule users add NAME --role director")
        run_server(host, port)


def serve_demo(
    out_dir: Path,
    lang: str,
    console: Any,
    host: str = "127.0.0.1",
    port: int = 8000,
    scenario: str = "ransomware",
) -> None:
    """`bascule demo --serve`: the crisis cell on the demo incident, its data under `out_dir`/crisis."""
    from bascule.i18n import parse_lang
    from bascule.incident import wiring
    from bascule.incident.restoration import prepared_plan

    language = parse_lang(lang)
    data_dir = out_dir / "crisis"
    store = wiring.demo_store(data_dir, language)
    incident = wiring.demo_incident(scenario, language)
    prepared_plan(store, incident.id, "bascule-demo")
    url = f"http://{host}:{port}/incidents/{incident.id}/"
    if language == "fr":
        console.print(f"Cellule de crise de démonstration : {url}")
    else:
        console.print(f"Demo crisis cell: {url}")
    if not wiring.account_book().any_active():
        hint = f"bascule users add NAME --role director --data {data_dir}"
        console.print(
            ("Créez d'abord un compte : " if language == "fr" else "Create an account first: ") + hint
        )
    run_server(host, port)
