"""`bascule keys new NAME`: an age identity (to open bundles) and a minisign key (to seal them)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.context import make_console
from bascule.cli.options import output_lang
from bascule.i18n import register as register_messages
from bascule.i18n import t
from bascule.snapshot.keys import load_public_key, load_signing_key, new_key_set, read_passphrase
from bascule.snapshot.minisign import key_id_text
from bascule.station.rotation import write_statement

register_messages(
    "keys",
    {
        "created": {
            "fr": "Clés « {name} » écrites dans {folder} : donnez {recipient} (destinataire age) et {public} "
            "(clé publique minisign) ; gardez secrets {identity} et {secret} (mode 0600{protected}).",
            "en": "Keys '{name}' written in {folder}: share {recipient} (age recipient) and {public} "
            "(minisign public key); keep {identity} and {secret} secret (mode 0600{protected}).",
        },
        "rotation": {
            "fr": "Déclaration écrite : {statement} (et sa signature .minisig) ; déposez les deux fichiers dans "
            "l'inbox de chaque poste : ils feront confiance à la clé {key_id}{retire}.",
            "en": "Statement written: {statement} (and its .minisig signature); drop both files in every "
            "station's inbox: they will trust key {key_id}{retire}.",
        },
        "retire": {
            "fr": " et retireront la clé {old}",
            "en": " and retire key {old}",
        },
        "protected": {"fr": ", protégés par la phrase secrète", "en": ", protected by the passphrase"},
    },
)

keys_app = typer.Typer(help="Make the keys that seal and open snapshots.", no_args_is_help=True)


@keys_app.command("new")
def new_keys(
    name: Annotated[str, typer.Argument(help="Name of the key set (station-1, crisis-cell...).")],
    folder: Annotated[Path, typer.Option("--dir", help="Where to write the keys.")] = Path("."),
    passphrase_file: Annotated[
        Path | None, typer.Option("--passphrase-file", help="Protect the private keys with this passphrase.")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="fr|en")] = None,
) -> None:
    """Write NAME.age, NAME.age.pub (age) and NAME.key, NAME.pub (minisign); never overwrite."""
    language = output_lang(lang)
    passphrase = read_passphrase(passphrase_file) if passphrase_file else None
    keys = new_key_set(name, folder, passphrase)
    make_console().print(
        t(
            "keys.created",
            language,
            name=name,
            folder=folder,
            recipient=keys.recipient.name,
            public=keys.public_key.name,
            identity=keys.identity.name,
            secret=keys.signing_key.name,
            protected=t("keys.protected", language) if passphrase else "",
        )
    )


@keys_app.command("rotate")
def rotate_keys(
    sign: Annotated[
        Path,
        typer.Option("--sign", metavar="OLD.key", help="A key the stations already trust (its secret key)."),
    ],
    new: Annotated[Path, typer.Option("--new", metavar="NEW.pub", help="The new minisign public key.")],
    hospital: Annotated[str, typer.Option("--hospital", metavar="ID", help="The hospital of the stations.")],
    folder: Annotated[Path, typer.Option("--dir", help="Where to write the statement.")] = Path("."),
    retire: Annotated[
        bool, typer.Option("--retire", help="The signing key is retired: stations stop trusting it.")
    ] = False,
    passphrase_file: Annotated[
        Path | None, typer.Option("--passphrase-file", help="The passphrase of OLD.key, if it has one.")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", metavar="fr|en")] = None,
) -> None:
    """Write a statement, signed by a trusted key, that stations must trust NEW.pub from now on."""
    language = output_lang(lang)
    signer = load_signing_key(sign, read_passphrase(passphrase_file) if passphrase_file else None)
    new_key = load_public_key(new)
    statement = write_statement(folder, hospital, new_key, signer, datetime.now(UTC), retire=retire)
    make_console().print(
        t(
            "keys.rotation",
            language,
            statement=statement,
            key_id=key_id_text(new_key.key_id),
            retire=t("keys.retire", language, old=key_id_text(signer.key_id)) if retire else "",
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
