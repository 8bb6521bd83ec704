"""Contract 2, rule by rule: small maps, what is hit, and the expected statuses.

Each case reads like the rule it checks. Statuses are written `node=status`.
"""

from __future__ import annotations

import pytest

from bascule import assess
from bascule.hospital.loading import load_map_text

MAP = """
bascule: 1
hospital: {id: h, name: Spec hospital}
segments: [{id: dc-core}, {id: clinical-lan}, {id: phones}]
suppliers: [{id: pathlab}]
assets:
  - {id: dc01, segment: dc-core}
  - {id: dc02, segment: dc-core}
  - {id: dc03, segment: dc-core}
  - {id: ad, kind: service, needs: [{any: [dc01, dc02]}]}
  - {id: esx1, segment: dc-core}
  - {id: esx2, segment: dc-core}
  - {id: esx3, segment: dc-core}
  - {id: cluster, kind: service, needs: [{at_least: 2, of: [esx1, esx2, esx3]}]}
  - {id: pcs, kind: workstations, count: 100, segment: clinical-lan, needs: [ad]}
  - {id: stations, kind: workstations, count: 5, segment: phones}
  - {id: lab-link, kind: link, supplier: pathlab}
applications:
  - {id: ehr, needs: [cluster, ad]}
  - {id: lims, needs: [lab-link]}
  - {id: pacs, needs: [cluster], optional: [ehr]}
processes:
  - {id: transfusion, priority: 1, needs: [lims, {any: [pcs, stations]}], optional: [ehr], fallback: paper-transfusion}
  - {id: admissions, priority: 2, needs: [ehr, pcs]}
  - {id: imaging, priority: 3, needs: [pacs], fallback: paper-imaging}
procedures:
  - {id: paper-transfusion, title: Paper transfusion, steps: [Call the blood bank]}
  - {id: paper-imaging, title: Films, steps: [Print]}
"""


@pytest.fixture(scope="module")
def hospital():  # type: ignore[no-untyped-def]
    return load_map_text(MAP, source="spec.yaml")


CASES = [
    # rule 1: hit nodes are down, with their cause
    ("nothing hit: everything up", {}, "dc01=up ehr=up transfusion=up imaging=up"),
    ("declared", {"down": ["dc01"]}, "dc01=down dc02=up"),
    ("isolated segment", {"isolate": ["clinical-lan"]}, "pcs=down ad=up"),
    ("supplier down", {"suppliers": ["pathlab"]}, "lab-link=down lims=down transfusion=down"),
    # rule 2: any groups
    ("any: one member lost degrades", {"down": ["dc01"]}, "ad=degraded ehr=degraded admissions=degraded"),
    ("any: all members lost is down", {"down": ["dc01", "dc02"]}, "ad=down ehr=down admissions=down"),
    ("any: an unrelated member changes nothing", {"down": ["dc03"]}, "ad=up"),
    # rule 2: at_least groups
    ("at_least 2 of 3: one lost degrades", {"down": ["esx1"]}, "cluster=degraded pacs=degraded"),
    ("at_least 2 of 3: two lost is down", {"down": ["esx1", "esx3"]}, "cluster=down pacs=down ehr=down"),
    # rule 2: a down requirement wins over a degraded one
    ("down beats degraded", {"down": ["dc01", "esx1", "esx2"]}, "ehr=down"),
    # rule 2: optional only degrades
    ("optional lost degrades", {"down": ["dc01", "dc02"]}, "transfusion=degraded pacs=degraded"),
    (
        "optional lost with a needed one down",
        {"down": ["dc01", "dc02"], "suppliers": ["pathlab"]},
        "transfusion=down",
    ),
    # rule 2: a degraded member of an any group degrades the group
    ("degraded member degrades any", {"down": ["dc01"]}, "pcs=degraded transfusion=degraded"),
    (
        "any group with a down and an up member",
        {"isolate": ["clinical-lan"]},
        "transfusion=degraded admissions=down",
    ),
    # rule 4: down processes run on their fallback or are uncovered
    (
        "containment keeps phones",
        {"isolate": ["dc-core", "clinical-lan"]},
        "stations=up imaging=down admissions=down",
    ),
]


