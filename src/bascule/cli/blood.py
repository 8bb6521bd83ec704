"""`bascule blood receive|issue|emergency|return|destroy|expire|alert|stock`: the blood bank in
downtime (issue 19), recorded unit by unit in the continuity store (the traceability chain)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from bascule import i18n
from bascule.cli.context import make_console
from bascule.cli.options import StoreOption, acting, map_lang, output_lang
from bascule.errors import UserError
from bascule.hospital.laboratory import BloodPolicy
from bascule.hospital.loading import load_map
from bascule.i18n import t
from bascule.laboratory.blood import bank
from bascule.laboratory.blood.alerts import level_name, parse_level
from bascule.laboratory.blood.ledger import parse_recipient
from bascule.laboratory.blood.units import BloodUnit, parse_component, parse_donation_number, parse_group

i18n.register(
    "blood",
    {
        "received": {"fr": "{count} unité(s) reçue(s).", "en": "{count} unit(s) received."},
        "issued": {"fr": "Unité {unit} ({group}) délivrée.", "en": "Unit {unit} ({group}) issued."},
        "returned": {"fr": "Unité {unit} remise en stock.", "en": "Unit {unit} back in stock."},
        "destroyed": {"fr": "Unité {unit} détruite.", "en": "Unit {unit} destroyed."},
        "expired": {
            "fr": "{count} unité(s) périmée(s) sortie(s) du stock.",
            "en": "{count} expired unit(s) out of stock.",
        },
        "alert": {"fr": "Niveau d'alerte national : {level}.", "en": "National supply alert level: {level}."},
        "line": {
            "fr": "{line} : {units} unité(s), péremption la plus proche {expiry}, seuil {threshold}, {days} jour(s) de stock{below}",
            "en": "{line}: {units} unit(s), soonest expiry {expiry}, threshold {threshold}, {days} day(s) of stock{below}",
        },
        "below": {"fr": " — SOUS LE SEUIL", "en": " — BELOW THRESHOLD"},
        "sheet": {"fr": "Fiche : {path}.", "en": "Sheet: {path}."},
    },
)

blood_app = typer.Typer(
    name="blood",
    help="The blood bank in downtime: units received, issued, returned, expired; stock and alerts.",
    no_args_is_help=True,
)

LangOption = Annotated[
    str | None, typer.Option("--lang", metavar="fr|en", help="Language of the output (default: the map's).")
]
MapOption = Annotated[str, typer.Option("--map", metavar="MAP", help="The hospital map, or 'demo'.")]
ByOption = Annotated[str | None, typer.Option("--by", metavar="NAME", help="Who does it (default: login).")]
UnitOption = Annotated[
    str, typer.Option("--unit", metavar="DONATION", help="Donation number, FR123 26 123456.")
]
MrnOption = Annotated[str | None, typer.Option("--mrn", metavar="MRN", help="The patient's MRN.")]
NumberOption = Annotated[
    str | None, typer.Option("--downtime-number", metavar="NUMBER", help="The patient's downtime number.")
]


def _now() -> datetime:
    return datetime.now(UTC)


def _policy(map_path: str) -> BloodPolicy:
    return load_map(map_path).laboratory.blood_bank


@blood_app.command("receive")
def receive_command(
    store: StoreOption,
    unit: Annotated[str | None, typer.Option("--unit", metavar="DONATION", help="Donation number.")] = None,
    component: Annotated[
        str | None, typer.Option("--component", help="red_cells, plasma or platelets.")
    ] = None,
    group: Annotated[str | None, typer.Option("--group", help="ABO/RhD group, e.g. O-.")] = None,
    expires: Annotated[str | None, typer.Option("--expires", help="Expiry, 2026-12-20T23:59+01:00.")] = None,
    delivery: Annotated[
        Path | None, typer.Option("--delivery", metavar="CSV", help="A delivery file.")
    ] = None,
    by: ByOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Receive one unit, or a whole delivery (CSV: donation,component,group,expires)."""
    language = map_lang(lang, map_path)
    now = _now()
    if delivery is not None:
        if unit or component or group or expires:
            raise UserError(
                "Give either --delivery or one unit, not both.",
                fr="Donnez soit --delivery, soit une unité, pas les deux.",
            )
        try:
            text = delivery.read_text(encoding="utf-8")
        except OSError:
            raise UserError(
                f"Cannot read the delivery file {delivery}.", fr=f"Impossible de lire le fichier {delivery}."
            ) from None
        count = bank.receive_delivery(store, text, acting(by), now)
    else:
        if not (unit and component and group and expires):
            raise UserError(
                "A unit needs --unit, --component, --group and --expires.",
                fr="Une unité demande --unit, --component, --group et --expires.",
            )
        received = BloodUnit(
            parse_donation_number(unit),
            parse_component(component),
            parse_group(group),
            bank.parse_expiry(expires),
            now,
        )
        bank.receive(store, received, acting(by))
        count = 1
    make_console().print(t("blood.received", language, count=count))


