"""What the commands share: the environment passed to `main` (read nowhere else)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


@dataclass(frozen=True)
class Environment:
    variables: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.variables.get(name, default)


_current = Environment()


def set_environment(environment: Environment) -> None:
    global _current
    _current = environment


def environment() -> Environment:
    return _current


def make_console(*, stderr: bool = False) -> Console:
    """A Rich console that keeps tables on one line when the output is a pipe or a file."""
    import sys

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 140
    return Console(file=stream, width=width, soft_wrap=False, highlight=False)
