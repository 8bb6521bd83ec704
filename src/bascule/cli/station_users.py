"""`bascule station users|token|audit`: the station's local accounts, break-glass cards, bearer tokens
and the export of its access log for the privacy officer.

Exit codes: 0 done; 2 usage, not a station, or refused; 3 (`audit`) the log was tampered with: the
export is written all the same, and the sentence names the first broken line.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import output_lang, read_password
from bascule.cli.station import station_app
from bascule.durable import write_chunks
from bascule.durations import parse_duration
from bascule.errors import UserError
from bascule.i18n import t
from bascule.station.access_log import FIELDS, AccessLog, verify_chain
from bascule.station.accounts import ROLES, StationAccounts
from bascule.station.state import Layout, load_state

i18n.register(
    "station_users",
    {
        "added": {
            "fr": "Compte {name} ({role}) créé sur le poste.",
            "en": "Account {name} ({role}) created on the station.",
        },
        "disabled": {
            "fr": "Compte {name} désactivé : il ne peut plus se connecter et ses jetons ne valent plus.",
            "en": "Account {name} disabled: it cannot log in and its tokens no longer work.",
        },
        "enabled": {"fr": "Compte {name} réactivé.", "en": "Account {name} enabled again."},
        "unlocked": {
            "fr": "Compte {name} déverrouillé ; ses essais manqués sont oubliés.",
            "en": "Account {name} unlocked; its failed attempts are forgotten.",
        },
        "none": {
            "fr": "Aucun compte sur ce poste ; créez-en avec bascule station users add.",
            "en": "No account on this station; make some with bascule station users add.",
        },
        "active": {"fr": "actif", "en": "active"},
        "inactive": {"fr": "désactivé", "en": "disabled"},
        "locked": {"fr": "verrouillé jusqu'à {until}", "en": "locked until {until}"},
        "cards": {
            "fr": "{count} code(s) d'urgence ({role}, n° {first} à {last}) dans {out} : imprimez-le, découpez, "
            "mettez chaque code sous enveloppe scellée, puis effacez le fichier.",
            "en": "{count} emergency code(s) ({role}, serials {first} to {last}) in {out}: print it, cut it, "
            "seal each code in an envelope, then delete the file.",
        },
        "audit": {
            "fr": "{lines} entrée(s) du journal d'accès exportée(s) dans {out} ; chaîne et tête intactes. "
            "Qui a les droits root du poste peut effacer ou réécrire le journal et sa tête ensemble.",
            "en": "{lines} access-log entries exported to {out}; chain and head whole. "
            "Whoever has the station's root can delete or rewrite the log and its head together.",
        },
    },
)

users_app = typer.Typer(help="The station's own accounts, made in advance.", no_args_is_help=True)
station_app.add_typer(users_app, name="users")

FolderArgument = Annotated[Path, typer.Argument(metavar="DIR", help="The station folder.")]
NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="The account name.")]
LangOption = Annotated[str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output.")]


def _now() -> datetime:
    return datetime.now().astimezone()


def _accounts(folder: Path) -> StationAccounts:
    return StationAccounts(Layout(folder))


def _refuse_existing(out: Path) -> None:
    if out.exists() or out.is_symlink():
        raise UserError(
            f"{out} already exists; give a new file name (it is never overwritten).",
            fr=f"{out} existe déjà ; donnez un nouveau nom de fichier (il n'est jamais écrasé).",
        )
    if not out.parent.is_dir():
        raise UserError(
            f"The folder of {out} does not exist; create it first.",
            fr=f"Le dossier de {out} n'existe pas ; créez-le d'abord.",
        )


@users_app.command("add")
def add_command(
    folder: FolderArgument,
    name: NameArgument,
    role: Annotated[str, typer.Option("--role", metavar="|".join(ROLES), help="What the account may do.")],
    password_file: Annotated[
        Path | None,
        typer.Option("--password-file", metavar="F", help="Read the passphrase from F's first line."),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Create an account; the passphrase is asked twice (hidden) unless --password-file is given."""
    language = output_lang(lang)
    accounts = _accounts(folder)
    password = read_password(password_file)
    accounts.add(name, role, password)
    make_console().print(t("station_users.added", language, name=name, role=role))


@users_app.command("list")
def list_command(
    folder: FolderArgument,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON array on stdout.")] = False,
    lang: LangOption = None,
) -> None:
    """The accounts: name, role, active or not, and until when one is locked."""
    language = output_lang(lang)
    listing = _accounts(folder).listing()
    if as_json:
        print(json.dumps(listing, ensure_ascii=False))
        return
    if not listing:
        make_console().print(t("station_users.none", language))
    for entry in listing:
        state = t("station_users.active" if entry["active"] else "station_users.inactive", language)
        locked = entry["locked_until"]
        if locked is not None and datetime.fromisoformat(locked) > _now():
            state += ", " + t("station_users.locked", language, until=locked)
        typer.echo(f"{entry['name']}\t{entry['role']}\t{state}")


