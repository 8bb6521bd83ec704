"""The application layer of an incident: its use-cases over a repository and a journal.

    model.py        what an incident is made of (frozen values, ids only)
    ports.py        IncidentRepository, Journal and IncidentStore (a unit of work), the contracts
    memory.py       the in-memory twin of the ports
    refusals.py     why a use-case refuses (one sentence each)
    maps.py         the incident's map and impact, computed once per change
    hits.py         open an incident, declare and lift hits, the isolation what-if
    restoration.py  mark tasks, re-plan
    triage.py       the one triage pipeline (web board and CLI), group and exception approvals
    cell.py         notes, decisions and actions of the crisis cell
    sitrep.py       situation reports (their words in sitrep_texts.py)
    wiring.py       the one place that reaches the Django adapter (bascule.crisis), for the CLI

No module here imports Django, `bascule.crisis` or `bascule.cli` (wiring.py loads the adapter by
name); tests/unit/core/test_layers.py checks it.
"""