@blood_app.command("issue")
def issue_command(
    store: StoreOption,
    unit: UnitOption,
    mrn: MrnOption = None,
    number: NumberOption = None,
    by: ByOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Issue a unit to a patient (MRN or downtime number)."""
    language = map_lang(lang, map_path)
    issued = bank.issue(store, unit, parse_recipient(mrn=mrn, downtime=number), acting(by), _now())
    make_console().print(t("blood.issued", language, unit=issued.donation, group=issued.group))


@blood_app.command("emergency")
def emergency_command(
    store: StoreOption,
    map_path: MapOption = "demo",
    mrn: MrnOption = None,
    number: NumberOption = None,
    sex: Annotated[str | None, typer.Option("--sex", metavar="F|M", help="Leave out if not known.")] = None,
    age: Annotated[int | None, typer.Option("--age", help="Leave out if not known.")] = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Emergency group-O red cells without a cross-match: O- or O+ per the map's policy."""
    language = map_lang(lang, map_path)
    if sex is not None and sex.upper() not in ("F", "M"):
        raise UserError(
            "--sex is F or M; leave it out if not known.",
            fr="--sex vaut F ou M ; omettez-le s'il est inconnu.",
        )
    recipient = parse_recipient(mrn=mrn, downtime=number)
    issued = bank.emergency_issue(store, _policy(map_path), recipient, sex, age, acting(by), _now())
    make_console().print(t("blood.issued", language, unit=issued.donation, group=issued.group))


@blood_app.command("return")
def return_command(
    store: StoreOption,
    unit: UnitOption,
    by: ByOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Take an issued unit back unused (within 30 minutes of its issue)."""
    returned = bank.return_unit(store, unit, acting(by), _now())
    make_console().print(t("blood.returned", map_lang(lang, map_path), unit=returned.donation))


@blood_app.command("destroy")
def destroy_command(
    store: StoreOption,
    unit: UnitOption,
    reason: Annotated[str, typer.Option("--reason", help="Why it is destroyed.")],
    by: ByOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Destroy a unit, saying why."""
    destroyed = bank.destroy(store, unit, reason, acting(by), _now())
    make_console().print(t("blood.destroyed", map_lang(lang, map_path), unit=destroyed.donation))


@blood_app.command("expire")
def expire_command(
    store: StoreOption, by: ByOption = None, map_path: MapOption = "demo", lang: LangOption = None
) -> None:
    """Take every unit past its expiry out of stock."""
    expired = bank.expire_due(store, acting(by), _now())
    make_console().print(t("blood.expired", map_lang(lang, map_path), count=len(expired)))


@blood_app.command("alert")
def alert_command(
    store: StoreOption,
    level: Annotated[str, typer.Option("--level", help="normal, amber or red.")],
    note: Annotated[str, typer.Option("--note", help="What the supplier said.")] = "",
    by: ByOption = None,
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """Record the national blood supply alert level announced by the supplier."""
    parsed = parse_level(level)
    bank.set_alert(store, parsed, acting(by), _now(), note)
    language = map_lang(lang, map_path)
    make_console().print(t("blood.alert", language, level=level_name(parsed, language)))


@blood_app.command("stock")
def stock_command(
    store: StoreOption,
    map_path: MapOption = "demo",
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON document.")] = False,
    lang: LangOption = None,
) -> None:
    """Stock by component and group, thresholds, days of stock, alert level."""
    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    report = bank.stock_report(store, hospital_map.laboratory.blood_bank, _now())
    if as_json:
        document = {
            "at": report.at.isoformat(),
            "alert": report.alert.level if report.alert else "normal",
            "lines": [
                {
                    "component": line.component,
                    "group": line.group,
                    "units": line.units,
                    "soonest_expiry": line.soonest_expiry.isoformat() if line.soonest_expiry else None,
                    "threshold": line.threshold,
                    "below_threshold": line.below_threshold,
                    "days_of_stock": line.days_of_stock,
                }
                for line in report.lines
            ],
            "component_shortfalls": {
                k: {"units": u, "threshold": n} for k, (u, n) in report.component_shortfalls.items()
            },
            "emergency_issues_24h": report.emergency_issues,
        }
        typer.echo(json.dumps(document, indent=2))
        return
    from bascule.laboratory.blood.sheet import line_name

    console = make_console()
    zone = hospital_map.hospital.zone()
    for line in report.lines:
        console.print(
            t(
                "blood.line",
                language,
                line=line_name(line.component, line.group, language),
                units=line.units,
                expiry=f"{line.soonest_expiry.astimezone(zone):%Y-%m-%d %H:%M}"
                if line.soonest_expiry
                else "-",
                threshold=line.threshold if line.threshold is not None else "-",
                days=f"{line.days_of_stock:.1f}" if line.days_of_stock is not None else "-",
                below=t("blood.below", language) if line.below_threshold else "",
            ),
            markup=False,
        )
    console.print(
        t(
            "blood.alert",
            language,
            level=level_name(report.alert.level if report.alert else "normal", language),
        )
    )


@blood_app.command("sheet")
def sheet_command(
    store: StoreOption,
    out: Annotated[Path, typer.Option("--out", metavar="FILE.pdf", help="Where to write the sheet.")],
    map_path: MapOption = "demo",
    lang: LangOption = None,
) -> None:
    """One A4 page for the crisis cell and the blood supplier: stock, thresholds, alert, whom to call."""
    from bascule.laboratory.blood.sheet import write_blood_sheet

    hospital_map = load_map(map_path)
    language = output_lang(lang, hospital_map)
    if not out.parent.is_dir():
        raise UserError(
            f"The folder {out.parent} does not exist; create it first.",
            fr=f"Le dossier {out.parent} n'existe pas ; créez-le d'abord.",
        )
    policy = hospital_map.laboratory.blood_bank
    report = bank.stock_report(store, policy, _now())
    supplier = next((s for s in hospital_map.suppliers if s.id == policy.supplier), None)
    write_blood_sheet(report, supplier, out, language, hospital_map.hospital.zone())
    make_console().print(t("blood.sheet", language, path=out))


def register(app: typer.Typer) -> None:
    app.add_typer(blood_app, name="blood")
