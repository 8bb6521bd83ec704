"""Helping people name things: did-you-mean suggestions for mistyped ids, and the names people
read in place of ids ("because" chains)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bascule.hospital.model import HospitalMap

_CUTOFF = 0.6


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The most similar candidate above the cutoff; on a tie, the one listed first (map order)."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best, best_score = None, _CUTOFF
    for candidate in candidates:
        matcher.set_seq1(candidate)
        if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
            continue
        score = matcher.ratio()
        if score > best_score or (best is None and score >= best_score):
            best, best_score = candidate, score
    return best


def did_you_mean(word: str, candidates: Iterable[str], lang: str = "en") -> str:
    """' (did you mean "lims"?)' when a close candidate exists, else ''; in French with lang="fr"."""
    match = closest(word, candidates)
    if not match:
        return ""
    return f" (vouliez-vous dire « {match} » ?)" if lang == "fr" else f' (did you mean "{match}"?)'


def missing(kind: str, wanted: Iterable[str], known: Sequence[str], where: str = "") -> list[str]:
    """Phrases for the ids of `wanted` not in `known`: 'segment "lan2" (did you mean "lan"?)'."""
    present = set(known)
    return [f'{kind} "{name}"{did_you_mean(name, known)}{where}' for name in wanted if name not in present]


def label_of(hospital: HospitalMap, item_id: str) -> str:
    """What people call a node, segment, supplier or facility of the map: its name, else its id."""
    node = hospital.nodes.get(item_id)
    if node is not None:
        return node.label
    for segment in hospital.segments:
        if segment.id == item_id:
            return segment.name or segment.id
    for supplier in hospital.suppliers:
        if supplier.id == item_id:
            return supplier.name or supplier.id
    for facility in hospital.facilities:
        if facility.id == item_id:
            return facility.name or facility.id
    return item_id


def named_chain(hospital: HospitalMap, via: Iterable[str]) -> str:
    """A `via` chain as people follow it, by name: "Transfusion sanguine ← Laboratoire ← pathlab-link"."""
    return " ← ".join(label_of(hospital, item_id) for item_id in via)
