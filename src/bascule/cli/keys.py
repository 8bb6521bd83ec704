"""`bascule keys new NAME`: an age identity (to open bundles) and a minisign key (to seal them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.context import make_console
from bascule.cli.options import output_lang
from bascule.i18n import register as register_messages
from bascule.i18n import t
from bascule.snapshot.keys import new_key_set, read_passphrase

register_messages(
    "keys",
    {
        "created": {
            "fr": "Clés « {name} » écrites dans {folder} : donnez {recipient} (destinataire age) et {public} "
            "(clé publique minisign) ; gardez secrets {identity} et {secret} (mode 0600{protected}).",
            "en": "Keys '{name}' written in {folder}: share {recipient} (age recipient) and {public} "
            "(minisign public key); keep {identity} and {secret} secret (mode 0600{protected}).",
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


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
