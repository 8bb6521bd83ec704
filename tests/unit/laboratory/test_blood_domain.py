"""The blood bank's domain: donation numbers, the traceability chain's rules, stock lines,
thresholds, days of stock and group-O emergency issue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bascule.errors import UserError
from bascule.hospital.laboratory import BloodPolicy
from bascule.laboratory.blood.alerts import SupplyAlert, current_level, parse_level
from bascule.laboratory.blood.ledger import (
    RETURN_WITHIN,
    Movement,
    check_issue,
    check_return,
    parse_recipient,
    state_after,
)
from bascule.laboratory.blood.stock import (
    below_component_thresholds,
    emergency_group,
    pick_emergency_unit,
    stock_lines,
)
from bascule.laboratory.blood.units import BloodUnit, parse_component, parse_donation_number, parse_group

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
POLICY = BloodPolicy(
    supplier="efs", o_positive_women_from_age=50, thresholds=(("red_cells O-", 3), ("plasma", 2))
)


def unit(serial: int, group: str = "O-", days: float = 10, component: str = "red_cells") -> BloodUnit:
    return BloodUnit(
        parse_donation_number(f"FR123 26 {serial:06d}"),
        parse_component(component),
        group,
        NOW + timedelta(days=days),
        NOW - timedelta(days=1),
    )


@pytest.mark.parametrize("text", ["FR123 26 123456", "fr12326123456", "FR123  26 123456 "])
def test_donation_numbers_are_written_one_way(text: str) -> None:
    assert parse_donation_number(text) == "FR123 26 123456"


# As the bag's label and barcode give it (ISBT 128): the worked example of the UK Red Book's annex 2,
# G1234 98 654321, has the check character H (ISO 7064 MOD 37-2 checksum 17, barcode flags 77).
@pytest.mark.parametrize(
    "text", ["G1234 98 654321 H", "g123498654321h", "=G12349865432100", "=G12349865432177"]
)
def test_a_donation_number_as_the_bag_gives_it(text: str) -> None:
    assert parse_donation_number(text) == "G1234 98 654321"


@pytest.mark.parametrize("text", ["G1234 98 654321 J", "=G12349865432178", "G1234 98 654312 H"])
def test_a_donation_number_with_a_wrong_check_character_is_refused(text: str) -> None:
    with pytest.raises(UserError, match="check character of donation number"):
        parse_donation_number(text)


@pytest.mark.parametrize(
    "text", ["", "FR12 26 123456", "FR123 26 12345", "123456 26 123456", "FR123-26-123456", "=G123498654321"]
)
def test_other_donation_numbers_are_refused(text: str) -> None:
    with pytest.raises(UserError, match="not a donation number"):
        parse_donation_number(text)


def test_groups_must_be_full() -> None:
    assert parse_group("o neg") == "O-"
    assert parse_group("AB+") == "AB+"
    # As labels and delivery notes write them: French labels' older RH:-1, zero for O.
    for text, group in (("O RH:-1", "O-"), ("A Rh:1", "A+"), ("0 Rh neg", "O-"), ("B RhD négatif", "B-")):
        assert parse_group(text) == group
    # "A1" is the A1 subgroup, its RhD not said: never read as A+.
    for text in ("O", "A", "Rh-", "C+", "A1", "O RH:2", "O+-"):
        with pytest.raises(UserError, match="not a full ABO/RhD group"):
            parse_group(text)
    with pytest.raises(UserError, match="Unknown blood component"):
        parse_component("whole_blood")
    # As French and English delivery notes name them.
    assert [parse_component(c) for c in ("CGR", "pfc", "MCP", "Red cells")] == [
        "red_cells",
        "plasma",
        "platelets",
        "red_cells",
    ]


def test_a_delivery_saved_by_a_french_spreadsheet() -> None:
    from bascule.laboratory.blood.bank import parse_delivery

    text = (
        "\ufeffdonation;component;group;expires\r\n"
        "=G12349865432177;CGR;O RH:-1;2026-12-20T23:59+01:00\r\n"
        "FR123 26 000002;PFC;AB+;2027-06-01T00:00+01:00\r\n"
    )
    units = parse_delivery(text, NOW)
    assert [(u.donation, u.component, u.group) for u in units] == [
        ("G1234 98 654321", "red_cells", "O-"),
        ("FR123 26 000002", "plasma", "AB+"),
    ]


def test_a_recipient_is_one_mrn_or_one_checked_downtime_number() -> None:
    assert parse_recipient(mrn="12345678").kind == "mrn"
    with pytest.raises(UserError, match="exactly one"):
        parse_recipient()
    with pytest.raises(UserError, match="exactly one"):
        parse_recipient(mrn="1", downtime="TIL-URG1-00042-K")
    with pytest.raises(UserError) as refused:
        parse_recipient(mrn="Jean Dupont")
    assert "Dupont" not in str(refused.value)
    with pytest.raises(UserError, match="downtime number"):
        parse_recipient(downtime="TIL-URG1-42")


def test_a_unit_is_issued_once_and_returned_only_within_the_cold_chain_limit() -> None:
    bag = unit(1)
    received = [Movement(bag.donation, "received", NOW, "amina")]
    check_issue(bag, received, NOW)
    issued = [*received, Movement(bag.donation, "issued", NOW, "amina", parse_recipient(mrn="42"))]
    assert state_after(issued) == "issued"
    with pytest.raises(UserError, match="not in stock"):
        check_issue(bag, issued, NOW)
    check_return(bag, issued, NOW + RETURN_WITHIN)
    with pytest.raises(UserError, match="cold chain"):
        check_return(bag, issued, NOW + RETURN_WITHIN + timedelta(seconds=1))
    with pytest.raises(UserError, match="nothing to return"):
        check_return(bag, received, NOW)
    returned = [*issued, Movement(bag.donation, "returned", NOW, "amina")]
    assert state_after(returned) == "in_stock"
    assert (
        state_after([*returned, Movement(bag.donation, "destroyed", NOW, "amina", reason="bag torn")])
        == "destroyed"
    )


def test_an_expired_unit_is_never_issued() -> None:
    bag = unit(1, days=-0.01)
    with pytest.raises(UserError, match="expired"):
        check_issue(bag, [Movement(bag.donation, "received", NOW, "amina")], NOW)


def test_stock_lines_thresholds_and_days_of_stock() -> None:
    stock = [unit(1, days=5), unit(2, days=2), unit(3, "A+"), unit(4, "A+", component="plasma")]
    issues = [(unit(9), NOW - timedelta(hours=h)) for h in (1, 30, 71, 73)]
    lines = {line.key: line for line in stock_lines(POLICY, stock, issues, NOW)}
    o_neg = lines["red_cells O-"]
    assert (o_neg.units, o_neg.threshold, o_neg.below_threshold) == (2, 3, True)
    assert o_neg.soonest_expiry == NOW + timedelta(days=2)
    assert o_neg.days_of_stock == pytest.approx(2.0)  # 3 issues in 72 h: one a day
    assert lines["red_cells A+"].days_of_stock is None
    assert not lines["red_cells A+"].below_threshold
    assert "platelets A+" not in lines and "plasma A+" in lines
    assert below_component_thresholds(POLICY, lines.values()) == {"plasma": (1, 2)}


@pytest.mark.parametrize(
    ("sex", "age", "group"),
    [("M", 30, "O+"), ("F", 30, "O-"), ("F", 50, "O+"), ("F", None, "O-"), (None, 70, "O-"), ("X", 70, "O-")],
)
def test_emergency_group_follows_the_policy(sex: str | None, age: int | None, group: str) -> None:
    assert emergency_group(POLICY, sex, age) == group


def test_emergency_takes_the_unit_expiring_first_and_never_another_group() -> None:
    stock = [unit(1, days=5), unit(2, days=2), unit(3, days=-1), unit(4, "O+", days=1)]
    assert pick_emergency_unit("O-", stock, NOW).donation == "FR123 26 000002"
    with pytest.raises(UserError, match=r"No O\+ .*O-: 2, O\+: 0") as refused:
        pick_emergency_unit("O+", [u for u in stock if u.group == "O-"], NOW)
    assert "choose" in str(refused.value)


def test_the_latest_alert_is_the_level() -> None:
    assert current_level([]) is None
    alerts = [SupplyAlert("amber", NOW, "amina"), SupplyAlert("red", NOW + timedelta(hours=1), "amina")]
    assert current_level(alerts) == alerts[1]
    assert parse_level(" Amber ") == "amber"
    with pytest.raises(UserError, match="Unknown supply alert level"):
        parse_level("orange")
