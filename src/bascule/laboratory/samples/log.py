"""The sample log's use-cases (issue 19): collect, scan, transport runs, results, and what the
board and the wards read. Each writing use-case is one immediate transaction on the continuity
store: a refused one changes nothing. Patient references (MRN or downtime number) never appear in
a sentence: samples are named by their number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

from bascule.downtime.side_store import connected, transaction, writing
from bascule.errors import UserError
from bascule.hospital.laboratory import TestPriority
from bascule.hospital.model import HospitalMap
from bascule.hospital.naming import did_you_mean
from bascule.laboratory.admission import Admission, admit
from bascule.laboratory.menu import Menu
from bascule.laboratory.samples import store as tables
from bascule.laboratory.samples.numbers import WrongCheckCharacter, parse_sample_number, sample_number
from bascule.laboratory.samples.patient_ref import checked_ref
from bascule.laboratory.samples.results import Result, amend, confirm, new_result
from bascule.laboratory.samples.runs import Run, missing_in_transport, require_run_state
from bascule.laboratory.samples.sample import FINAL_STATES, SCAN_STEPS, Outcome, Sample, SampleState, advance
from bascule.snapshot.queries import mrn_known

LANG_OF_ERRORS = "en"


@dataclass(frozen=True, slots=True)
class ScanAnswer:
    """What one scanned code did: the sample's number (or the code as read) and its sentence."""

    code: str
    ok: bool
    already: bool
    message: str
    french: str


def _number(code: str) -> str:
    try:
        return parse_sample_number(code)
    except WrongCheckCharacter as error:
        raise UserError(
            str(error), fr=f"Le caractère de contrôle de {code!r} est faux : un caractère a été mal copié."
        ) from None
    except ValueError as error:
        raise UserError(
            str(error),
            fr=f"{code!r} n'est pas un numéro d'échantillon valide (S000001-C, caractère de contrôle compris).",
        ) from None


def _existing(connection: object, number: str) -> Sample:
    import sqlite3

    assert isinstance(connection, sqlite3.Connection)
    found = tables.sample(connection, number)
    if found is None:
        raise UserError(
            f"No sample {number} was collected in this store.",
            fr=f"Aucun échantillon {number} n'a été prélevé dans cette base.",
        )
    return found


