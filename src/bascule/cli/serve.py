"""`bascule serve`: the crisis cell's web application on this machine, no Internet needed."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from bascule.cli.context import environment
from bascule.errors import UserError
from bascule.i18n import Lang, parse_lang, t
from bascule.i18n import register as register_messages

register_messages(
    "serve",
    {
        "listening": {
            "fr": "Cellule de crise Bascule : {url}  (Ctrl-C pour arrêter)",
            "en": "Bascule crisis cell: {url}  (Ctrl-C to stop)",
        },
        "data": {
            "fr": "Données de la cellule de crise : {folder} (clé secrète et état privé)",
            "en": "Crisis cell data: {folder} (secret key and private state)",
        },
        "database_file": {"fr": "Base de données : {path}", "en": "Database: {path}"},
        "database_url": {
            "fr": "Base de données : PostgreSQL (DATABASE_URL)",
            "en": "Database: PostgreSQL (DATABASE_URL)",
        },
        "store": {
            "fr": "Magasin de continuité (onglet Activité) : {path}",
            "en": "Continuity store (Activity tab): {path}",
        },
        "no_store": {
            "fr": "Pas de magasin de continuité : l'onglet Activité restera vide (--store FICHIER).",
            "en": "No continuity store: the Activity tab stays empty (--store FILE).",
        },
        "store_missing": {
            "fr": "Il n'y a pas de magasin de continuité à {path} ; donnez le fichier SQLite fait par "
            "bascule synth ou bascule snapshot import.",
            "en": "There is no continuity store at {path}; give the SQLite file made by bascule synth "
            "or bascule snapshot import.",
        },
        "first_account": {
            "fr": "Créez d'abord un compte s'il n'y en a aucun : {command}",
            "en": "Create an account first if none exists: {command}",
        },
        "demo_url": {
            "fr": "Cellule de crise de démonstration : {url}",
            "en": "Demo crisis cell: {url}",
        },
        "demo_account": {
            "fr": "Compte : {name} — mot de passe provisoire (à changer à la première connexion, "
            "remplacé à chaque lancement) : {password}",
            "en": "Account: {name} — provisional password (to change at first sign-in, replaced at "
            "every start): {password}",
        },
    },
)

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
StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Continuity store (SQLite) whose scheduled activity the Activity tab triages "
        "(default: BASCULE_CRISIS_STORE).",
    ),
]
DEMO_ACCOUNT = "demo"


def crisis_data_dir(variables: Mapping[str, str], data: Path | None) -> Path:
    """The crisis cell's data folder: --data, else BASCULE_CRISIS_DIR, else the user's own."""
    return Path(data or variables.get("BASCULE_CRISIS_DIR") or Path.home() / ".local/share/bascule/crisis")


def use_store(store: Path | None, variables: Mapping[str, str]) -> Path | None:
    """Name the continuity store to the web application (the Activity tab); refuse a missing file."""
    chosen = store or (
        Path(variables["BASCULE_CRISIS_STORE"]) if variables.get("BASCULE_CRISIS_STORE") else None
    )
    if chosen is None:
        return None
    if not chosen.is_file():
        raise UserError(
            t("serve.store_missing", _console_lang(variables), path=chosen),
            fr=t("serve.store_missing", "fr", path=chosen),
        )
    os.environ["BASCULE_CRISIS_STORE"] = str(chosen.resolve())  # the web app's settings read it there
    return chosen.resolve()


def _console_lang(variables: Mapping[str, str]) -> Lang:
    return "en" if variables.get("BASCULE_CRISIS_LANG") == "en" else "fr"


def where_data_lives(
    data_dir: Path, db: Path | None, store: Path | None, variables: Mapping[str, str], lang: Lang
) -> list[str]:
    """What `serve` prints before listening: the data folder, the database, the continuity store."""
    lines = [t("serve.data", lang, folder=data_dir.resolve())]
    if variables.get("DATABASE_URL"):
        lines.append(t("serve.database_url", lang))  # never the URL: it may hold a password
    else:
        database = db or (
            Path(variables["BASCULE_CRISIS_DB"]) if variables.get("BASCULE_CRISIS_DB") else None
        )
        lines.append(t("serve.database_file", lang, path=(database or data_dir / "crisis.sqlite3").resolve()))
    lines.append(t("serve.store", lang, path=store) if store else t("serve.no_store", lang))
    return lines


AnchorOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--anchor",
        metavar="DIR",
        help="A folder outside the database (a share on another host) that keeps a copy of the "
        "journal's signed checkpoints (repeatable).",
    ),
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
            raise UserError(
                f"Cannot listen on {host}:{port}: {error.strerror}.",
                fr=f"Impossible d'écouter sur {host}:{port} : {error.strerror}.",
            ) from None
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
        raise UserError(
            f"Cannot listen on {host}:{port}: {error.strerror}.",
            fr=f"Impossible d'écouter sur {host}:{port} : {error.strerror}.",
        ) from None


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
        store: StoreOption = None,
        lang: Annotated[
            str | None,
            typer.Option("--lang", help="Default language of the pages, fr or en (each user may choose)."),
        ] = None,
        anchor: AnchorOption = None,
        sign_key: Annotated[
            Path | None,
            typer.Option(
                "--sign-key",
                metavar="KEY",
                help="The crisis cell's minisign secret key (unencrypted) to sign the journal's "
                "checkpoints (default: a key the application makes in the data folder).",
            ),
        ] = None,
    ) -> None:
        """Start the crisis cell's web application; say where its data lives."""
        from bascule.incident import wiring
        from bascule.journal_anchor import check_anchor_folders

        variables = dict(environment().variables)
        if lang is not None:
            variables["BASCULE_CRISIS_LANG"] = parse_lang(lang)
        language = _console_lang(variables)
        data_dir = crisis_data_dir(variables, data)
        continuity = use_store(store, variables)
        allow_host(host, variables)
        check_anchor_folders(anchor or ())
        if sign_key is not None and not sign_key.is_file():
            raise UserError(
                f"The signing key {sign_key} does not exist; give a minisign .key file.",
                fr=f"La clé de signature {sign_key} n'existe pas ; donnez un fichier .key de minisign.",
            )
        wiring.crisis_store(variables, data_dir, db, anchors=anchor or (), sign_key=sign_key)
        # The journal's key and checkpoint signer, found or made before the first request (a
        # missing key with entries in the journal stops here, in one sentence).
        wiring.prepare_journal()
        typer.echo(t("serve.listening", language, url=f"http://{host}:{port}/"))
        for line in where_data_lives(data_dir, db, continuity, variables, language):
            typer.echo(line)
        command = f"bascule users add NAME --role director --data {data_dir}"
        typer.echo(t("serve.first_account", language, command=command))
        run_server(host, port)


