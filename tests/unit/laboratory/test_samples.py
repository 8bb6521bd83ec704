"""Sample numbers, sample states and results, pure: every transition and every refusal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bascule.errors import UserError
from bascule.laboratory.samples.numbers import parse_sample_number, sample_number
from bascule.laboratory.samples.results import amend, confirm, new_result
from bascule.laboratory.samples.runs import Run, missing_in_transport
from bascule.laboratory.samples.sample import Sample, advance

AT = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def _sample(state: str = "collected") -> Sample:
    return Sample("S000001-X", "MRN1", "test-hb", "routine", "urgences", AT, "ide1", state=state)  # type: ignore[arg-type]


def test_sample_number_round_trip_and_typing_errors() -> None:
    number = sample_number(42)
    assert parse_sample_number(number) == number
    assert parse_sample_number(number.lower().replace("-", " ")) == number
    swapped = number[:5] + number[6] + number[5] + number[7:]
    with pytest.raises(ValueError, match="check character"):
        parse_sample_number(swapped)
    with pytest.raises(ValueError, match="not written like"):
        parse_sample_number("X12")
    with pytest.raises(ValueError):
        sample_number(0)


@pytest.mark.parametrize(
    ("start", "to", "lab"),
    [
        ("collected", "sent", None),
        ("collected", "received", "lab"),
        ("sent", "received", "lab"),
        ("received", "resulted", None),
    ],
)
def test_allowed_steps(start: str, to: str, lab: str | None) -> None:
    outcome = advance(_sample(start), to, actor="a", place="lab", at=AT)  # type: ignore[arg-type]
    assert outcome.sample.state == to and outcome.step is not None and not outcome.already
    assert outcome.step.actor == "a" and outcome.step.place == "lab" and outcome.step.at == AT
    if lab:
        assert outcome.sample.lab == lab


@pytest.mark.parametrize("state", ["collected", "sent", "received"])
def test_rejected_from_any_non_final_state_with_its_reason(state: str) -> None:
    outcome = advance(_sample(state), "rejected", actor="a", place="lab", at=AT, reason="haemolysed")
    assert outcome.sample.state == "rejected" and outcome.sample.reason == "haemolysed"
    with pytest.raises(UserError, match="only with a reason"):
        advance(_sample(state), "rejected", actor="a", place="lab", at=AT, reason=" ")


@pytest.mark.parametrize("state", ["sent", "received", "rejected"])
def test_a_repeated_scan_is_already_and_changes_nothing(state: str) -> None:
    sample = _sample(state)
    outcome = advance(sample, state, actor="a", place="lab", at=AT, reason="x")  # type: ignore[arg-type]
    assert outcome.already and outcome.sample is sample


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("received", "sent"),
        ("resulted", "sent"),
        ("resulted", "received"),
        ("rejected", "received"),
        ("collected", "resulted"),
        ("sent", "resulted"),
        ("resulted", "rejected"),
        ("rejected", "sent"),
    ],
)
def test_out_of_order_is_refused_with_the_current_state(start: str, to: str) -> None:
    with pytest.raises(UserError) as caught:
        advance(_sample(start), to, actor="a", place="lab", at=AT, reason="r")  # type: ignore[arg-type]
    assert f"is {start}:" in caught.value.message
    assert caught.value.french and "MRN1" not in caught.value.message


def test_a_scan_needs_who_and_where() -> None:
    with pytest.raises(UserError, match="who"):
        advance(_sample(), "sent", actor=" ", place="lab", at=AT)


def test_late_counts_from_collection_until_resulted() -> None:
    sample = _sample()
    assert not sample.late(AT + timedelta(hours=3, minutes=59), 4)
    assert sample.late(AT + timedelta(hours=4), 4)
    assert not _sample("resulted").late(AT + timedelta(hours=9), 4)
    assert not _sample("rejected").late(AT + timedelta(hours=9), 4)


def test_missing_in_transport_only_for_received_runs() -> None:
    sent = Sample("S1", "p", "t", "routine", "u", AT, "a", state="sent", run="RUN-0001")
    arrived = Sample("S2", "p", "t", "routine", "u", AT, "a", state="received", run="RUN-0001", arrived=True)
    elsewhere = Sample("S3", "p", "t", "routine", "u", AT, "a", state="sent", run="RUN-0002")
    runs = [
        Run("RUN-0001", "chu", AT, "a", state="received"),
        Run("RUN-0002", "chu", AT, "a", state="departed"),
    ]
    assert missing_in_transport(runs, [sent, arrived, elsewhere]) == [sent]


def _result(flag: str = "critical", channel: str = "lab", read_back: bool = False):  # type: ignore[no-untyped-def]
    return new_result(
        sample="S1",
        patient="p",
        test="test-kalium",
        value="6.9",
        unit="mmol/L",
        flag=flag,
        by="bio1",
        at=AT,
        channel=channel,
        read_back=read_back,
    )


def test_a_phoned_result_needs_its_read_back() -> None:
    with pytest.raises(UserError, match="read back"):
        _result(channel="phone")
    assert _result(channel="phone", read_back=True).read_back


@pytest.mark.parametrize(
    ("flag", "channel", "value", "match"),
    [("odd", "lab", "1", "flag"), ("normal", "fax", "1", "channel"), ("normal", "lab", " ", "value")],
)
def test_bad_results_are_refused(flag: str, channel: str, value: str, match: str) -> None:
    with pytest.raises(UserError, match=match):
        new_result(
            sample="S1",
            patient="p",
            test="t",
            value=value,
            unit="",
            flag=flag,
            by="b",
            at=AT,
            channel=channel,
        )


def test_a_critical_value_is_released_only_when_a_second_person_confirms() -> None:
    critical = _result()
    assert not critical.released
    with pytest.raises(UserError, match="second person"):
        confirm(critical, by="bio1", at=AT)
    confirmed = confirm(critical, by="bio2", at=AT)
    assert confirmed.released and confirmed.confirmed_by == "bio2"
    with pytest.raises(UserError, match="already confirmed"):
        confirm(confirmed, by="bio3", at=AT)
    with pytest.raises(UserError, match="not critical"):
        confirm(_result("normal"), by="bio2", at=AT)
    assert _result("abnormal").released


def test_an_amendment_keeps_the_first_value_and_a_critical_one_needs_confirming_again() -> None:
    first = confirm(_result(), by="bio2", at=AT)
    with pytest.raises(UserError, match="reason"):
        amend(first, value="7.1", unit="mmol/L", flag="critical", reason="", by="bio1", at=AT)
    amended = amend(first, value="7.1", unit="mmol/L", flag="critical", reason="dilution", by="bio1", at=AT)
    assert amended.value == "6.9" and amended.current_value == "7.1" and not amended.released
    normal = amend(first, value="4.1", unit="mmol/L", flag="normal", reason="wrong tube", by="bio1", at=AT)
    assert normal.released and normal.current_flag == "normal"


def test_a_patient_reference_is_never_cut_on_a_label() -> None:
    from bascule.laboratory.samples.labels import SMALLEST, fitted

    reference = "Patient: " + "0f8e2a4c9b1d4e7a" * 6
    size, lines = fitted(reference, "Helvetica", 60 * 2.83, 9)
    assert size == SMALLEST and len(lines) == 2 and "".join(lines) == reference
    assert fitted("Patient: 123456", "Helvetica", 60 * 2.83, 9) == (9, ["Patient: 123456"])
