"""Every error sentence Bascule can print exists in French and English: each construction of a
UserError (or of a subclass) in src/bascule gives its French with `fr=`. A subclass whose own
`__init__` writes its sentences (MapError, the incident's refusals) must give `fr=` to its
`super().__init__`. The few constructions that cannot are listed with why; an entry that no longer
occurs must be struck from the list."""

from __future__ import annotations

import ast
from pathlib import Path

from bascule.errors import MapError, NotFoundError, UserError
from bascule.incident.refusals import AlreadyHit, NoSuchIncident

PACKAGE = Path(__file__).resolve().parents[3] / "src" / "bascule"

# (module relative to src/bascule, the construction's source text) -> why it carries no French
ALLOWED = {
    (
        "station/reading.py",
        'UserError(f"{newer[0].bundle}: {newer[0].reason}", exit_code=newer[0].exit_code)',
    ): "passes on a refusal the station's check recorded in its report as text (the report's JSON "
    "is a contract with one language); the refusal names a bundle and a reason, no patient value",
}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _has_fr(call: ast.Call) -> bool:
    return any(
        keyword.arg == "fr" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
        for keyword in call.keywords
    )


def _error_classes(trees: dict[str, ast.Module]) -> dict[str, ast.ClassDef]:
    """Every class that derives, directly or not, from UserError (by name, across the package)."""
    classes = {
        node.name: node
        for tree in trees.values()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
    }
    errors: dict[str, ast.ClassDef] = {"UserError": classes["UserError"]}
    grew = True
    while grew:
        grew = False
        for name, node in classes.items():
            if name not in errors and any(_name(base) in errors for base in node.bases):
                errors[name] = node
                grew = True
    return errors


def _own_init(node: ast.ClassDef) -> ast.FunctionDef | None:
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
            return item
    return None


def _takes_fr(init: ast.FunctionDef) -> bool:
    return any(arg.arg == "fr" for arg in (*init.args.args, *init.args.kwonlyargs))


def constructions_without_french(sources: dict[str, str]) -> list[tuple[str, int, str]]:
    """(module, line, source text) of every error construction that gives no French."""
    trees = {module: ast.parse(text, module) for module, text in sources.items()}
    errors = _error_classes(trees)
    # A subclass whose __init__ writes its own sentences: its callers give none, its super() must.
    self_worded = {name for name, node in errors.items() if (init := _own_init(node)) and not _takes_fr(init)}
    missing: list[tuple[str, int, str]] = []
    for module, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _has_fr(node):
                continue
            name = _name(node.func)
            is_super_init = (
                name == "__init__"
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Call)
                and _name(node.func.value.func) == "super"
            )
            if is_super_init:
                owner = _enclosing_class(tree, node)
                if owner in self_worded and owner != "UserError":
                    missing.append((module, node.lineno, ast.get_source_segment(sources[module], node) or ""))
            elif name in errors and name not in self_worded:
                missing.append((module, node.lineno, ast.get_source_segment(sources[module], node) or ""))
    return sorted(missing)


def _enclosing_class(tree: ast.Module, target: ast.AST) -> str | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(child is target for child in ast.walk(node)):
            return node.name
    return None


def _package_sources() -> dict[str, str]:
    return {
        module.relative_to(PACKAGE).as_posix(): module.read_text(encoding="utf-8")
        for module in sorted(PACKAGE.rglob("*.py"))
    }


def test_every_error_construction_gives_its_french() -> None:
    missing = constructions_without_french(_package_sources())
    unexplained = [
        f"{module}:{line}: {text}" for module, line, text in missing if (module, text) not in ALLOWED
    ]
    assert unexplained == []


def test_every_exception_to_the_rule_still_occurs() -> None:
    missing = {(module, text) for module, _, text in constructions_without_french(_package_sources())}
    assert [entry for entry in ALLOWED if entry not in missing] == []


def test_the_check_finds_an_error_without_french() -> None:
    sources = {
        "errors.py": "class UserError(Exception):\n    def __init__(self, message, *, fr=None): ...\n",
        "things.py": (
            "from errors import UserError\n"
            "class ThingMissing(UserError):\n    pass\n"
            "class Worded(UserError):\n"
            "    def __init__(self, thing):\n        super().__init__(f'No {thing}.')\n"
            "def f():\n"
            "    raise ThingMissing('No thing.')\n"
            "def g():\n"
            "    raise UserError('Bad.', fr='Mauvais.')\n"
            "def h():\n"
            "    raise Worded('x')\n"
            "def i():\n"
            "    raise UserError('Bad.', fr=None)\n"
        ),
    }
    found = [(module, line) for module, line, _ in constructions_without_french(sources)]
    assert found == [("things.py", 6), ("things.py", 8), ("things.py", 14)]


def test_an_error_speaks_the_language_asked() -> None:
    error = NotFoundError("There is no map at x.yaml.", fr="Il n'y a pas de carte à x.yaml.")
    assert str(error) == error.message == "There is no map at x.yaml."
    assert error.in_lang("fr") == "Il n'y a pas de carte à x.yaml."
    assert error.in_lang("en") == "There is no map at x.yaml."
    assert UserError("Only English.").in_lang("fr") == "Only English."


def test_a_map_error_heads_its_problems_in_both_languages() -> None:
    error = MapError("m.yaml", ["m.yaml:3: malformed YAML: x"], fr_problems=["m.yaml:3 : YAML mal formé : x"])
    assert error.in_lang("fr").splitlines() == [
        "La carte m.yaml a 1 problème ; corrigez-les et réessayez :",
        "  m.yaml:3 : YAML mal formé : x",
    ]
    assert str(error).splitlines()[0] == "The map m.yaml has 1 problem; fix them and try again:"


def test_the_incident_refusals_word_themselves_in_french() -> None:
    assert (
        NoSuchIncident(7).in_lang("fr")
        == "Il n'y a pas d'incident 7 dans la base de crise ; vérifiez le numéro."
    )
    assert AlreadyHit("dc01").in_lang("fr") == "dc01 est déjà déclaré touché."
    assert AlreadyHit("dc01").exit_code == 2
