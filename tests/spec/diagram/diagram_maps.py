"""A 60-node hospital for the drawing's spec tests, assessed with the real `bascule.impact`."""

from __future__ import annotations

from collections.abc import Iterable

from bascule.hospital.model import (
    Application,
    Asset,
    CareProcess,
    FallbackProcedure,
    Hospital,
    HospitalMap,
    Requirement,
    Segment,
    Site,
    Supplier,
)
from bascule.impact import Impact, assess


def need(*ids: str) -> tuple[Requirement, ...]:
    return tuple(Requirement.of(i) for i in ids)


def any_of(*ids: str) -> Requirement:
    return Requirement(tuple(ids), 1, grouped=True)


def at_least(k: int, *ids: str) -> Requirement:
    return Requirement(tuple(ids), k, grouped=True)


def sixty_node_hospital() -> HospitalMap:
    esx = [f"esx{i:02d}" for i in range(1, 15)]
    vms = [f"vm-ehr-{i:02d}" for i in range(1, 7)]
    assets = [
        Asset(id="dc01", name="Domain controller 01", kind="server", segment="dc-core"),
        Asset(id="dc02", name="Domain controller 02", kind="server", segment="dc-core"),
        Asset(id="core-switch", name="Core switch", kind="network", segment="dc-core"),
        Asset(id="firewall", name="Perimeter firewall", kind="network", segment="dc-core"),
        Asset(id="wan", name="WAN link", kind="link", needs=need("firewall")),
        Asset(id="san-a", name="SAN array A", kind="storage", segment="dc-core", needs=need("core-switch")),
        Asset(id="san-b", name="SAN array B", kind="storage", segment="dc-core", needs=need("core-switch")),
        Asset(id="storage", name="Block storage", kind="service", needs=(any_of("san-a", "san-b"),)),
        *(
            Asset(
                id=e, name=f"ESXi host {e[3:]}", kind="server", segment="dc-core", needs=need("core-switch")
            )
            for e in esx
        ),
        Asset(
            id="vmware",
            name="Virtualisation cluster",
            kind="service",
            needs=(at_least(10, *esx), Requirement.of("storage")),
        ),
        Asset(id="ad", name="Directory", kind="service", needs=(any_of("dc01", "dc02"),)),
        Asset(id="dns", name="DNS", kind="service", needs=(any_of("dc01", "dc02"),)),
        *(
            Asset(id=v, name=f"EHR VM {v[-2:]}", kind="vm", segment="dc-core", needs=need("vmware"))
            for v in vms
        ),
        Asset(
            id="ehr-db", name="EHR database", kind="vm", segment="dc-core", needs=need("vmware", "storage")
        ),
        Asset(
            id="pcs-wards",
            name="Ward workstations",
            kind="workstations",
            count=1500,
            segment="clinical-lan",
            needs=need("ad", "dns"),
        ),
        Asset(
            id="downtime-pcs", name="Downtime stations", kind="workstations", count=40, segment="clinical-lan"
        ),
        Asset(id="ipbx", name="Telephony", kind="service", segment="voice"),
    ]
    applications = [
        Application(id="ehr", name="Dossier patient (EHR)", needs=(at_least(4, *vms), *need("ehr-db", "ad"))),
        Application(id="adt", name="Admissions (ADT)", needs=need("vmware", "ad", "ehr-db")),
        Application(id="lims", name="Laboratory system", supplier="pathlab", needs=need("wan")),
        Application(id="pacs", name="Imaging archive", needs=need("vmware", "storage")),
        Application(id="pharmacy", name="Pharmacy", needs=need("vmware", "ad")),
        Application(id="eprescribing", name="E-prescribing", needs=need("ehr", "pharmacy")),
        Application(id="theatres", name="Theatre planning", needs=need("vmware", "ad"), optional=("ehr",)),
        Application(id="booking", name="Outpatient booking", needs=need("adt")),
        Application(id="sms", name="SMS gateway", needs=need("wan", "booking")),
        Application(id="email", name="E-mail", needs=need("vmware", "ad", "dns")),
        Application(id="triage-111", name="Out-of-hours triage", supplier="triage-co", needs=need("wan")),
    ]
    procedures = [
        FallbackProcedure(id=f"paper-{n}", title=f"Paper {n}")
        for n in ("transfusion", "medication", "admission", "imaging", "results", "surgery")
    ]
    processes = [
        CareProcess(
            id="transfusion",
            name="Blood transfusion",
            priority=1,
            fallback="paper-transfusion",
            needs=(Requirement.of("lims"), any_of("pcs-wards", "downtime-pcs")),
            optional=("ehr",),
        ),
        CareProcess(
            id="emergency",
            name="Emergency department",
            priority=1,
            needs=(any_of("pcs-wards", "downtime-pcs"), Requirement.of("ipbx")),
            optional=("ehr", "adt"),
        ),
        CareProcess(
            id="medication",
            name="Medication administration",
            priority=1,
            fallback="paper-medication",
            needs=need("eprescribing", "pcs-wards"),
        ),
        CareProcess(
            id="critical-results",
            name="Critical lab results",
            priority=1,
            fallback="paper-results",
            needs=need("lims"),
            optional=("ehr",),
        ),
        CareProcess(
            id="admissions", name="Admissions", priority=2, fallback="paper-admission", needs=need("adt")
        ),
        CareProcess(id="imaging", name="Imaging", priority=2, fallback="paper-imaging", needs=need("pacs")),
        CareProcess(
            id="surgery",
            name="Scheduled surgery",
            priority=3,
            fallback="paper-surgery",
            needs=need("theatres", "ehr"),
        ),
        CareProcess(
            id="outpatients", name="Outpatient consultations", priority=3, needs=need("booking", "ehr")
        ),
        CareProcess(id="patient-sms", name="Patient notifications", priority=4, needs=need("sms")),
        CareProcess(
            id="staff-mail", name="Staff communication", priority=4, needs=need("email"), optional=("ipbx",)
        ),
        CareProcess(id="out-of-hours", name="Out-of-hours triage", priority=2, needs=need("triage-111")),
    ]
    return HospitalMap(
        hospital=Hospital(id="chtest", name="Centre hospitalier de Test", lang="fr"),
        sites=(Site(id="main", name="Main site", beds=900),),
        segments=(
            Segment(id="dc-core", site="main"),
            Segment(id="clinical-lan", site="main"),
            Segment(id="voice", site="main"),
        ),
        suppliers=(
            Supplier(id="pathlab", name="Pathology partner"),
            Supplier(id="triage-co", name="Triage Co"),
        ),
        assets=tuple(assets),
        applications=tuple(applications),
        processes=tuple(processes),
        procedures=tuple(procedures),
    )


def hit(
    hospital_map: HospitalMap,
    down: Iterable[str] = (),
    isolate: Iterable[str] = (),
    suppliers: Iterable[str] = (),
) -> Impact:
    return assess(hospital_map, down, isolate, suppliers)
