"""The hospital map: a frozen model of what depends on what (contract 1 of DESIGN.md).

Objects check their own invariants when built, so a bad map cannot exist; the loader
(`loading.py`) turns user files into these objects and reports user mistakes with their
location before any object is built.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from functools import cached_property
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from bascule.hospital.laboratory import Laboratory

if TYPE_CHECKING:
    from bascule.hospital.graph import CompiledGraph

Priority = Literal[1, 2, 3, 4]
PRIORITY_WEIGHTS: Mapping[int, int] = {1: 1000, 2: 100, 3: 10, 4: 1}
DEFAULT_RESTORE_HOURS = 4.0


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True, slots=True)
class Requirement:
    """One entry of `needs`: met while at least `at_least` of `members` are not down.

    A plain id is `at_least: 1` of one member, which has exactly that node's status;
    `grouped` only remembers how the map wrote it.
    """

    members: tuple[str, ...]
    at_least: int = 1
    grouped: bool = False

    def __post_init__(self) -> None:
        _require(len(self.members) > 0, "a requirement needs at least one member")
        _require(1 <= self.at_least <= len(self.members), "at_least must be between 1 and the member count")
        _require(self.grouped or len(self.members) == 1, "a plain requirement names one id")

    @classmethod
    def of(cls, node_id: str) -> Requirement:
        return cls((node_id,))

    def describe(self) -> str:
        if not self.grouped:
            return self.members[0]
        if self.at_least == 1:
            return "any(" + ", ".join(self.members) + ")"
        return f"at_least {self.at_least} of(" + ", ".join(self.members) + ")"


@dataclass(frozen=True, slots=True)
class Hospital:
    id: str
    name: str
    lang: Literal["fr", "en"] = "fr"
    timezone: str | None = None  # IANA name: every time shown or printed is in it (None: not said)
    country: str | None = None  # ISO 3166 code for phone numbers written without one
    mrn_systems: tuple[str, ...] = ()  # identifier systems that carry the hospital's MRN
    med_times: tuple[tuple[str, tuple[str, ...]], ...] = ()  # timing code -> standard times HH:MM

    def zone(self, default: tzinfo = UTC) -> tzinfo:
        """The zone every time shown or printed is in: the map's, else `default`."""
        return ZoneInfo(self.timezone) if self.timezone else default


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name: str = ""
    beds: int = 0


@dataclass(frozen=True, slots=True)
class Segment:
    """A unit of network containment: isolating it cuts every node in it."""

    id: str
    site: str | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class Supplier:
    id: str
    name: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class CareUnit:
    """A ward or service where patients are cared for (an extension of contract 1)."""

    id: str
    name: str = ""
    site: str | None = None
    beds: int = 0
    # The source's location codes this unit covers (FHIR Location ids, HL7 PV1-3); default its id.
    locations: tuple[str, ...] = ()

    @property
    def location_codes(self) -> tuple[str, ...]:
        return self.locations or (self.id,)


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """Anything that can be up, degraded or down: an asset, an application or a care process."""

    id: str
    name: str = ""
    needs: tuple[Requirement, ...] = ()
    optional: tuple[str, ...] = ()
    segment: str | None = None
    supplier: str | None = None
    restore_hours: float = DEFAULT_RESTORE_HOURS
    skills: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require(bool(self.id), "a node needs an id")
        _require(self.restore_hours >= 0, f"{self.id}: restore_hours must not be negative")

    @property
    def label(self) -> str:
        return self.name or self.id

    def required_ids(self) -> Iterator[str]:
        for requirement in self.needs:
            yield from requirement.members


@dataclass(frozen=True, slots=True, kw_only=True)
class Asset(Node):
    """Infrastructure: a server, storage, network, a service, a workstation pool or a link."""

    kind: str = "server"
    count: int = 1
    site: str | None = None

    def __post_init__(self) -> None:
        Node.__post_init__(self)
        _require(self.count >= 1, f"{self.id}: count must be at least 1")


@dataclass(frozen=True, slots=True, kw_only=True)
class Application(Node):
    """Software the hospital runs or rents (EHR, LIMS, PACS...)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CareProcess(Node):
    """What the hospital exists to do; priority 1 is vital, 4 deferrable."""

    priority: int
    fallback: str | None = None
    units: tuple[str, ...] = ()
    # What a facility must list in its capabilities to take this process's patients when it is down.
    capability: str | None = None

    def __post_init__(self) -> None:
        Node.__post_init__(self)
        _require(self.priority in PRIORITY_WEIGHTS, f"{self.id}: priority must be 1, 2, 3 or 4")

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHTS[self.priority]


@dataclass(frozen=True, slots=True)
class FallbackProcedure:
    """A degraded procedure: what staff do on paper while a care process is down."""

    id: str
    title: str = ""
    steps: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Team:
    """An IT restoration team; any member with one of a node's skills can restore it."""

    id: str
    members: int = 1
    skills: tuple[str, ...] = ()
    name: str = ""

    def __post_init__(self) -> None:
        _require(self.members >= 1, f"{self.id}: a team has at least one member")

    def can_restore(self, node: Node) -> bool:
        return not node.skills or bool(set(node.skills) & set(self.skills))


@dataclass(frozen=True, slots=True)
class Facility:
    """A nearby hospital where patients can be diverted."""

    id: str
    name: str = ""
    distance_km: float = 0.0
    capabilities: tuple[str, ...] = ()
    phone: str = ""


