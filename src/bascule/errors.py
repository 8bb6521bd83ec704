"""Every exception Bascule raises on purpose.

    BasculeError                 root: anything Bascule raises deliberately
    └── UserError                the user can fix it; printed as one sentence, no traceback
        ├── MapError             a hospital map is invalid (carries every problem found)
        ├── ScriptError          an exercise script is invalid (carries every problem found)
        ├── ScenarioError        a scenario names something the map does not have
        └── NotFoundError        a file, scenario or record that does not exist

Bugs are not BasculeErrors: they keep their traceback. Messages never carry patient values,
only ids. Each sentence exists in English (`message`, `str()`) and in French (`fr=`); the CLI prints
`error.in_lang(lang)` in the reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence


class BasculeError(Exception):
    """Root of every exception Bascule raises on purpose."""


class UserError(BasculeError):
    """A problem the user can fix: one clear sentence, and the exit code the CLI returns."""

    exit_code: int = 2

    def __init__(self, message: str, *, fr: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.french = fr
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message

    def in_lang(self, lang: str) -> str:
        """The sentence in `lang` ("fr" or "en"); English when no French was given."""
        if lang == "fr" and self.french is not None:
            return self.french
        return self.message


class _ProblemsError(UserError):
    """A file that cannot be used; `problems` lists every one found, each located, in English and
    (`french_problems`) in French. `what` names the file in English ("map"), `fr` in French, with
    its article ("La carte")."""

    def __init__(
        self,
        source: str,
        problems: Sequence[str],
        *,
        fr_problems: Sequence[str] | None,
        what: str,
        fr: str,
    ) -> None:
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        nom = "problème" if count == 1 else "problèmes"
        super().__init__(
            f"The {what} {source} has {count} {noun}; fix them and try again:",
            fr=f"{fr} {source} a {count} {nom} ; corrigez-les et réessayez :",
        )
        self.source = source
        self.problems = list(problems)
        self.french_problems = list(problems if fr_problems is None else fr_problems)

    def __str__(self) -> str:
        return self.in_lang("en")

    def in_lang(self, lang: str) -> str:
        """The header in `lang`, then each problem (located: a path and an id), in French where its
        wording was given in French."""
        problems = self.french_problems if lang == "fr" else self.problems
        return "\n".join([super().in_lang(lang), *(f"  {p}" for p in problems)])


class MapError(_ProblemsError):
    """A hospital map that cannot be used; `problems` lists every one found, each located."""

    def __init__(
        self, source: str, problems: Sequence[str], *, fr_problems: Sequence[str] | None = None
    ) -> None:
        super().__init__(source, problems, fr_problems=fr_problems, what="map", fr="La carte")


class ScriptError(_ProblemsError):
    """An exercise script that cannot be played; `problems` lists every one found, each located
    (`file:line path: message`), the map's ids included."""

    def __init__(
        self, source: str, problems: Sequence[str], *, fr_problems: Sequence[str] | None = None
    ) -> None:
        super().__init__(
            source, problems, fr_problems=fr_problems, what="exercise script", fr="Le script d'exercice"
        )


class ScenarioError(UserError):
    """A scenario that names unknown nodes, segments or suppliers, or is malformed."""


class NotFoundError(UserError):
    """A file, embedded scenario or record that does not exist."""