@users_app.command("disable")
def disable_command(folder: FolderArgument, name: NameArgument, lang: LangOption = None) -> None:
    """Disable an account: its logins and tokens are refused from the next request on."""
    language = output_lang(lang)
    _accounts(folder).disable(name)
    make_console().print(t("station_users.disabled", language, name=name))


@users_app.command("enable")
def enable_command(folder: FolderArgument, name: NameArgument, lang: LangOption = None) -> None:
    """Enable a disabled account again."""
    language = output_lang(lang)
    _accounts(folder).enable(name)
    make_console().print(t("station_users.enabled", language, name=name))


@users_app.command("unlock")
def unlock_command(folder: FolderArgument, name: NameArgument, lang: LangOption = None) -> None:
    """Lift a lockout after too many failed logins (it also ends by itself after 15 minutes)."""
    language = output_lang(lang)
    _accounts(folder).unlock(name)
    make_console().print(t("station_users.unlocked", language, name=name))


@users_app.command("breakglass")
def breakglass_command(
    folder: FolderArgument,
    out: Annotated[Path, typer.Option("--out", metavar="CODES.pdf", help="The PDF to print (a new file).")],
    count: Annotated[int, typer.Option("--count", help="How many one-time codes.")] = 10,
    role: Annotated[
        str, typer.Option("--role", metavar="|".join(ROLES), help="The role a code opens.")
    ] = "doctor",
    lang: LangOption = None,
) -> None:
    """Print one-time emergency codes, one per third of an A4 page, to seal in envelopes; the codes
    are never shown on screen, and the station keeps only their SHA-256."""
    from bascule.station.breakglass_cards import render_cards

    language = output_lang(lang)
    hospital = load_state(Layout(folder)).hospital
    accounts = _accounts(folder)
    _refuse_existing(out)
    now = _now()
    codes = accounts.issue_breakglass_codes(count, role, now)
    try:
        write_chunks(out, (render_cards(codes, hospital, now),), 0o600, exclusive=True)
    except BaseException:
        accounts.void_breakglass([code.serial for code in codes], now)  # never printed: nobody may use them
        raise
    make_console().print(
        t(
            "station_users.cards",
            language,
            count=len(codes),
            role=role,
            first=codes[0].serial,
            last=codes[-1].serial,
            out=out,
        )
    )


@station_app.command("token")
def token_command(
    folder: FolderArgument,
    name: NameArgument,
    valid: Annotated[
        str, typer.Option("--valid", metavar="DURATION", help="How long it works, e.g. 12h.")
    ] = "12h",
) -> None:
    """Print a bearer token for NAME on stdout, and nothing else (for scripts: Authorization: Bearer TOKEN)."""
    validity = parse_duration(valid, "--valid")
    accounts = _accounts(folder)
    print(accounts.issue_token(name, _now(), validity))


def _cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: a name typed at login may start like a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_chunks(raw: bytes) -> list[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FIELDS)
    for line in raw.split(b"\n"):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            row = [entry.get(key) if isinstance(entry, dict) else None for key in FIELDS]
        except ValueError:  # a damaged line is kept, whole, for the privacy officer to see
            row = [None] * (len(FIELDS) - 1) + [line.decode(errors="replace")]
        writer.writerow([_cell(value) for value in row])
    return [buffer.getvalue().encode()]


@station_app.command("audit")
def audit_command(
    folder: FolderArgument,
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="The export (a new file, owner-only).")],
    export_format: Annotated[
        str, typer.Option("--format", metavar="jsonl|csv", help="JSON Lines or CSV.")
    ] = "jsonl",
    lang: LangOption = None,
) -> None:
    """Export the access log (who opened which patient, when) and check its chain; it may run while
    the station serves. Exit 3 when the log was tampered with (the export is written all the same)."""
    language = output_lang(lang)
    if export_format not in ("jsonl", "csv"):
        raise UserError(
            f"Unknown export format {export_format!r}; use jsonl or csv.",
            fr=f"Format d'export inconnu {export_format!r} ; utilisez jsonl ou csv.",
        )
    layout = Layout(folder)
    load_state(layout)
    _refuse_existing(out)
    raw, head = AccessLog(layout).read()
    chunks = _csv_chunks(raw) if export_format == "csv" else [raw]
    write_chunks(out, chunks, 0o600, exclusive=True)
    report = verify_chain(raw, head, FIELDS, "access.head")
    if not report.whole:
        raise UserError(
            f"The access log was tampered with: {report.reason}; the export {out} holds it as found.",
            fr=f"Le journal d'accès a été altéré : {report.raison} ; l'export {out} le contient tel quel.",
            exit_code=3,
        )
    make_console().print(t("station_users.audit", language, lines=report.lines, out=out))


def register(app: typer.Typer) -> None:
    """The commands are added to `station_app` when this module is imported."""