@pytest.mark.parametrize(("rule", "hits", "expected"), CASES, ids=[c[0] for c in CASES])
def test_statuses(hospital, rule, hits, expected):  # type: ignore[no-untyped-def]
    impact = assess(hospital, **hits)
    for pair in expected.split():
        node, status = pair.split("=")
        assert impact.status(node) == status, f"{rule}: {node}"


CAUSES = [
    ({"down": ["dc01"]}, "dc01", "declared"),
    ({"isolate": ["dc-core"]}, "dc01", "isolated"),
    ({"suppliers": ["pathlab"]}, "lab-link", "supplier"),
    ({"suppliers": ["pathlab"]}, "lims", "dependency"),
    ({"down": ["dc01"]}, "ad", "dependency"),
    ({"down": ["dc01"], "isolate": ["dc-core"]}, "dc01", "declared"),
    ({"down": ["dc01"]}, "dc02", None),
]


@pytest.mark.parametrize(("hits", "node", "cause"), CAUSES)
def test_causes(hospital, hits, node, cause):  # type: ignore[no-untyped-def]
    assert assess(hospital, **hits).cause(node) == cause


VIAS = [
    # rule 3: a shortest chain to a hit node that explains the status
    ({"suppliers": ["pathlab"]}, "transfusion", ("transfusion", "lims", "lab-link")),
    ({"down": ["dc01", "dc02"]}, "admissions", ("admissions", "ehr", "ad", "dc01")),
    ({"down": ["dc02"]}, "ad", ("ad", "dc02")),
    # the shortest explanation, not the first declared: pacs is degraded via ehr too, but cluster is closer
    ({"down": ["esx1"]}, "pacs", ("pacs", "cluster", "esx1")),
    # optional explains degradation: transfusion is degraded through pcs (needed, any) and ehr (optional)
    ({"down": ["dc01", "dc02"]}, "transfusion", ("transfusion", "pcs", "ad", "dc01")),
    ({"down": ["dc01"]}, "dc01", ("dc01",)),
    ({"down": ["dc01"]}, "dc02", ()),
]


@pytest.mark.parametrize(("hits", "node", "via"), VIAS)
def test_via(hospital, hits, node, via):  # type: ignore[no-untyped-def]
    assert assess(hospital, **hits).via(node) == via


def test_uncovered_and_fallback(hospital):  # type: ignore[no-untyped-def]
    impact = assess(hospital, isolate=["dc-core"])
    document = impact.to_json()
    assert document["processes"]["admissions"] == {
        "status": "down",
        "priority": 2,
        "fallback": None,
        "uncovered": True,
    }
    assert document["processes"]["imaging"] == {
        "status": "down",
        "priority": 3,
        "fallback": "paper-imaging",
        "uncovered": False,
    }
    assert document["summary"] == {"up": 0, "degraded": 1, "down": 2, "uncovered": 1}


def test_uncovered_processes_come_first(hospital):  # type: ignore[no-untyped-def]
    impact = assess(hospital, isolate=["dc-core"], suppliers=["pathlab"])
    assert [p.id for p in impact.process_order] == ["admissions", "transfusion", "imaging"]


def test_json_document_shape(hospital):  # type: ignore[no-untyped-def]
    document = assess(hospital, down=["dc01"]).to_json()
    assert set(document) == {"nodes", "processes", "summary"}
    assert set(document["nodes"]) == set(hospital.nodes)
    assert document["nodes"]["dc02"] == {"status": "up", "cause": None, "via": None}
    assert document["nodes"]["ad"] == {"status": "degraded", "cause": "dependency", "via": ["ad", "dc01"]}
    assert set(document["processes"]) == {"transfusion", "admissions", "imaging"}