COORDINATION_ROLES: tuple[str, ...] = ("samu", "ambulance")


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone the crisis cell calls: the SAMU (emergency medical regulation), the ambulance
    coordination, the regional health agency... (`role` says which; free text beyond those two)."""

    id: str
    name: str = ""
    phone: str = ""
    role: str = ""


ACTIVITY_DECISIONS: tuple[str, ...] = ("maintain", "postpone", "cancel", "divert")
ACTIVITY_URGENCIES: tuple[str, ...] = ("routine", "urgent", "emergency")
DEFAULT_ACTIVITY_POLICY: Mapping[str, str] = {
    "routine": "postpone",
    "urgent": "maintain",
    "emergency": "divert",
}


@dataclass(frozen=True, slots=True)
class ActivityType:
    """A kind of scheduled activity (an extension of contract 1): which store activities it covers
    (`kinds`, and `units` when given), the care processes it needs, the capability a facility
    must have to take it, and what to do per urgency when those processes are not up."""

    id: str
    name: str = ""
    kinds: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    capability: str | None = None
    policy: tuple[tuple[str, str], ...] = tuple(DEFAULT_ACTIVITY_POLICY.items())

    def __post_init__(self) -> None:
        _require(bool(self.kinds), f"{self.id}: an activity type covers at least one kind")
        for urgency, decision in self.policy:
            _require(urgency in ACTIVITY_URGENCIES, f"{self.id}: unknown urgency {urgency!r}")
            _require(decision in ACTIVITY_DECISIONS, f"{self.id}: unknown decision {decision!r}")
        merged = {**DEFAULT_ACTIVITY_POLICY, **dict(self.policy)}
        object.__setattr__(self, "policy", tuple((u, merged[u]) for u in ACTIVITY_URGENCIES))

    def decision_for(self, urgency: str) -> str:
        """What the policy says for an activity of this urgency whose processes are not up."""
        return dict(self.policy)[urgency]

    def covers(self, kind: str, unit_id: str | None) -> bool:
        return kind in self.kinds and (not self.units or unit_id in self.units)


@dataclass(frozen=True)
class GuardSettings:
    """The ransomware guard's thresholds from the map's `guard:` section (shares between 0 and 1;
    `slack` a number of records); None keeps the guard's default."""

    max_change: float | None = None
    max_garbled: float | None = None
    table_garbled: float | None = None
    max_shrink: float | None = None
    anchor_change: float | None = None
    anchor_shrink: float | None = None
    floors: tuple[tuple[str, float], ...] | None = None
    slack: int | None = None


@dataclass(frozen=True)
class HospitalMap:
    """The whole map. Node ids, segment ids, supplier ids... share one namespace."""

    hospital: Hospital
    sites: tuple[Site, ...] = ()
    segments: tuple[Segment, ...] = ()
    suppliers: tuple[Supplier, ...] = ()
    assets: tuple[Asset, ...] = ()
    applications: tuple[Application, ...] = ()
    processes: tuple[CareProcess, ...] = ()
    procedures: tuple[FallbackProcedure, ...] = ()
    teams: tuple[Team, ...] = ()
    facilities: tuple[Facility, ...] = ()
    contacts: tuple[Contact, ...] = ()
    units: tuple[CareUnit, ...] = ()
    activities: tuple[ActivityType, ...] = ()
    laboratory: Laboratory = field(default_factory=Laboratory)
    guard: GuardSettings = field(default_factory=GuardSettings)
    source: str = field(default="<memory>", compare=False)

    def __post_init__(self) -> None:
        ids = [item.id for item in self._everything()]
        unique = set(ids)
        if len(unique) != len(ids):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"duplicate ids {duplicates}")
        needable = {n.id for n in (*self.assets, *self.applications)}
        for node in self.nodes.values():
            named = {m for r in node.needs for m in r.members}.union(node.optional)
            _require(named <= needable, f"{node.id} needs something that is not an asset or application")
        process_ids = {p.id for p in self.processes}
        for activity_type in self.activities:
            _require(
                set(activity_type.processes) <= process_ids,
                f"{activity_type.id} needs something that is not a care process",
            )

    def _everything(
        self,
    ) -> Iterator[
        Site
        | Segment
        | Supplier
        | Node
        | FallbackProcedure
        | Team
        | Facility
        | Contact
        | CareUnit
        | ActivityType
    ]:
        yield from self.sites
        yield from self.segments
        yield from self.suppliers
        yield from self.assets
        yield from self.applications
        yield from self.processes
        yield from self.procedures
        yield from self.teams
        yield from self.facilities
        yield from self.contacts
        yield from self.units
        yield from self.activities

    @cached_property
    def nodes(self) -> Mapping[str, Node]:
        """Assets, applications and processes by id, in map order."""
        return {n.id: n for n in (*self.assets, *self.applications, *self.processes)}

    @cached_property
    def procedures_by_id(self) -> Mapping[str, FallbackProcedure]:
        return {p.id: p for p in self.procedures}

    @cached_property
    def segment_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.segments)

    @cached_property
    def supplier_ids(self) -> frozenset[str]:
        return frozenset(s.id for s in self.suppliers)

    @cached_property
    def graph(self) -> CompiledGraph:
        """The dependency graph compiled into arrays, built once per map."""
        from bascule.hospital.graph import CompiledGraph
        from bascule.hospital.memory import collector_paused

        with collector_paused():
            return CompiledGraph.compile(self)

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]
