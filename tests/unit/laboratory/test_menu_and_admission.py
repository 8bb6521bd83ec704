"""The reduced menu under an impact, and admission of a request against it."""

from __future__ import annotations

import pytest

from bascule.hospital.loading import load_map_text
from bascule.hospital.model import HospitalMap
from bascule.impact import Hits, assess
from bascule.laboratory.admission import admit
from bascule.laboratory.menu import Menu, reduced_menu

MAP = """\
bascule: 1
hospital: {id: h, name: Test}
suppliers: [{id: pathlab}]
segments: [{id: ed-lan}]
assets:
  - {id: an-gas, segment: ed-lan}
  - {id: an-chem}
applications:
  - {id: lims, supplier: pathlab}
processes:
  - {id: lab-results, priority: 1, needs: [lims]}
facilities:
  - {id: chu, capabilities: [laboratory]}
laboratory:
  process: lab-results
  tests:
    - {id: test-k, priority: critical, runners: [an-gas, an-chem], daily: 2}
    - {id: test-gas, priority: critical, runners: [an-gas], daily: 5}
    - {id: test-crp, priority: routine, runners: [chu], daily: 0}
    - {id: test-hba1c, runners: []}
"""


@pytest.fixture(scope="module")
def hospital() -> HospitalMap:
    return load_map_text(MAP)


def menu_under(hospital: HospitalMap, **hits: tuple[str, ...]) -> Menu:
    return reduced_menu(hospital, assess(hospital, Hits(**hits)))


def states(menu: Menu) -> dict[str, str]:
    return {line.id: line.state for line in menu.lines}


def test_with_the_laboratory_system_up_every_test_is_on_the_full_menu(hospital: HospitalMap) -> None:
    menu = menu_under(hospital, down=("an-gas",))
    assert not menu.restricted
    assert states(menu) == dict.fromkeys(("test-k", "test-gas", "test-crp", "test-hba1c"), "full")
    assert menu.line("test-k").runners_down == ("an-gas",)  # type: ignore[union-attr]


def test_with_the_supplier_hit_the_tests_with_a_runner_up_are_on_the_downtime_menu(
    hospital: HospitalMap,
) -> None:
    menu = menu_under(hospital, suppliers=("pathlab",))
    assert menu.restricted
    assert states(menu) == {
        "test-k": "downtime",
        "test-gas": "downtime",
        "test-crp": "downtime",
        "test-hba1c": "off",
    }
    hba1c = menu.line("test-hba1c")
    assert hba1c is not None
    assert hba1c.why("en") == "No analyser or partner laboratory runs it without the laboratory system."
    assert [line.id for line in menu.off_menu] == ["test-hba1c"]


def test_an_analyser_down_or_isolated_takes_its_tests_off_unless_another_runs_them(
    hospital: HospitalMap,
) -> None:
    menu = menu_under(hospital, suppliers=("pathlab",), isolate=("ed-lan",))
    assert states(menu)["test-k"] == "downtime"
    gas = menu.line("test-gas")
    assert gas is not None and gas.state == "off"
    assert gas.runners_up == () and gas.runners_down == ("an-gas",)
    assert gas.why("en") == "All that run it are down: an-gas."
    assert gas.why("fr") == "Tout ce qui le réalise est hors service : an-gas."
    k = menu.line("test-k")
    assert k is not None and k.runners_up == ("an-chem",)
    assert k.why("fr") == "Au menu dégradé : réalisé par an-chem, 2 par jour."


def test_a_partner_laboratory_is_taken_as_up(hospital: HospitalMap) -> None:
    menu = menu_under(hospital, suppliers=("pathlab",), down=("an-gas", "an-chem"))
    crp = menu.line("test-crp")
    assert crp is not None and crp.state == "downtime" and crp.runners_up == ("chu",)


def test_without_a_named_process_any_declared_hit_restricts_the_menu() -> None:
    hospital = load_map_text(MAP.replace("  process: lab-results\n", ""))
    assert not menu_under(hospital).restricted
    assert menu_under(hospital, down=("an-chem",)).restricted


def test_admission_accepts_under_the_cap_then_refuses_at_it(hospital: HospitalMap) -> None:
    menu = menu_under(hospital, suppliers=("pathlab",))
    first = admit(menu, "test-k", 1)
    assert first.accepted and first.reason is None
    assert first.sentence("en") == "Accepted: test-k, 2 of 2 today, run by an-gas, an-chem."
    refused = admit(menu, "test-k", 2)
    assert not refused.accepted and refused.reason == "cap_reached"
    assert refused.sentence("en") == "Refused: test-k is at its downtime cap, 2 of 2 today."
    assert (
        refused.sentence("fr")
        == "Refusé : test-k a atteint son plafond du mode dégradé, 2 sur 2 aujourd'hui."
    )


def test_a_cap_of_zero_takes_no_request(hospital: HospitalMap) -> None:
    menu = menu_under(hospital, suppliers=("pathlab",))
    assert admit(menu, "test-crp", 0).reason == "cap_reached"


def test_admission_refuses_a_test_not_on_the_menu_with_a_suggestion(hospital: HospitalMap) -> None:
    refused = admit(menu_under(hospital, suppliers=("pathlab",)), "test-kk", 0)
    assert not refused.accepted and refused.reason == "not_on_menu"
    assert (
        refused.sentence("en")
        == 'Refused: "test-kk" is not on the laboratory\'s menu (did you mean "test-k"?).'
    )
    assert (
        refused.sentence("fr")
        == "Refusé : « test-kk » n'est pas au menu du laboratoire (vouliez-vous dire « test-k » ?)."
    )


def test_admission_refuses_a_test_whose_runners_are_all_down_naming_them(hospital: HospitalMap) -> None:
    menu = menu_under(hospital, suppliers=("pathlab",), down=("an-gas",))
    refused = admit(menu, "test-gas", 0)
    assert not refused.accepted and refused.reason == "no_runner"
    assert refused.sentence("en") == "Refused: nothing runs test-gas now; down: an-gas."
    nothing = admit(menu, "test-hba1c", 0)
    assert nothing.reason == "no_runner"
    assert nothing.sentence("en") == (
        "Refused: no analyser or partner laboratory runs test-hba1c without the laboratory system."
    )


def test_a_negative_count_is_a_caller_mistake(hospital: HospitalMap) -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        admit(menu_under(hospital), "test-k", -1)


def test_on_the_full_menu_the_cap_does_not_apply(hospital: HospitalMap) -> None:
    admission = admit(menu_under(hospital), "test-k", 50)
    assert admission.accepted
    assert admission.sentence("en") == "Accepted: test-k, the laboratory system works."
