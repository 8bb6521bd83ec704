"""The blood bank's use-cases on a continuity store: each is one immediate transaction, and one
that is refused changes nothing.

A delivery CSV has a header line and one unit a line: `donation,component,group,expires`, with
`expires` an ISO 8601 date-time with its offset (`2026-12-20T23:59:00+01:00`); a delivery with
one bad line is refused whole. A spreadsheet's file is taken too: `;` between columns, a leading
byte-order mark, components named as French notes name them (CGR, PFC, CPA, MCP).
"""

from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bascule.downtime.side_store import connected, writing
from bascule.errors import UserError
from bascule.hospital.laboratory import BloodPolicy
from bascule.laboratory.blood import store as tables
from bascule.laboratory.blood.alerts import AlertLevel, SupplyAlert, current_level
from bascule.laboratory.blood.ledger import Movement, Recipient, check_issue, check_return, state_after
from bascule.laboratory.blood.stock import (
    StockLine,
    below_component_thresholds,
    emergency_group,
    pick_emergency_unit,
    stock_lines,
)
from bascule.laboratory.blood.units import BloodUnit, parse_component, parse_donation_number, parse_group
from bascule.snapshot.queries import mrn_known

DELIVERY_COLUMNS = ("donation", "component", "group", "expires")
EMERGENCY_WINDOW = timedelta(hours=24)


def _receive(connection: sqlite3.Connection, unit: BloodUnit, by: str) -> None:
    if tables.find_unit(connection, unit.donation) is not None:
        raise UserError(
            f"Unit {unit.donation} was already received: a donation number is received once.",
            fr=f"L'unité {unit.donation} a déjà été reçue : un numéro de don n'est reçu qu'une fois.",
        )
    if unit.expired_at(unit.received):
        raise UserError(
            f"Unit {unit.donation} is already expired: it is not received.",
            fr=f"L'unité {unit.donation} est déjà périmée : elle n'est pas reçue.",
        )
    tables.insert_unit(connection, unit)
    tables.insert_movement(connection, Movement(unit.donation, "received", unit.received, by))


def receive(store: Path, unit: BloodUnit, by: str) -> None:
    with writing(store) as connection:
        _receive(connection, unit, by)


