"""Every sentence a person reads, in French and English (`--lang fr|en`).

Messages are looked up by key; a missing key or language is a bug caught by the tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

_CATALOGUES: dict[str, Mapping[str, Mapping[Lang, str]]] = {}


def register(domain: str, messages: Mapping[str, Mapping[Lang, str]]) -> None:
    """Add a module's messages; keys are namespaced by `domain` ("impact.title")."""
    for key, texts in messages.items():
        missing = [lang for lang in LANGS if lang not in texts]
        if missing:
            raise ValueError(f"message {domain}.{key} lacks {missing}")
    _CATALOGUES[domain] = messages


def t(key: str, lang: Lang, **params: object) -> str:
    """The text of `key` ("domain.name") in `lang`, formatted with `params`."""
    domain, _, name = key.partition(".")
    text = _CATALOGUES[domain][name][lang]
    return text.format(**params) if params else text


def parse_lang(value: str) -> Lang:
    if value not in LANGS:
        from bascule.errors import UserError

        raise UserError(
            f"Unknown language {value!r}; use fr or en.", fr=f"Langue inconnue {value!r} ; utilisez fr ou en."
        )
    return value


def catalogues() -> Mapping[str, Mapping[str, Mapping[Lang, str]]]:
    return _CATALOGUES
