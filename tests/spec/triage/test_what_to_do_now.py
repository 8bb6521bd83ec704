"""What the board shows on an uncovered care process: the nearest facilities that can take its
patients (the facilities triage diverts to) and the SAMU or ambulance coordination to call."""

from __future__ import annotations

import pytest

from bascule.errors import MapError
from bascule.hospital.loading import load_map, load_map_text
from bascule.hospital.model import CareProcess, HospitalMap
from bascule.triage.diversion import what_to_do_now

MAP = """\
bascule: 1
hospital: {id: h, name: "H", lang: fr}
applications: [{id: ris}, {id: chemo-sw}, {id: finance}]
processes:
  - {id: imaging, name: "Imagerie", priority: 3, needs: [ris]}
  - {id: chemo, name: "Chimiothérapie", priority: 2, needs: [chemo-sw], capability: oncology}
  - {id: billing, priority: 4, needs: [finance]}
facilities:
  - {id: far, name: "CHU", distance_km: 40, capabilities: [imaging, oncology]}
  - {id: near, name: "Clinique", distance_km: 9, capabilities: [imaging]}
  - {id: mid, name: "CH voisin", distance_km: 15, capabilities: [imaging]}
  - {id: next, name: "CH suivant", distance_km: 22, capabilities: [imaging]}
contacts:
  - {id: ars, name: "ARS", phone: "01 99 00 30 30", role: authority}
  - {id: atsu, name: "Transports sanitaires", phone: "01 99 00 30 20", role: ambulance}
  - {id: samu, name: "SAMU", phone: "01 99 00 30 15", role: samu}
activities:
  - {id: act-imaging, kinds: [imaging], processes: [imaging], capability: imaging}
"""


def process(hospital: HospitalMap, process_id: str) -> CareProcess:
    return next(p for p in hospital.processes if p.id == process_id)


@pytest.mark.parametrize(
    ("process_id", "capabilities", "facilities"),
    [
        ("imaging", ("imaging",), ("near", "mid", "next")),  # from its activity type; the 3 nearest
        ("chemo", ("oncology",), ("far",)),  # its own capability
        ("billing", (), ()),  # the map does not say
    ],
)
def test_the_nearest_facilities_with_the_capability(
    process_id: str, capabilities: tuple[str, ...], facilities: tuple[str, ...]
) -> None:
    hospital = load_map_text(MAP, source="h.yaml")
    now = what_to_do_now(hospital, process(hospital, process_id))
    assert now.capabilities == capabilities
    assert tuple(f.id for f in now.facilities) == facilities


def test_the_samu_first_then_the_ambulance_coordination_and_no_one_else() -> None:
    hospital = load_map_text(MAP, source="h.yaml")
    now = what_to_do_now(hospital, process(hospital, "chemo"))
    assert [(c.id, c.phone) for c in now.contacts] == [("samu", "01 99 00 30 15"), ("atsu", "01 99 00 30 20")]
    bare = load_map_text(
        MAP.split("contacts:")[0] + "activities:" + MAP.split("activities:")[1], source="h.yaml"
    )
    assert what_to_do_now(bare, process(bare, "chemo")).contacts == ()


def test_a_contact_is_checked_like_the_rest_of_the_map() -> None:
    with pytest.raises(MapError, match=r"contacts\[0\].telephone: unknown key"):
        load_map_text(MAP.replace('phone: "01 99 00 30 30"', 'telephone: "x"'), source="h.yaml")
    with pytest.raises(MapError, match=r'duplicate id "samu"'):
        load_map_text(MAP.replace("{id: atsu,", "{id: samu,"), source="h.yaml")


def test_the_demo_hospital_says_what_to_do_for_its_uncovered_processes() -> None:
    demo = load_map("demo")
    stroke = what_to_do_now(demo, process(demo, "stroke-care"))
    assert [f.id for f in stroke.facilities] == ["chu-bievre"]
    assert [c.role for c in stroke.contacts] == ["samu", "ambulance"]
