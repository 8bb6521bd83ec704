"""Any exercise script comes back whole from the document a crisis database keeps."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.exercise.loading import from_document, to_document
from bascule.exercise.model import CHANNELS, Criterion, Effects, ExerciseScript, ExpectedDecision, Inject
from bascule.impact import Hits
from bascule.scenario import Scenario

IDS = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
WORDS = st.text(alphabet="abcdéè O-", min_size=1, max_size=12).filter(str.strip)
TEXTS = st.one_of(
    st.fixed_dictionaries({"fr": WORDS, "en": WORDS}),
    st.fixed_dictionaries({"fr": WORDS}),
    st.fixed_dictionaries({"en": WORDS}),
)
HOURS = st.dictionaries(IDS, st.floats(0, 1000, allow_nan=False), max_size=2)
MINUTES = st.floats(0, 240, allow_nan=False).map(lambda m: round(m, 2))


@st.composite
def criteria(draw: st.DrawFn) -> Criterion | None:
    kind = draw(
        st.sampled_from(
            (None, "down", "isolate", "supplier", "lift", "procedure", "sitrep", "triage", "decision")
        )
    )
    if kind is None:
        return None
    if kind == "sitrep":
        return Criterion("sitrep")
    if kind == "triage":
        return Criterion(
            "triage",
            tuple(draw(st.lists(st.sampled_from(("cancel", "maintain", "divert")), min_size=1, max_size=2))),
        )
    return Criterion(
        kind, tuple(draw(st.lists(WORDS if kind == "decision" else IDS, min_size=1, max_size=3)))
    )


@st.composite
def scripts(draw: st.DrawFn) -> ExerciseScript:
    minutes = sorted(draw(st.lists(MINUTES, min_size=1, max_size=6)))
    ids = draw(st.lists(IDS, min_size=len(minutes) * 2, max_size=len(minutes) * 2, unique=True))
    injects = tuple(
        Inject(
            ids[i],
            minute,
            draw(st.sampled_from(CHANNELS)),
            draw(TEXTS),
            draw(st.one_of(st.just({}), TEXTS)),
            Effects(
                tuple(draw(st.lists(IDS, max_size=2))),
                tuple(draw(st.lists(IDS, max_size=2))),
                tuple(draw(st.lists(IDS, max_size=2))),
                draw(HOURS),
                draw(HOURS),
                tuple(draw(st.lists(IDS, max_size=2))),
            ),
            draw(st.one_of(st.just({}), TEXTS)),
        )
        for i, minute in enumerate(minutes)
    )
    expected = tuple(
        ExpectedDecision(
            ids[len(minutes) + i],
            draw(TEXTS),
            draw(st.floats(1, 60, allow_nan=False)),
            draw(st.one_of(st.none(), st.sampled_from([inject.id for inject in injects]))),
            draw(criteria()),
            draw(st.floats(0.5, 5, allow_nan=False)),
        )
        for i in range(draw(st.integers(0, len(minutes))))
    )
    return ExerciseScript(
        id=draw(IDS),
        title=draw(TEXTS),
        map_ref=draw(st.sampled_from(("demo", "maps/chvo.yaml"))),
        scenario=Scenario(
            draw(IDS),
            Hits(tuple(draw(st.lists(IDS, max_size=3))), tuple(draw(st.lists(IDS, max_size=3))), ()),
            draw(HOURS),
            draw(HOURS),
            draw(st.one_of(st.just({}), TEXTS)),
            {},
        ),
        duration_minutes=400.0,
        injects=injects,
        expected=expected,
        briefing=draw(st.one_of(st.just({}), TEXTS)),
        source=draw(st.sampled_from(("pathology-supplier", "/srv/exercises/lab.yaml"))),
    )


@settings(max_examples=60, deadline=None)
@given(scripts())
def test_a_script_comes_back_whole_from_its_document(script: ExerciseScript) -> None:
    assert from_document(json.loads(json.dumps(to_document(script)))) == script
