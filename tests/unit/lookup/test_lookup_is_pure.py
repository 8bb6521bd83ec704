"""The lookup's core is pure: only `from_store` reads a store; the rest imports no I/O."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.unit.core.test_layers import PACKAGE, imported, module_name, reaches

import bascule.lookup

CORE = sorted(path for path in (PACKAGE / "lookup").glob("*.py") if path.name != "from_store.py")
FORBIDDEN = (
    "sqlite3",
    "os",
    "pathlib",
    "io",
    "socket",
    "bascule.snapshot",
    "bascule.sources",
    "bascule.station",
)


@pytest.mark.parametrize("path", CORE, ids=lambda path: path.name)
def test_the_core_imports_no_input_or_output(path: Path) -> None:
    names = imported(path)
    for forbidden in FORBIDDEN:
        assert not reaches(names, forbidden), f"{module_name(path)} imports {forbidden}"


def test_the_public_names_are_the_ones_exported() -> None:
    assert sorted(bascule.lookup.__all__) == [
        "Hit",
        "PatientCard",
        "PatientIndex",
        "Query",
        "fold",
        "parse_query",
        "tokens",
    ]
    assert all(hasattr(bascule.lookup, name) for name in bascule.lookup.__all__)
