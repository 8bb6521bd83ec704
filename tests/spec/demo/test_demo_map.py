"""The embedded demo hospital holds to the numbers of issue 2 and stays believable.

A ~900-inpatient French general hospital: three sites, about 200 servers and 1,500
workstations, the directory and virtualisation that ransomware hits, suppliers that run
the pathology laboratory and the out-of-hours triage platform, care processes with real
paper procedures, restoration teams and nearby hospitals.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bascule.hospital.loading import demo_map_path, load_map
from bascule.hospital.model import Application, Asset, CareProcess, HospitalMap, Node

ASSET_KINDS = {
    "server",
    "storage",
    "network",
    "service",
    "workstations",
    "link",
    "security",
    "telephony",
    "analyser",
}
VITAL_CAPABILITIES = ("emergency", "transfusion", "imaging", "surgery", "maternity", "icu")
CAPABILITIES = {*VITAL_CAPABILITIES, "dialysis", "oncology", "psychiatry", "stroke", "laboratory"}
FICTIONAL_PHONE = re.compile(r"^(01 99 00 \d\d \d\d|\+33 1 99 00 \d\d \d\d)$")


@pytest.fixture(scope="module")
def demo() -> HospitalMap:
    return load_map("demo")


def _servers(demo: HospitalMap) -> list[Asset]:
    return [a for a in demo.assets if a.kind == "server"]


def _process(demo: HospitalMap, process_id: str) -> CareProcess:
    return next(p for p in demo.processes if p.id == process_id)


def _workstations(demo: HospitalMap) -> int:
    return sum(a.count for a in demo.assets if a.kind == "workstations")


def test_the_name_demo_is_the_embedded_file() -> None:
    assert load_map("demo") == load_map(demo_map_path())
    assert Path(demo_map_path()).name == "hospital.yaml"


def test_it_is_a_french_hospital(demo: HospitalMap) -> None:
    assert demo.hospital.lang == "fr"
    assert demo.hospital.name.startswith("Centre hospitalier")


@pytest.mark.parametrize(
    ("what", "count", "low", "high"),
    [
        ("sites", lambda m: len(m.sites), 3, 10),
        ("servers", lambda m: len(_servers(m)), 180, 220),
        ("workstations", _workstations, 1_400, 1_600),
        ("care processes", lambda m: len(m.processes), 15, 60),
        ("restoration teams", lambda m: len(m.teams), 4, 12),
        ("nearby facilities", lambda m: len(m.facilities), 4, 12),
        ("beds", lambda m: sum(u.beds for u in m.units), 1_000, 1_100),
        ("suppliers", lambda m: len(m.suppliers), 3, 20),
    ],
)
def test_the_issue_numbers(demo: HospitalMap, what: str, count: object, low: int, high: int) -> None:
    assert callable(count)
    assert low <= count(demo) <= high, what


def test_about_900_inpatients_at_85_percent_occupancy(demo: HospitalMap) -> None:
    inpatients = sum(u.beds for u in demo.units) * 0.85
    assert 850 <= inpatients <= 950


def test_each_site_counts_the_beds_of_its_units(demo: HospitalMap) -> None:
    for site in demo.sites:
        assert site.beds == sum(u.beds for u in demo.units if u.site == site.id), site.id
    assert {u.site for u in demo.units} == {s.id for s in demo.sites}


def test_every_site_has_its_network_segments_and_telephony(demo: HospitalMap) -> None:
    for site in demo.sites:
        names = [s.id for s in demo.segments if s.site == site.id]
        assert len(names) >= 4, site.id
        assert any("telephony" in n for n in names), site.id
        assert any("downtime" in n for n in names), site.id


def test_every_asset_sits_in_a_known_kind_and_segment_of_its_site(demo: HospitalMap) -> None:
    segment_site = {s.id: s.site for s in demo.segments}
    for asset in demo.assets:
        assert asset.kind in ASSET_KINDS, asset.id
        if asset.segment is not None and asset.site is not None:
            assert segment_site[asset.segment] == asset.site, asset.id


def test_the_directory_has_two_domain_controllers(demo: HospitalMap) -> None:
    for service in ("ad", "dns"):
        (requirement,) = demo.node(service).needs
        assert set(requirement.members) == {"dc01", "dc02"}
        assert requirement.at_least == 1


def test_the_virtualisation_cluster_survives_the_loss_of_some_hosts(demo: HospitalMap) -> None:
    hosts = next(r for r in demo.node("vsphere-tl").needs if r.grouped)
    assert all(m.startswith("esx-") for m in hosts.members)
    assert 1 < hosts.at_least < len(hosts.members)


def test_the_backup_keeps_an_offline_copy_outside_every_network(demo: HospitalMap) -> None:
    tape = demo.node("bkp-tape")
    assert tape.segment is None
    assert not tape.needs
    assert "bkp-tape" in demo.node("backup").optional


@pytest.mark.parametrize(
    ("node_id", "supplier"),
    [
        ("lims", "biolab"),
        ("triage-platform", "orientis"),
        ("efs-link", "efs"),
        ("sms-gateway", "sms-provider"),
    ],
)
def test_supplier_run_systems(demo: HospitalMap, node_id: str, supplier: str) -> None:
    assert demo.node(node_id).supplier == supplier


@pytest.mark.parametrize(
    "node_id",
    [
        "ehr", "adt", "lims", "transfusion-sw", "efs-link", "ris", "pacs", "pharmacy", "eprescription",
        "theatre-planning", "anaesthesia", "booking", "sms-gateway", "telephony", "email", "triage-platform",
        "internet", "fw-tl", "core-tl", "san-tl", "srv-vcenter01", "backup", "dns", "downtime-tl",
    ],
)  # fmt: skip
def test_the_building_blocks_the_issue_names(demo: HospitalMap, node_id: str) -> None:
    assert node_id in demo.nodes


def test_telephony_depends_on_nothing_outside_the_telephony_segments(demo: HospitalMap) -> None:
    telephony_segments = {s.id for s in demo.segments if "telephony" in s.id}
    phones = [n for n in demo.nodes.values() if n.segment in telephony_segments]
    assert phones
    for node in phones:
        for needed in _everything_needed(demo, node):
            segment = demo.node(needed).segment
            assert segment is None or segment in telephony_segments, (node.id, needed)


def _everything_needed(demo: HospitalMap, node: Node) -> set[str]:
    seen: set[str] = set()
    stack = list(node.required_ids())
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(demo.node(current).required_ids())
    return seen


def test_processes_use_every_priority(demo: HospitalMap) -> None:
    priorities = Counter(p.priority for p in demo.processes)
    assert set(priorities) == {1, 2, 3, 4}


def test_every_fallback_is_a_procedure_with_concrete_steps(demo: HospitalMap) -> None:
    procedures = demo.procedures_by_id
    for process in demo.processes:
        if process.fallback is not None:
            procedure = procedures[process.fallback]
            assert procedure.title, procedure.id
            assert len(procedure.steps) >= 3, procedure.id
            assert all(len(step) > 20 for step in procedure.steps), procedure.id


def test_every_procedure_is_used(demo: HospitalMap) -> None:
    used = {p.fallback for p in demo.processes}
    assert {p.id for p in demo.procedures} <= used


@pytest.mark.parametrize(
    ("process_id", "words"),
    [
        ("emergency-admission", ["numéro de séjour de secours", "identité provisoire"]),
        ("transfusion", ["O RhD négatif"]),
        ("medication-administration", ["plan de soins papier"]),
        ("critical-lab-results", ["appelle", "répète le résultat"]),
        ("lab-sampling", ["coursiers", "bons de demande papier"]),
        ("scheduled-surgery", ["imprimer", "programme opératoire"]),
    ],
)
def test_fallbacks_name_the_real_degraded_procedures(
    demo: HospitalMap, process_id: str, words: list[str]
) -> None:
    procedure = demo.procedures_by_id[str(_process(demo, process_id).fallback)]
    text = " ".join((procedure.title, *procedure.steps)).lower()
    for word in words:
        assert word.lower() in text, word


def test_some_processes_have_no_fallback(demo: HospitalMap) -> None:
    without = {p.id for p in demo.processes if p.fallback is None}
    assert "stroke-care" in without
    assert any(_process(demo, p).priority <= 2 for p in without)


def test_processes_name_care_units_that_exist(demo: HospitalMap) -> None:
    units = {u.id for u in demo.units}
    named: set[str] = set()
    for process in demo.processes:
        assert set(process.units) <= units, process.id
        named |= set(process.units)
    assert named == units


def test_processes_use_any_at_least_and_optional(demo: HospitalMap) -> None:
    nodes = [*demo.assets, *demo.applications, *demo.processes]
    assert any(r.grouped and r.at_least == 1 for n in nodes for r in n.needs)
    assert any(r.grouped and r.at_least > 1 for n in nodes for r in n.needs)
    assert any(p.optional for p in demo.processes)


def test_every_node_our_teams_run_can_be_restored_by_a_team(demo: HospitalMap) -> None:
    for node in (*demo.assets, *demo.applications):
        assert node.skills, node.id
        assert any(team.can_restore(node) for team in demo.teams), node.id
        assert 0 < node.restore_hours <= 72, node.id


def test_applications_are_logical(demo: HospitalMap) -> None:
    for application in demo.applications:
        assert isinstance(application, Application)
        assert application.needs, application.id


def test_facilities_offer_known_capabilities_and_cover_the_vital_ones(demo: HospitalMap) -> None:
    offered: set[str] = set()
    for facility in demo.facilities:
        assert 0 < facility.distance_km < 60, facility.id
        assert set(facility.capabilities) <= CAPABILITIES, facility.id
        offered |= set(facility.capabilities)
    assert offered == CAPABILITIES


def test_the_laboratory_menu_is_run_by_analysers_and_partner_laboratories(demo: HospitalMap) -> None:
    assets = {asset.id for asset in demo.assets}
    partners = {f.id for f in demo.facilities if "laboratory" in f.capabilities}
    laboratory = demo.laboratory
    assert 12 <= len(laboratory.tests) <= 16
    assert laboratory.process in {p.id for p in demo.processes}
    assert laboratory.blood_bank.supplier == "efs"
    for test in laboratory.tests:
        assert set(test.runners) <= assets | partners, test.id
    runners = {runner for test in laboratory.tests for runner in test.runners}
    assert runners & assets and runners & partners


def test_phone_numbers_are_in_the_fictional_range(demo: HospitalMap) -> None:
    phones = [s.phone for s in demo.suppliers] + [f.phone for f in demo.facilities]
    phones += [c.phone for c in demo.contacts]
    assert phones
    for phone in phones:
        assert FICTIONAL_PHONE.match(phone), phone
