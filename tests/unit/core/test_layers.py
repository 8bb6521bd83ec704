"""Imports point down only: the command line never imports the Django face (`bascule.crisis`),
and the application layer (`bascule.incident`) imports neither Django, nor a face, nor an adapter
(the continuity store reaches it through the ScheduledActivities port), outside its one composition root (wiring.py, which loads the adapter by name). Checked on the
source of every module, the imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bascule

PACKAGE = Path(bascule.__file__).parent
# Rewritten by the anchored-journal work of issue 14; goes through bascule.incident.wiring then.
PENDING: set[str] = set()


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module `path` imports, with relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


def modules(subpackage: str) -> list[Path]:
    return sorted((PACKAGE / subpackage).rglob("*.py"))


def reaches(names: set[str], forbidden: str) -> bool:
    return any(name == forbidden or name.startswith(forbidden + ".") for name in names)


def test_the_walker_sees_imports_inside_functions_and_relative_ones() -> None:
    sample = PACKAGE / "cli" / "serve.py"
    assert reaches(imported(sample), "bascule.incident")
    assert not reaches({"bascule.crisisx"}, "bascule.crisis")


@pytest.mark.parametrize(
    "path", [p for p in modules("cli") if module_name(p) not in PENDING], ids=lambda p: p.name
)
def test_the_command_line_never_imports_the_web_face(path: Path) -> None:
    assert not reaches(imported(path), "bascule.crisis"), f"{module_name(path)} imports bascule.crisis"


@pytest.mark.parametrize("path", modules("incident"), ids=lambda p: p.name)
def test_the_application_layer_imports_no_adapter_nor_face(path: Path) -> None:
    names = imported(path)
    adapters = ("bascule.snapshot", "bascule.sources", "bascule.notify", "bascule.station")
    for forbidden in ("django", "bascule.crisis", "bascule.cli", *adapters):
        assert not reaches(names, forbidden), f"{module_name(path)} imports {forbidden}"


def test_the_core_of_the_application_layer_loads_without_django() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, bascule.incident.hits, bascule.incident.restoration, bascule.incident.triage, "
        "bascule.incident.memory, bascule.incident.wiring; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] == 'django' or m.split('.')[:2] in (['bascule', 'crisis'], ['bascule', 'cli'])))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# The account admin pages manage Django's Account rows themselves (sign-in, sessions, the lockout):
# the one view left on the ORM, behind bascule.crisis.account_admin and the AccountBook port otherwise.
ORM_VIEWS = {"bascule.crisis.views.accounts"}


@pytest.mark.parametrize(
    "path", [p for p in modules("crisis/views") if module_name(p) not in ORM_VIEWS], ids=lambda p: p.name
)
def test_the_crisis_pages_read_through_the_application_layer(path: Path) -> None:
    names = imported(path)
    for forbidden in ("bascule.crisis.models", "bascule.crisis.engine"):
        assert not reaches(names, forbidden), f"{module_name(path)} imports {forbidden}"


def test_the_page_check_sees_a_model_imported_by_name() -> None:
    views = PACKAGE / "crisis" / "views"
    assert reaches(imported(views / "accounts.py"), "bascule.crisis.models")
    assert reaches({"bascule.crisis", "bascule.crisis.models"}, "bascule.crisis.models")
    assert not reaches(imported(views / "board.py"), "bascule.crisis.models")
