"""Checks of the map's optional `laboratory:` section (issue 19): the downtime test menu and the
blood bank's policy. Test ids join the map's one id namespace; runners must name assets or
facilities, the blood supplier a supplier, the laboratory's process a care process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from bascule.hospital.laboratory import ABO_RHD, COMPONENTS, TEST_PRIORITIES
from bascule.hospital.value_checks import (
    Checker,
    Said,
    _is_count,
    _is_id,
    _is_text,
    _is_text_list,
    _type_name,
    hint,
)

if TYPE_CHECKING:
    from bascule.hospital.validation import Path, Problem

SECTION = "laboratory"


def _is_test_priority(value: Any) -> Said | None:
    if value in TEST_PRIORITIES:
        return None
    near = hint(str(value), TEST_PRIORITIES)
    names = ", ".join(TEST_PRIORITIES)
    return Said(
        f"must be one of {names}, not {value!r}{near.en}",
        f"doit être l'une de {names}, pas {value!r}{near.fr}",
    )


def _is_positive_hours(value: Any) -> Said | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Said(
            f"must be a number of hours, not {_type_name(value)}",
            f"doit être un nombre d'heures, pas {_type_name(value, 'fr')}",
        )
    if value > 0:
        return None
    return Said(f"must be more than 0 hours, not {value}", f"doit dépasser 0 heure, pas {value}")


def _is_age(value: Any) -> Said | None:
    if not isinstance(value, bool) and isinstance(value, int) and 12 <= value <= 80:
        return None
    return Said(
        f"must be an age in whole years from 12 to 80, not {value!r}",
        f"doit être un âge en années entières de 12 à 80, pas {value!r}",
    )


STOCK_KEYS: tuple[str, ...] = (
    *COMPONENTS,
    *(f"{component} {group}" for component in COMPONENTS for group in ABO_RHD),
)


def _is_thresholds(value: Any) -> Said | None:
    if not isinstance(value, dict):
        return Said(
            f'must map stock lines to units ("red_cells O-": 8), not {_type_name(value)}',
            f"doit associer des lignes de stock à des unités (« red_cells O- »: 8), pas {_type_name(value, 'fr')}",
        )
    for key, units in value.items():
        if key not in STOCK_KEYS:
            near = hint(str(key), STOCK_KEYS)
            components = ", ".join(COMPONENTS)
            return Said(
                f'unknown stock line "{key}"{near.en}; write a component ({components}) '
                'alone or with an ABO/RhD group, as "red_cells O-"',
                f"ligne de stock inconnue « {key} »{near.fr} ; écrivez un composant ({components}) "
                "seul ou suivi d'un groupe ABO/RhD, comme « red_cells O- »",
            )
        if error := _is_count(0)(units):
            return Said(f"{key}: {error.en}", f"{key} : {error.fr}")
    return None


LABORATORY_FIELDS: dict[str, Checker] = {
    "process": _is_id,
    "late_after_hours": _is_positive_hours,
    "tests": lambda value: None,  # checked entry by entry below
    "blood_bank": lambda value: None,
}
TEST_FIELDS: dict[str, Checker] = {
    "id": _is_id,
    "name": _is_text,
    "priority": _is_test_priority,
    "runners": _is_text_list,
    "daily": _is_count(0),
    "tube": _is_text,
}
BLOOD_BANK_FIELDS: dict[str, Checker] = {
    "supplier": _is_id,
    "o_positive_women_from_age": _is_age,
    "thresholds": _is_thresholds,
    "cross_match_test": _is_id,
}
_RUNNER_SECTIONS = ("assets", "facilities")
_RUNNER = Said("an asset or facility", "un équipement ou un établissement")


def check_laboratory(document: dict[str, Any], ids: dict[str, tuple[str, Path]]) -> Iterator[Problem]:
    """Every problem of the `laboratory:` section; adds its test ids to `ids` (the one namespace),
    which must already hold the other sections' ids."""
    from bascule.hospital.validation import Problem, check_fields

    section = document.get(SECTION)
    if section is None:
        return
    if not isinstance(section, dict):
        yield Problem(
            (SECTION,),
            f"must be a mapping (tests, blood_bank, ...), not {_type_name(section)}",
            f"doit être un dictionnaire (tests, blood_bank, ...), pas {_type_name(section, 'fr')}",
        )
        return
    yield from check_fields((SECTION,), section, LABORATORY_FIELDS, ())
    process = section.get("process")
    if isinstance(process, str) and process.strip():
        yield from _reference(
            (SECTION, "process"),
            process,
            ids,
            ("processes",),
            Said("a care process", "un processus de soins"),
        )
    tests = section.get("tests", [])
    if not isinstance(tests, list):
        yield Problem(
            (SECTION, "tests"),
            f"must be a list of tests, not {_type_name(tests)}",
            f"doit être une liste d'examens, pas {_type_name(tests, 'fr')}",
        )
    else:
        for index, test in enumerate(tests):
            yield from _check_test((SECTION, "tests", index), test, ids)
    bank = section.get("blood_bank")
    if bank is not None and not isinstance(bank, dict):
        yield Problem(
            (SECTION, "blood_bank"),
            f"must be a mapping (supplier, thresholds, ...), not {_type_name(bank)}",
            f"doit être un dictionnaire (supplier, thresholds, ...), pas {_type_name(bank, 'fr')}",
        )
    elif bank is not None:
        yield from check_fields((SECTION, "blood_bank"), bank, BLOOD_BANK_FIELDS, ())
        supplier = bank.get("supplier")
        if isinstance(supplier, str) and supplier.strip():
            yield from _reference(
                (SECTION, "blood_bank", "supplier"),
                supplier,
                ids,
                ("suppliers",),
                Said("a supplier", "un fournisseur"),
            )
        cross_match = bank.get("cross_match_test")
        if isinstance(cross_match, str) and cross_match.strip():
            yield from _cross_match_test(cross_match, tests if isinstance(tests, list) else [])