def _local_midnight(hospital: HospitalMap, at: datetime) -> datetime:
    zone = ZoneInfo(hospital.hospital.timezone) if hospital.hospital.timezone else at.tzinfo
    local = at.astimezone(zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def admission_at_request(menu: Menu, test_id: str, taken_today: int) -> Admission:
    """Where a request meets the laboratory's menu and day cap (bascule.laboratory.admission)."""
    return admit(menu, test_id, taken_today)


def collect(
    store_path: Path,
    hospital: HospitalMap,
    menu: Menu,
    *,
    patient: str,
    test_id: str,
    unit: str,
    by: str,
    at: datetime,
    priority: str | None = None,
) -> Sample:
    """Record a sample collected now, with a new number; UserError for an unknown test, a
    request the menu refuses (its sentence), a missing unit or one the map does not have, or a
    patient reference in doubt (a
    downtime number failing its check character, an MRN the store does not know)."""
    test = hospital.laboratory.test(test_id)
    if test is None:
        known = [known.id for known in hospital.laboratory.tests]
        raise UserError(
            f"The map has no laboratory test {test_id!r}{did_you_mean(test_id, known)}.",
            fr=f"La carte n'a pas d'examen de laboratoire {test_id!r}{did_you_mean(test_id, known, 'fr')}.",
        )
    if not patient.strip() or not unit.strip() or not by.strip():
        raise UserError(
            "A sample needs its patient (MRN or downtime number), its unit and who collected it.",
            fr="Un échantillon demande son patient (IPP ou numéro de secours), son unité et qui l'a prélevé.",
        )
    chosen = priority or test.priority
    if chosen not in ("critical", "urgent", "routine"):
        raise UserError(
            f"The priority {chosen!r} is not one of critical, urgent, routine.",
            fr=f"La priorité {chosen!r} n'est pas l'une de critical, urgent, routine.",
        )
    units = [known.id for known in hospital.units]
    if units and unit.strip() not in units:  # a typo would keep the result off its ward's sheet
        raise UserError(
            f"The map has no care unit {unit.strip()!r}{did_you_mean(unit.strip(), units)}.",
            fr=f"La carte n'a pas d'unité de soins {unit.strip()!r}{did_you_mean(unit.strip(), units, 'fr')}.",
        )
    with writing(store_path) as connection:
        reference = checked_ref(patient, lambda mrn: mrn_known(connection, mrn))
        taken = tables.count_collected_since(connection, test.id, _local_midnight(hospital, at))
        admission = admission_at_request(menu, test.id, taken)
        if not admission.accepted:
            raise UserError(admission.sentence("en"), fr=admission.sentence("fr"))
        sequence = tables.next_sequence(connection)
        sample = Sample(
            sample_number(sequence),
            reference.text,
            test.id,
            cast(TestPriority, chosen),
            unit.strip(),
            at,
            by,
        )
        tables.insert_sample(connection, sample, sequence)
        return sample


def _apply(connection: object, outcome: Outcome, at: datetime) -> None:
    import sqlite3

    assert isinstance(connection, sqlite3.Connection)
    if outcome.step is not None:
        tables.update_sample(connection, outcome.sample, at)
        tables.record_step(connection, outcome.step)


def scan(
    store_path: Path,
    codes: Sequence[str],
    step: str,
    *,
    actor: str,
    place: str,
    at: datetime,
    reason: str | None = None,
) -> list[ScanAnswer]:
    """Each code scanned at `step` (sent, received, rejected), one transaction per code: a refused
    code is answered and changes nothing, the others go on (a scanner does not stop)."""
    if step not in SCAN_STEPS:
        raise UserError(
            f"The step {step!r} is not one of {', '.join(SCAN_STEPS)}.",
            fr=f"L'étape {step!r} n'est pas l'une de {', '.join(SCAN_STEPS)}.",
        )
    answers: list[ScanAnswer] = []
    with connected(store_path) as connection:
        for code in codes:
            try:
                with transaction(connection):
                    number = _number(code)
                    outcome = advance(
                        _existing(connection, number),
                        cast(SampleState, step),
                        actor=actor,
                        place=place,
                        at=at,
                        reason=reason,
                    )
                    _apply(connection, outcome, at)
            except UserError as error:
                answers.append(ScanAnswer(code, False, False, error.message, error.french or error.message))
                continue
            state = outcome.sample.state
            if outcome.already:
                answers.append(
                    ScanAnswer(
                        number, True, True, f"{number}: already {state}.", f"{number} : déjà {_fr(state)}."
                    )
                )
            else:
                answers.append(
                    ScanAnswer(number, True, False, f"{number}: {state}.", f"{number} : {_fr(state)}.")
                )
    return answers


def _fr(state: str) -> str:
    from bascule.laboratory.samples.sample import state_fr

    return state_fr(state)


def start_run(store_path: Path, hospital: HospitalMap, destination: str, *, by: str, at: datetime) -> Run:
    """Open a transport run to a facility of the map."""
    known = [facility.id for facility in hospital.facilities]
    if destination not in known:
        raise UserError(
            f"The map has no facility {destination!r}{did_you_mean(destination, known)}.",
            fr=f"La carte n'a pas d'établissement {destination!r}{did_you_mean(destination, known, 'fr')}.",
        )
    with writing(store_path) as connection:
        value = Run(tables.next_run_id(connection), destination, at, by)
        tables.save_run(connection, value, at)
        return value


def _existing_run(connection: object, run_id: str) -> Run:
    import sqlite3

    assert isinstance(connection, sqlite3.Connection)
    found = tables.run(connection, run_id.strip().upper())
    if found is None:
        known = [r.id for r in tables.runs(connection)]
        raise UserError(
            f"There is no transport run {run_id!r}{did_you_mean(run_id, known)}.",
            fr=f"Il n'y a pas de navette {run_id!r}{did_you_mean(run_id, known, 'fr')}.",
        )
    return found


def add_to_run(
    store_path: Path, run_id: str, codes: Sequence[str], *, actor: str, at: datetime
) -> list[Sample]:
    """The samples scanned into an open run: each becomes sent to its destination. All or none:
    one code refused (unknown, not collected, in another run) and nothing is added."""
    with writing(store_path) as connection:
        value = _existing_run(connection, run_id)
        require_run_state(value, "open", "added", "y ajouter d'échantillon")
        added: list[Sample] = []
        for code in codes:
            sample = _existing(connection, _number(code))
            if sample.run is not None:
                raise UserError(
                    f"Sample {sample.number} is already in run {sample.run}.",
                    fr=f"L'échantillon {sample.number} est déjà dans la navette {sample.run}.",
                )
            outcome = advance(sample, "sent", actor=actor, place=value.destination, at=at)
            moved = replace(outcome.sample, run=value.id)
            _apply(connection, Outcome(moved, outcome.step), at)
            if outcome.step is None:
                tables.update_sample(connection, moved, at)
            added.append(moved)
        return added


def depart(store_path: Path, run_id: str, *, at: datetime) -> Run:
    with writing(store_path) as connection:
        value = _existing_run(connection, run_id)
        require_run_state(value, "open", "added", "y ajouter d'échantillon")
        if not tables.samples(connection, where="WHERE run = ?", args=(value.id,)):
            raise UserError(
                f"Run {value.id} has no sample: add some before it departs.",
                fr=f"La navette {value.id} n'a aucun échantillon : ajoutez-en avant son départ.",
            )
        departed = replace(value, state="departed", departed_at=at)
        tables.save_run(connection, departed, at)
        return departed


def receive_run(
    store_path: Path, run_id: str, codes: Sequence[str], *, actor: str, at: datetime
) -> tuple[list[Sample], list[Sample]]:
    """The run received at its destination with the samples scanned on arrival; returns (arrived,
    missing). All or none: a code not in this run refuses the whole arrival."""
    with writing(store_path) as connection:
        value = _existing_run(connection, run_id)
        require_run_state(value, "departed", "received", "la réceptionner")
        numbers = {_number(code) for code in codes}
        aboard = {s.number: s for s in tables.samples(connection, where="WHERE run = ?", args=(value.id,))}
        strangers = sorted(numbers - aboard.keys())
        if strangers:
            raise UserError(
                f"Sample {strangers[0]} is not in run {value.id}.",
                fr=f"L'échantillon {strangers[0]} n'est pas dans la navette {value.id}.",
            )
        arrived: list[Sample] = []
        for number in sorted(numbers):
            outcome = advance(aboard[number], "received", actor=actor, place=value.destination, at=at)
            landed = replace(outcome.sample, arrived=True)
            _apply(connection, Outcome(landed, outcome.step), at)
            tables.update_sample(connection, landed, at)
            arrived.append(landed)
        tables.save_run(connection, replace(value, state="received", received_at=at), at)
        missing = [s for number, s in sorted(aboard.items()) if number not in numbers and s.state == "sent"]
        return arrived, missing


def enter_result(
    store_path: Path,
    code: str,
    *,
    value: str,
    unit: str,
    flag: str,
    by: str,
    at: datetime,
    channel: str = "lab",
    read_back: bool = False,
) -> Result:
    """The sample's result, entered once; the sample becomes resulted."""
    with writing(store_path) as connection:
        sample = _existing(connection, _number(code))
        if tables.result(connection, sample.number) is not None:
            raise UserError(
                f"Sample {sample.number} already has a result: a correction is an amendment with its reason.",
                fr=f"L'échantillon {sample.number} a déjà un résultat : une correction se fait par un amendement motivé.",
            )
        entered = new_result(
            sample=sample.number,
            patient=sample.patient,
            test=sample.test,
            value=value,
            unit=unit,
            flag=flag,
            by=by,
            at=at,
            channel=channel,
            read_back=read_back,
        )
        outcome = advance(sample, "resulted", actor=by, place=sample.lab or channel, at=at)
        _apply(connection, outcome, at)
        tables.save_result(connection, entered, at)
        return entered


def _existing_result(connection: object, code: str) -> Result:
    import sqlite3

    assert isinstance(connection, sqlite3.Connection)
    number = _number(code)
    found = tables.result(connection, number)
    if found is None:
        raise UserError(
            f"Sample {number} has no result yet.", fr=f"L'échantillon {number} n'a pas encore de résultat."
        )
    return found


def confirm_result(store_path: Path, code: str, *, by: str, at: datetime) -> Result:
    """A critical result confirmed by a second person: released to the wards."""
    with writing(store_path) as connection:
        confirmed = confirm(_existing_result(connection, code), by=by, at=at)
        tables.save_result(connection, confirmed, at)
        return confirmed


def amend_result(
    store_path: Path, code: str, *, value: str, unit: str, flag: str, reason: str, by: str, at: datetime
) -> Result:
    """A correction kept after the first value, with its reason."""
    with writing(store_path) as connection:
        amended = amend(
            _existing_result(connection, code), value=value, unit=unit, flag=flag, reason=reason, by=by, at=at
        )
        tables.save_result(connection, amended, at)
        return amended


def all_samples(store_path: Path) -> list[Sample]:
    with connected(store_path, readonly=True) as connection:
        return tables.samples(connection)


def late_samples(store_path: Path, hospital: HospitalMap, now: datetime) -> list[Sample]:
    """Samples not resulted `late_after_hours` (the map's) after collection."""
    hours = hospital.laboratory.late_after_hours
    # The store picks the candidates (the board asks every minute, the log grows by hundreds a day);
    # the domain's rule decides.
    final = tuple(sorted(FINAL_STATES))
    marks = ", ".join("?" for _ in final)
    with connected(store_path, readonly=True) as connection:
        candidates = tables.samples(
            connection,
            where=f"WHERE state NOT IN ({marks}) AND collected_at <= ?",
            args=(*final, tables.stamp(now - timedelta(hours=hours))),
        )
    return [s for s in candidates if s.late(now, hours)]


def lost_in_transport(store_path: Path) -> list[Sample]:
    """Samples of received runs never scanned on arrival."""
    with connected(store_path, readonly=True) as connection:
        candidates = tables.samples(
            connection, where="WHERE state = 'sent' AND run IS NOT NULL AND arrived = 0"
        )
        return missing_in_transport(tables.runs(connection), candidates)


def run_and_samples(store_path: Path, run_id: str) -> tuple[Run, list[Sample]]:
    with connected(store_path, readonly=True) as connection:
        value = _existing_run(connection, run_id)
        return value, tables.samples(connection, where="WHERE run = ?", args=(value.id,))


def samples_by_number(store_path: Path, codes: Sequence[str]) -> list[Sample]:
    with connected(store_path, readonly=True) as connection:
        return [_existing(connection, _number(code)) for code in codes]


@dataclass(frozen=True, slots=True)
class WardView:
    """What a ward's station shows of a patient: released results, and how many critical values
    wait for their second person."""

    released: tuple[Result, ...]
    awaiting_confirmation: int


def results_for_patient(store_path: Path, patient: str) -> WardView:
    """A downtime number is read as collection stored it (its printed form), after its check
    character: a miscopied one is refused, not answered "no result"."""
    reference = checked_ref(patient, lambda _mrn: True)
    with connected(store_path, readonly=True) as connection:
        found = tables.results_of(connection, reference.text)
    return WardView(tuple(r for r in found if r.released), sum(1 for r in found if not r.released))
