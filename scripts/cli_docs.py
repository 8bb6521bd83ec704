"""Writes docs/cli.md from the command line's own help, so the reference can never drift.

.venv/bin/python scripts/cli_docs.py          # rewrite docs/cli.md
.venv/bin/python scripts/cli_docs.py --check  # exit 1 if docs/cli.md is out of date (a test runs this)
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "cli.md"

INTRO = """\
# The command line

Generated from `bascule --help` by `scripts/cli_docs.py`; a test fails when it is out of date.

Every command prints one clear sentence and exits with a non-zero code when something is wrong, never
a traceback. Outputs that people read exist in French and English (`--lang fr|en`; by default the
map's language). `demo` names the embedded demo hospital wherever a MAP is taken.

Error sentences are in French or English too. Their language is `--lang fr|en` when the command line
has it, else `BASCULE_LANG=fr|en`, else the locale (the first of `LC_ALL`, `LC_MESSAGES`, `LANG` that
is set: one starting with `fr` means French), else English. With `LANG=fr_FR.UTF-8`,
`bascule map check absent.yaml` prints `Erreur : Il n'y a pas de carte à absent.yaml ; donnez le
chemin d'une carte .yaml ou .json, ou 'demo'.` and exits 2. The option parser's own usage messages
(an unknown option, a missing argument) stay in English.

| exit code | meaning |
|---|---|
| 0 | done |
| 2 | bad input or usage: the message says what to fix; nothing stored was changed |
| 3 | a snapshot, journal or station access log failed its check (tampered, wrong key, rolled back) |
| 4 | data older than the stated threshold |
| 5 | a refresh was quarantined by the ransomware guard |
| 6 | `station check`: a self-test check failed (viewer, test patient or printer) |
| 130 | interrupted |
"""


def command_paths() -> Iterator[list[str]]:
    import typer

    from bascule.cli import build_app

    def walk(command: Any, prefix: list[str]) -> Iterator[list[str]]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name in sorted(subcommands):
                yield from walk(subcommands[name], [*prefix, name])
        else:
            yield prefix

    yield from walk(typer.main.get_command(build_app()), [])


def help_text(path: list[str]) -> str:
    from bascule.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        main([*path, "--help"], environ={})
    return buffer.getvalue().rstrip()


def render() -> str:
    os.environ["COLUMNS"] = "100"
    os.environ["TERMINAL_WIDTH"] = "100"
    sections = [INTRO]
    for path in command_paths():
        sections.append(f"## bascule {' '.join(path)}\n\n```text\n{help_text(path)}\n```\n")
    return "\n".join(sections)


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print("docs/cli.md is out of date: run .venv/bin/python scripts/cli_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
