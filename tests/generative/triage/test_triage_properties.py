"""Properties of triage on the demo hospital, whatever is hit and whatever is scheduled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import event, given, settings
from hypothesis import strategies as st

from bascule import assess
from bascule.clinical.records import Activity
from bascule.hospital.loading import load_map
from bascule.triage import Approval, triage

DEMO = load_map("demo")
NODES = sorted(n for n in DEMO.nodes if n not in {p.id for p in DEMO.processes})
UNITS = [u.id for u in DEMO.units]
START = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
PROCESSES = {p.id: p for p in DEMO.processes}
TYPES = {t.id: t for t in DEMO.activities}

activities = st.lists(
    st.builds(
        lambda i, kind, urgency, unit, hour: Activity(
            id=f"a{i}", version="v", patient_id=f"p{i}", kind=kind, urgency=urgency,
            unit_id=unit, start=START + timedelta(hours=hour),
        ),
        st.integers(0, 10**6),
        st.sampled_from(["consultation", "imaging", "surgery"]),
        st.sampled_from(["routine", "urgent", "emergency"]),
        st.sampled_from([*UNITS, None]),
        st.integers(0, 24 * 14),
    ),
    max_size=40,
    unique_by=lambda a: a.id,
)  # fmt: skip


# What the activity types need, so that most examples stop or degrade something.
KEY_NODES = sorted(
    {
        m
        for p in DEMO.processes
        if p.id in {q for t in DEMO.activities for q in t.processes}
        for r in p.needs
        for m in r.members
    }
    | {o for p in DEMO.processes for o in p.optional}
)
hits = st.lists(st.one_of(st.sampled_from(KEY_NODES), st.sampled_from(NODES)), max_size=6, unique=True)


@settings(max_examples=200, deadline=None)
@given(hit=hits, items=activities, approve=st.booleans())
def test_every_proposal_follows_the_rules(hit: list[str], items: list[Activity], approve: bool) -> None:
    impact = assess(DEMO, down=hit)
    approvals = (
        [Approval(a.id, role, f"{role}-1") for a in items[:3] for role in ("doctor", "director")]
        if approve
        else []
    )
    proposals = triage(DEMO, impact, items, approvals)
    event("something changed" if any(p.status != "up" for p in proposals) else "all up")
    assert [p.activity_id for p in proposals] == [a.id for a in items]
    for proposal, item in zip(proposals, items, strict=True):
        kind_type = TYPES[proposal.activity_type] if proposal.activity_type else None
        if proposal.status == "up":
            assert (proposal.decision, proposal.reason) in {
                ("maintain", "unaffected"),
                ("maintain", "unmapped"),
            }
            continue
        assert kind_type is not None and proposal.process in kind_type.processes
        assert impact.status(proposal.process) == proposal.status
        assert proposal.via and proposal.via[0] == proposal.process and proposal.via[-1] in hit
        if proposal.decision == "divert":
            capable = [f for f in DEMO.facilities if kind_type.capability in f.capabilities]
            assert proposal.facility == min(capable, key=lambda f: (f.distance_km, f.id)).id
        if proposal.reason == "fallback":
            assert proposal.status == "down" and proposal.fallback == PROCESSES[proposal.process].fallback
        if proposal.by_exception:
            assert (
                approve
                and item in items[:3]
                and kind_type.decision_for(item.urgency) in ("postpone", "cancel")
            )
        elif proposal.decision in ("postpone", "cancel") and proposal.reason == "policy":
            assert kind_type.decision_for(item.urgency) == proposal.decision
