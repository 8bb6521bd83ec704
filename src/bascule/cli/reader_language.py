"""The language the CLI speaks its errors in: `--lang`, else BASCULE_LANG, else the locale, else
English."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bascule.i18n import Lang

_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def _as_lang(value: str) -> Lang | None:
    value = value.strip().lower()
    if value.startswith("fr"):
        return "fr"
    if value.startswith("en"):
        return "en"
    return None


def _from_command_line(argv: Sequence[str]) -> Lang | None:
    for index, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == "--lang" and index + 1 < len(argv):
            return _as_lang(argv[index + 1])
        if argument.startswith("--lang="):
            return _as_lang(argument.removeprefix("--lang="))
    return None


def _from_locale(environ: Mapping[str, str]) -> Lang:
    # POSIX order: the first variable that is set (and not empty) decides.
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def reader_language(argv: Sequence[str], environ: Mapping[str, str]) -> Lang:
    """`--lang fr|en` on the command line, else BASCULE_LANG, else LC_ALL / LC_MESSAGES / LANG
    (one starting with `fr` means French), else English."""
    chosen = _from_command_line(argv)
    if chosen is not None:
        return chosen
    configured = _as_lang(environ.get("BASCULE_LANG", ""))
    if configured is not None:
        return configured
    return _from_locale(environ)