def _cross_match_test(target: str, tests: list[Any]) -> Iterator[Problem]:
    """The cross-match test must be one of the section's own tests (not any id of the map)."""
    from bascule.hospital.validation import Problem

    menu = [test["id"] for test in tests if isinstance(test, dict) and isinstance(test.get("id"), str)]
    if target not in menu:
        near = hint(target, menu)
        yield Problem(
            (SECTION, "blood_bank", "cross_match_test"),
            f'"{target}" is not one of the laboratory\'s tests{near.en}',
            f"« {target} » n'est pas l'un des examens du laboratoire{near.fr}",
        )


def _check_test(path: Path, test: Any, ids: dict[str, tuple[str, Path]]) -> Iterator[Problem]:
    from bascule.hospital.validation import Problem, check_fields

    if not isinstance(test, dict):
        yield Problem(
            path,
            f"must be a mapping with an id, not {_type_name(test)}",
            f"doit être un dictionnaire avec un id, pas {_type_name(test, 'fr')}",
        )
        return
    yield from check_fields(path, test, TEST_FIELDS, ("id",))
    test_id = test.get("id")
    if isinstance(test_id, str) and test_id.strip():
        if test_id in ids:
            yield Problem(
                (*path, "id"), f'duplicate id "{test_id}"', f"id « {test_id} » en double", ids[test_id][1]
            )
        else:
            ids[test_id] = ("tests", (*path, "id"))
    runners = test.get("runners")
    if isinstance(runners, list):
        for position, runner in enumerate(runners):
            if isinstance(runner, str):
                yield from _reference((*path, "runners", position), runner, ids, _RUNNER_SECTIONS, _RUNNER)


def _reference(
    path: Path, target: str, ids: dict[str, tuple[str, Path]], sections: tuple[str, ...], wanted: Said
) -> Iterator[Problem]:
    from bascule.hospital.validation import SINGULAR, Problem

    if target not in ids:
        near = hint(target, [i for i, (section, _) in ids.items() if section in sections])
        yield Problem(path, f'unknown id "{target}"{near.en}', f"id inconnu « {target} »{near.fr}")
    elif ids[target][0] not in sections:
        actual = SINGULAR[ids[target][0]]
        field = str(path[-2] if isinstance(path[-1], int) else path[-1])
        yield Problem(
            path,
            f'"{target}" is {actual.en}, but {field} must name {wanted.en}',
            f"« {target} » est {actual.fr}, mais {field} doit nommer {wanted.fr}",
        )