def parse_expiry(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise UserError(
            f"{text!r} is not an expiry written like 2026-12-20T23:59+01:00.",
            fr=f"{text!r} n'est pas une péremption écrite comme 2026-12-20T23:59+01:00.",
        )
    return moment


def parse_delivery(text: str, at: datetime) -> list[BloodUnit]:
    """The units of a delivery CSV (layout in the module's docstring); UserError naming the line."""
    text = text.removeprefix("\ufeff")  # as a spreadsheet saves it
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","  # French spreadsheets use ;
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows or tuple(cell.strip().lower() for cell in rows[0]) != DELIVERY_COLUMNS:
        raise UserError(
            f"A delivery file starts with the header {','.join(DELIVERY_COLUMNS)}.",
            fr=f"Un fichier de livraison commence par l'en-tête {','.join(DELIVERY_COLUMNS)}.",
        )
    units = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            if len(row) != len(DELIVERY_COLUMNS):
                raise UserError("wrong number of columns", fr="mauvais nombre de colonnes")
            donation, component, group, expires = row
            units.append(
                BloodUnit(
                    parse_donation_number(donation),
                    parse_component(component),
                    parse_group(group),
                    parse_expiry(expires),
                    at,
                )
            )
        except UserError as error:
            raise UserError(
                f"Line {number} of the delivery: {error}",
                fr=f"Ligne {number} de la livraison : {error.in_lang('fr')}",
            ) from None
    return units


def receive_delivery(store: Path, text: str, by: str, at: datetime) -> int:
    units = parse_delivery(text, at)
    with writing(store) as connection:
        for unit in units:
            _receive(connection, unit, by)
    return len(units)


def _known(connection: sqlite3.Connection, donation: str) -> tuple[BloodUnit, list[Movement]]:
    number = parse_donation_number(donation)
    unit = tables.find_unit(connection, number)
    if unit is None:
        raise UserError(
            f"Unit {number} was never received here.",
            fr=f"L'unité {number} n'a jamais été reçue ici.",
        )
    return unit, tables.movements(connection, number)


def _in_stock(connection: sqlite3.Connection) -> list[BloodUnit]:
    every = tables.movements(connection)
    by_unit: dict[str, list[Movement]] = {}
    for movement in every:
        by_unit.setdefault(movement.donation, []).append(movement)
    return [u for u in tables.all_units(connection) if state_after(by_unit.get(u.donation, [])) == "in_stock"]


def _require_known(connection: sqlite3.Connection, recipient: Recipient) -> None:
    """An MRN must be a patient the continuity store knows: a unit traced to a miscopied MRN breaks
    the legal chain. (A downtime number was checked by its check character when parsed.) The
    sentence never repeats the reference."""
    if recipient.kind == "mrn" and not mrn_known(connection, recipient.value):
        raise UserError(
            "This MRN is not a patient the continuity store knows: check the wristband (or use the "
            "downtime number); nothing was recorded.",
            fr="Cet IPP n'est pas un patient connu de la base de continuité : vérifiez le bracelet "
            "(ou utilisez le numéro de secours) ; rien n'a été enregistré.",
        )


def issue(store: Path, donation: str, recipient: Recipient, by: str, at: datetime) -> BloodUnit:
    with writing(store) as connection:
        _require_known(connection, recipient)
        unit, moves = _known(connection, donation)
        check_issue(unit, moves, at)
        tables.insert_movement(connection, Movement(unit.donation, "issued", at, by, recipient))
    return unit


def emergency_issue(
    store: Path,
    policy: BloodPolicy,
    recipient: Recipient,
    sex: str | None,
    age: int | None,
    by: str,
    at: datetime,
) -> BloodUnit:
    """Group-O red cells without a cross-match: the group per policy, the unit expiring first."""
    group = emergency_group(policy, sex, age)
    with writing(store) as connection:
        _require_known(connection, recipient)
        unit = pick_emergency_unit(group, _in_stock(connection), at)
        tables.insert_movement(
            connection, Movement(unit.donation, "issued", at, by, recipient, emergency=True)
        )
    return unit


def return_unit(store: Path, donation: str, by: str, at: datetime) -> BloodUnit:
    with writing(store) as connection:
        unit, moves = _known(connection, donation)
        check_return(unit, moves, at)
        tables.insert_movement(connection, Movement(unit.donation, "returned", at, by))
    return unit


def destroy(store: Path, donation: str, reason: str, by: str, at: datetime) -> BloodUnit:
    if not reason.strip():
        raise UserError("Say why the unit is destroyed.", fr="Dites pourquoi l'unité est détruite.")
    with writing(store) as connection:
        unit, moves = _known(connection, donation)
        if state_after(moves) in ("expired", "destroyed"):
            raise UserError(
                f"Unit {unit.donation} is already out of stock.",
                fr=f"L'unité {unit.donation} est déjà sortie du stock.",
            )
        tables.insert_movement(
            connection, Movement(unit.donation, "destroyed", at, by, reason=reason.strip())
        )
    return unit


def expire_due(store: Path, by: str, at: datetime) -> list[str]:
    """Mark every unit in stock whose expiry has passed as expired; their donation numbers."""
    with writing(store) as connection:
        due = [u for u in _in_stock(connection) if u.expired_at(at)]
        for unit in due:
            tables.insert_movement(connection, Movement(unit.donation, "expired", at, by))
    return [u.donation for u in due]


def set_alert(store: Path, level: AlertLevel, by: str, at: datetime, note: str = "") -> None:
    with writing(store) as connection:
        tables.insert_alert(connection, SupplyAlert(level, at, by, note))


@dataclass(frozen=True, slots=True)
class StockReport:
    at: datetime
    lines: tuple[StockLine, ...]
    component_shortfalls: dict[str, tuple[int, int]]
    alert: SupplyAlert | None
    emergency_issues: dict[str, int]  # group -> units issued in emergency over EMERGENCY_WINDOW

    @property
    def below(self) -> tuple[StockLine, ...]:
        return tuple(line for line in self.lines if line.below_threshold)


def stock_report(store: Path, policy: BloodPolicy, at: datetime) -> StockReport:
    with connected(store, readonly=True) as connection:
        units = {u.donation: u for u in tables.all_units(connection)}
        every = tables.movements(connection)
        in_stock = _in_stock(connection)
        alert = current_level(tables.alerts(connection))
    issued = [m for m in every if m.kind == "issued"]
    lines = stock_lines(policy, in_stock, [(units[m.donation], m.at) for m in issued], at)
    emergencies: dict[str, int] = {}
    for m in issued:
        if m.emergency and at - EMERGENCY_WINDOW <= m.at <= at:
            group = units[m.donation].group
            emergencies[group] = emergencies.get(group, 0) + 1
    return StockReport(at, lines, dict(below_component_thresholds(policy, lines)), alert, emergencies)
