"""The `netbox:` section of --mapping: its defaults, what it overrides, what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from bascule.errors import UserError
from bascule.inventory.netbox import slugify
from bascule.inventory.netbox_mapping import DEFAULT_SKIP_ROLES, parse_mapping


def test_defaults() -> None:
    rules = parse_mapping(None)
    assert rules.type_of_role("core-switch") == "switch"
    assert rules.type_of_role("baie-san") == "baie-san"
    assert rules.skip_roles == frozenset(DEFAULT_SKIP_ROLES)
    assert (rules.providers_are_suppliers, rules.tenants_are_suppliers) == (True, False)


def test_roles_add_to_and_override_the_defaults() -> None:
    rules = parse_mapping({"roles": {"baie-san": "storage", "server": "physical"}, "skip_roles": []})
    assert (rules.type_of_role("baie-san"), rules.type_of_role("server")) == ("storage", "physical")
    assert rules.type_of_role("firewall") == "firewall"
    assert rules.skip_roles == frozenset()


@pytest.mark.parametrize(
    ("section", "english", "french"),
    [
        ({"role": {}}, "unknown keys role; use roles, skip_roles, suppliers", "clés inconnues role"),
        ({"roles": ["server"]}, "netbox.roles maps role slugs to asset types", "associe des slugs"),
        ({"roles": {"server": ""}}, "netbox.roles maps role slugs", "netbox.roles associe"),
        ({"skip_roles": "pdu"}, "netbox.skip_roles is a list of role slugs", "est une liste"),
        (
            {"suppliers": "vendors"},
            "netbox.suppliers is one of providers, tenants, both, none",
            "vaut l'un de",
        ),
        (["roles"], "the netbox section is a mapping", "la section netbox est un dictionnaire"),
    ],
)
def test_a_wrong_section_is_one_sentence(section: Any, english: str, french: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_mapping(section)
    assert english in raised.value.in_lang("en")
    assert french in raised.value.in_lang("fr")


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Baie SAN n°2", "baie-san-n2"), ("  --VLAN  Biomédical-- ", "vlan-biomedical"), ("10.1.0.0/24", "10-1-0-0-24"),
     ("Écho_Cœur", "echo-cur"), ("ツ", "")],
)  # fmt: skip
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug
