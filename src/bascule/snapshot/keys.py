"""The keys of sealing: age X25519 identities (who may open) and minisign keys (who sealed).

`new_key_set(NAME)` writes, like `age-keygen` and `minisign -G` would:
  NAME.age      age identity (AGE-SECRET-KEY-1...), passphrase-protected with age's scrypt if asked
  NAME.age.pub  age recipient (age1...)
  NAME.key      minisign secret key (scrypt-encrypted, or minisign's unencrypted variant)
  NAME.pub      minisign public key
Private files are mode 0600; nothing existing is ever overwritten.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyrage

from bascule.errors import NotFoundError, UserError
from bascule.snapshot.age_format import RecipientError, recipient_bytes
from bascule.snapshot.durable import write_atomically
from bascule.snapshot.minisign import MEMLIMIT_SENSITIVE, OPSLIMIT_SENSITIVE, PublicKey, SecretKey

_AGE_ARMOR = b"-----BEGIN AGE ENCRYPTED FILE-----"
_AGE_BINARY = b"age-encryption.org/v1"


@dataclass(frozen=True)
class KeySet:
    identity: Path
    recipient: Path
    signing_key: Path
    public_key: Path
    recipient_text: str


def read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(
            f"The {what} {path} does not exist.", fr=f"Le fichier {path} n'existe pas."
        ) from None
    except IsADirectoryError:
        raise UserError(
            f"The {what} {path} is a folder; give a file.", fr=f"{path} est un dossier ; donnez un fichier."
        ) from None
    except PermissionError:
        raise UserError(
            f"The {what} {path} cannot be read (permission denied).",
            fr=f"Le fichier {path} ne peut pas être lu (permission refusée).",
        ) from None


def read_passphrase(path: Path) -> bytes:
    """A passphrase file's first line, without its line ending; an empty one is refused."""
    passphrase = read_bytes(path, "passphrase file").split(b"\n", 1)[0].rstrip(b"\r")
    if not passphrase:
        raise UserError(
            f"The passphrase file {path} is empty; write the passphrase on its first line.",
            fr=f"Le fichier de phrase de passe {path} est vide ; écrivez la phrase de passe sur sa première ligne.",
        )
    return passphrase


def new_key_set(
    name: str,
    folder: Path,
    passphrase: bytes | None = None,
    *,
    opslimit: int = OPSLIMIT_SENSITIVE,
    memlimit: int = MEMLIMIT_SENSITIVE,
) -> KeySet:
    if not name or "/" in name or name.startswith("."):
        raise UserError(
            f"The key name {name!r} is not a plain file name; use letters, digits and dashes.",
            fr=f"Le nom de clé {name!r} n'est pas un simple nom de fichier ; utilisez des lettres, des chiffres et des tirets.",
        )
    folder.mkdir(parents=True, exist_ok=True)
    paths = KeySet(
        folder / f"{name}.age", folder / f"{name}.age.pub", folder / f"{name}.key", folder / f"{name}.pub", ""
    )
    existing = [
        p for p in (paths.identity, paths.recipient, paths.signing_key, paths.public_key) if p.exists()
    ]
    if existing:
        raise UserError(
            f"The key file {existing[0]} already exists; choose another name or folder "
            "(Bascule never overwrites a key).",
            fr=f"Le fichier de clé {existing[0]} existe déjà ; choisissez un autre nom ou un autre dossier "
            "(Bascule n'écrase jamais une clé).",
        )
    identity = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    identity_text = f"# created: {created}\n# public key: {recipient}\n{identity}\n".encode()
    if passphrase is not None:
        identity_text = pyrage.passphrase.encrypt(identity_text, passphrase.decode())
    signing = SecretKey.generate()
    write_atomically(paths.identity, identity_text, 0o600, exclusive=True)
    write_atomically(paths.recipient, f"{recipient}\n".encode(), 0o644, exclusive=True)
    write_atomically(
        paths.signing_key,
        signing.to_text(passphrase, opslimit=opslimit, memlimit=memlimit).encode(),
        0o600,
        exclusive=True,
    )
    write_atomically(paths.public_key, signing.public_key.to_text().encode(), 0o644, exclusive=True)
    return KeySet(paths.identity, paths.recipient, paths.signing_key, paths.public_key, recipient)


def load_identities(path: Path, passphrase: bytes | None = None) -> list[pyrage.x25519.Identity]:
    """The age identities in a file made by age-keygen or Bascule (possibly passphrase-protected)."""
    raw = read_bytes(path, "identity file")
    if raw.startswith(_AGE_BINARY) or raw.lstrip().startswith(_AGE_ARMOR):
        if passphrase is None:
            raise UserError(
                f"The identity file {path} is protected by a passphrase; give it with --passphrase-file.",
                fr=f"Le fichier d'identité {path} est protégé par une phrase de passe ; donnez-la avec --passphrase-file.",
            )
        try:
            raw = pyrage.passphrase.decrypt(raw, passphrase.decode())
        except pyrage.DecryptError:
            raise UserError(
                f"Wrong passphrase for the identity file {path}.",
                fr=f"Phrase de passe erronée pour le fichier d'identité {path}.",
            ) from None
    identities = []
    for line in raw.decode(errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(pyrage.x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            raise UserError(
                f"The identity file {path} holds a line that is not an age X25519 identity "
                "(AGE-SECRET-KEY-1... expected).",
                fr=f"Le fichier d'identité {path} contient une ligne qui n'est pas une identité age X25519 "
                "(AGE-SECRET-KEY-1... attendu).",
            ) from None
    if not identities:
        raise UserError(
            f"The identity file {path} holds no age identity.",
            fr=f"Le fichier d'identité {path} ne contient aucune identité age.",
        )
    return identities


def parse_recipients(values: list[str]) -> list[pyrage.x25519.Recipient]:
    """Each value is an age1... recipient or a file of them (one per line, # comments)."""
    if not values:
        raise UserError(
            "Give at least one recipient with --to (age1... or a .age.pub file).",
            fr="Donnez au moins un destinataire avec --to (age1... ou un fichier .age.pub).",
        )
    recipients = []
    for value in values:
        lines = [value] if value.startswith("age1") else _recipient_lines(Path(value))
        for line in lines:
            try:
                recipient_bytes(line)  # also refuses keys pyrage takes but nothing can encrypt to
                recipients.append(pyrage.x25519.Recipient.from_str(line))
            except (RecipientError, pyrage.RecipientError):
                raise UserError(
                    f"{line[:20]!r} is not an age X25519 recipient (age1... expected).",
                    fr=f"{line[:20]!r} n'est pas un destinataire age X25519 (age1... attendu).",
                ) from None
    return recipients


def _recipient_lines(path: Path) -> list[str]:
    text = read_bytes(path, "recipient file").decode(errors="replace")
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if not lines:
        raise UserError(
            f"The recipient file {path} holds no recipient.",
            fr=f"Le fichier de destinataires {path} ne contient aucun destinataire.",
        )
    return lines


def load_signing_key(path: Path, passphrase: bytes | None = None) -> SecretKey:
    text = read_bytes(path, "signing key").decode(errors="replace")
    return SecretKey.from_text(text, str(path), passphrase)


def load_public_key(path: Path) -> PublicKey:
    text = read_bytes(path, "public key").decode(errors="replace")
    return PublicKey.from_text(text, str(path))


def is_private(path: Path) -> bool:
    return os.stat(path).st_mode & 0o077 == 0