def serve_demo(
    out_dir: Path,
    lang: str,
    console: Any,
    host: str = "127.0.0.1",
    port: int = 8000,
    scenario: str = "ransomware",
) -> None:
    """`bascule demo --serve`: the crisis cell on the demo incident, ready to sign in to.

    Its data is under `out_dir`/crisis; the Activity tab reads the demo's continuity store
    (`out_dir`/store.sqlite, made by `bascule demo`); the account "demo" (director) gets a new
    password, printed, at every start."""
    from bascule.incident import wiring
    from bascule.incident.restoration import prepared_plan

    language = parse_lang(lang)
    data_dir = out_dir / "crisis"
    store_file = out_dir / "store.sqlite"
    continuity = use_store(store_file, {}) if store_file.is_file() else None
    store = wiring.demo_store(data_dir, language)
    wiring.prepare_journal()
    incident = wiring.demo_incident(scenario, language)
    prepared_plan(store, incident.id, "bascule-demo")
    password = secrets.token_urlsafe(15)  # a new one at every start, never written down
    # Printed on a terminal, so known to whoever saw it: its holder must choose their own at first sign-in.
    wiring.account_book().set_password(DEMO_ACCOUNT, "director", password, "cli", provisional=True)
    url = f"http://{host}:{port}/incidents/{incident.id}/"
    console.print(t("serve.demo_url", language, url=url))
    console.print(t("serve.demo_account", language, name=DEMO_ACCOUNT, password=password))
    for line in where_data_lives(data_dir, None, continuity, {}, language):
        console.print(line)
    run_server(host, port)
