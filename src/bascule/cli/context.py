"""What the commands share: the environment passed to `main` (read nowhere else)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
