"""read_netbox through pynetbox against recorded NetBox 4.1 answers served on 127.0.0.1.

Counts below are hand-checked against tests/corpus/netbox/ (see netbox_shapes.hospital()): 40
devices of which 3 are skipped (2 PDUs, 1 patch panel), 3 clusters, 20 VMs, 5 circuits.
"""

from __future__ import annotations

import socket
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
from tests.integration.inventory.netbox_replay import TOKEN, NetboxReplay, load_recorded, serving

from bascule.errors import UserError
from bascule.inventory import netbox as netbox_module
from bascule.inventory.items import Inventory, InventoryItem, NamedThing, Origin
from bascule.inventory.netbox import read_netbox


@pytest.fixture(scope="module")
def recorded() -> dict[str, list[dict[str, object]]]:
    return load_recorded()


@pytest.fixture
def netbox(recorded: dict[str, list[dict[str, object]]]) -> Iterator[NetboxReplay]:
    with serving(NetboxReplay(recorded, max_page_size=7)) as replay:
        yield replay


@pytest.fixture
def inventory(netbox: NetboxReplay) -> Inventory:
    return read_netbox(netbox.url, TOKEN, None)


def by_id(inventory: Inventory) -> dict[str, InventoryItem]:
    return {item.id: item for item in inventory.items}


def test_every_asset_is_read_with_its_type(inventory: Inventory) -> None:
    assert Counter(item.type for item in inventory.items) == {
        "vm": 20, "server": 14, "switch": 10, "hypervisor": 7, "link": 5, "cluster": 3,
        "firewall": 2, "router": 2, "storage": 2,
    }  # fmt: skip
    assert {item.kind for item in inventory.items} == {"asset"}
    assert not {"pdu-a1", "pdu-a2", "bandeau-brassage-a1"} & set(by_id(inventory))


def test_sites_segments_and_suppliers(inventory: Inventory) -> None:
    assert inventory.sites == (NamedThing("chu-nord", "CHU Nord"), NamedThing("clinique-sud", "Clinique Sud"))
    assert [segment.id for segment in inventory.segments] == [
        "serveurs", "biomedical", "bureautique", "dmz", "stockage", "admin-reseau", "10-2-10-0-24",
    ]  # fmt: skip
    assert inventory.segments[1] == NamedThing("biomedical", "Biomédical", "chu-nord")
    assert inventory.suppliers == (
        NamedThing("orange-business", "Orange Business"),
        NamedThing("sfr-business", "SFR Business"),
    )


def test_a_few_items_field_by_field(inventory: Inventory) -> None:
    items = by_id(inventory)
    assert items["srv-automates"] == InventoryItem(
        id="srv-automates", kind="asset", origin=Origin("netbox", object="dcim.device/33"),
        name="srv-automates", type="server", site="chu-nord", segment="biomedical",
    )  # fmt: skip
    assert items["vm-dpi-app-01"] == InventoryItem(
        id="vm-dpi-app-01", kind="asset", origin=Origin("netbox", object="virtualization.virtualmachine/1"),
        name="vm-dpi-app-01", type="vm", site="chu-nord", segment="serveurs", needs=("vmware-production",),
    )  # fmt: skip
    assert items["vmware-production"].needs == ("esx-01", "esx-02", "esx-03")
    assert items["hyper-v-clinique"].site == "clinique-sud"
    assert items["vm-clinique-ad"].needs == ("hyper-v-clinique",)
    assert items["vm-clinique-ad"].segment == "10-2-10-0-24"
    circuit = items["sfr-business-sfr-l2-99102"]
    assert (circuit.type, circuit.supplier, circuit.site, circuit.name) == (
        "link", "sfr-business", "clinique-sud", "SFR Business SFR-L2-99102",
    )  # fmt: skip
    assert str(items["fw-01"].origin) == "netbox:dcim.device/11"
    assert items["fw-01"].segment == "dmz"


def test_same_names_get_suffixes_and_problems(inventory: Inventory) -> None:
    items = by_id(inventory)
    assert [items[name].origin.object for name in ("srv-pacs-01", "srv-pacs-01-2", "srv-pacs-01-3")] == [
        "dcim.device/22", "dcim.device/23", "dcim.device/32",
    ]  # fmt: skip
    assert items["srv-pacs-01-3"].name == "Srv PACS 01"
    assert items["device-35"].name == ""
    assert [problem.located() for problem in inventory.problems] == [
        "netbox:dcim.device/23: id srv-pacs-01 is already netbox:dcim.device/22's; this one is srv-pacs-01-2",
        "netbox:dcim.device/32: id srv-pacs-01 is already netbox:dcim.device/22's; this one is srv-pacs-01-3",
        "netbox:dcim.device/35: this object has no name in NetBox; it is device-35 here until you give it one",
    ]
    assert inventory.problems[2].located("fr") == (
        "netbox:dcim.device/35: cet objet n'a pas de nom dans NetBox ; il est device-35 ici tant que vous ne "
        "lui en donnez pas"
    )


def test_pages_are_followed_as_pynetbox_does(
    netbox: NetboxReplay, inventory: Inventory, recorded: dict[str, list[dict[str, object]]]
) -> None:
    device_pages = [request for request in netbox.requests if request.startswith("/api/dcim/devices/")]
    assert device_pages == [
        "/api/dcim/devices/?limit=0", "/api/dcim/devices/?limit=40&offset=7",
        *(f"/api/dcim/devices/?limit=7&offset={offset}" for offset in (14, 21, 28, 35)),
    ]  # fmt: skip
    assert set(netbox.headers_seen) == {f"Token {TOKEN}"}
    with serving(NetboxReplay(recorded)) as one_page:
        assert replace(read_netbox(one_page.url, TOKEN, None), source=inventory.source) == inventory
    assert len([r for r in one_page.requests if r.startswith("/api/dcim/devices/")]) == 1


def test_progress_is_told_after_each_endpoint(netbox: NetboxReplay) -> None:
    told: list[tuple[str, int]] = []
    read_netbox(netbox.url, TOKEN, None, progress=lambda endpoint, count: told.append((endpoint, count)))
    assert told == [
        ("dcim/sites", 2), ("dcim/devices", 40), ("virtualization/clusters", 3),
        ("virtualization/virtual-machines", 20), ("ipam/vlans", 6), ("ipam/prefixes", 8),
        ("tenancy/tenants", 3), ("circuits/providers", 2), ("circuits/circuits", 5),
    ]  # fmt: skip


def test_tenants_as_suppliers_and_roles_mapped(netbox: NetboxReplay) -> None:
    mapping = {"suppliers": "both", "roles": {"server": "physical-server"}, "skip_roles": ["hypervisor"]}
    inventory = read_netbox(netbox.url + "/", TOKEN, mapping)
    items = by_id(inventory)
    assert [supplier.id for supplier in inventory.suppliers] == [
        "dsi", "laboratoire", "imagerie", "orange-business", "sfr-business",
    ]  # fmt: skip
    assert (items["srv-sil-01"].supplier, items["srv-sil-01"].type) == ("laboratoire", "physical-server")
    assert items["pdu-a1"].type == "pdu"
    assert "esx-01" not in items
    assert items["vmware-production"].needs == ()
    assert items["orange-business-fr-ora-100234"].supplier == "orange-business"
    tenants_only = by_id(read_netbox(netbox.url, TOKEN, {"suppliers": "tenants"}))
    assert tenants_only["orange-business-fr-ora-100234"].supplier == ""
    assert tenants_only["vm-dpi-app-01"].supplier == "dsi"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


WRONG_TOKEN = "ffffffffffffffffffffffffffffffffffffffff"


@pytest.mark.parametrize(
    ("failure", "token", "path", "english", "french"),
    [
        (None, WRONG_TOKEN, "", "refused the token; set BASCULE_NETBOX_TOKEN", "a refusé le jeton"),
        ("unauthorized", TOKEN, "", "refused the token; set BASCULE_NETBOX_TOKEN", "a refusé le jeton"),
        ("forbidden", TOKEN, "", "may not read everything", "ne peut pas tout lire"),
        (None, TOKEN, "/netbox", "has no NetBox API; give NetBox's root address", "n'a pas d'API NetBox"),
        ("rate-limited", TOKEN, "", "refused the request (HTTP 429)", "a refusé la requête (HTTP 429)"),
        ("server-error", TOKEN, "", "failed (HTTP 500); try again later", "a échoué (HTTP 500)"),
        ("garbage", TOKEN, "", "did not answer as NetBox's REST API does", "n'a pas répondu comme"),
        ("wrong-json", TOKEN, "", "did not answer as NetBox's REST API does", "n'a pas répondu comme"),
        ("json-list", TOKEN, "", "did not answer as NetBox's REST API does", "n'a pas répondu comme"),
    ],
)
def test_each_failure_is_one_sentence_without_the_token(
    recorded: dict[str, list[dict[str, object]]],
    failure: str | None,
    token: str,
    path: str,
    english: str,
    french: str,
) -> None:
    with serving(NetboxReplay(recorded, failure=failure)) as replay, pytest.raises(UserError) as raised:
        read_netbox(replay.url + path, token, None)
    assert_one_sentence(raised.value, english, french, token)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_no_answer_no_token_and_no_url() -> None:
    port = free_port()
    with pytest.raises(UserError) as refused:
        read_netbox(f"http://admin:hunter2@127.0.0.1:{port}", TOKEN, None)
    assert_one_sentence(
        refused.value, f"Cannot reach NetBox at http://127.0.0.1:{port};", "Impossible", TOKEN
    )
    assert "hunter2" not in refused.value.message + str(refused.value.in_lang("fr"))
    with pytest.raises(UserError) as no_token:
        read_netbox("http://127.0.0.1:1", "", None)
    assert_one_sentence(no_token.value, "No NetBox token: set BASCULE_NETBOX_TOKEN", "Aucun jeton", TOKEN)
    with pytest.raises(UserError) as not_url:
        read_netbox("netbox.chu.example", TOKEN, None)
    assert_one_sentence(not_url.value, "netbox.chu.example is not a URL", "n'est pas une URL", TOKEN)


def assert_one_sentence(error: UserError, english: str, french: str, token: str) -> None:
    for text in (error.in_lang("en"), error.in_lang("fr")):
        assert token not in text
        assert text.endswith(".") and "\n" not in text
    assert english in error.in_lang("en")
    assert french in error.in_lang("fr")
    assert error.exit_code == 2


def test_the_longest_prefix_gives_the_segment(recorded: dict[str, list[dict[str, object]]]) -> None:
    prefixes = recorded["ipam/prefixes"]
    half = {**prefixes[0], "id": 99, "prefix": "10.1.10.128/25", "display": "10.1.10.128/25", "vlan": None}
    with serving(NetboxReplay({**recorded, "ipam/prefixes": [*prefixes, half]})) as replay:
        items = by_id(read_netbox(replay.url, TOKEN, None))
    assert items["vm-dpi-app-01"].segment == "10-1-10-128-25"  # 10.1.10.151
    assert items["srv-sil-01"].segment == "serveurs"  # 10.1.10.23


def test_a_netbox_that_stops_answering_ends_the_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netbox_module, "TIMEOUT_SECONDS", 0.2)
    with socket.socket() as silent:  # connections are queued by the kernel and never answered
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(UserError) as raised:
            read_netbox(url, TOKEN, None)
    assert_one_sentence(
        raised.value, "did not answer within 0.2 s; try again later", "n'a pas répondu en", TOKEN
    )


def test_sites_given_as_netbox_4_2_scopes(recorded: dict[str, list[dict[str, object]]]) -> None:
    def scoped(record: dict[str, object], kind: str) -> dict[str, object]:
        return {key: value for key, value in record.items() if key != "site"} | {
            f"{kind}_type": "dcim.site",
            kind: record["site"],
        }

    circuit = recorded["circuits/circuits"][4]
    answers = {
        **recorded,
        "ipam/prefixes": [scoped(record, "scope") for record in recorded["ipam/prefixes"]],
        "virtualization/clusters": [
            scoped(record, "scope") for record in recorded["virtualization/clusters"]
        ],
        "virtualization/virtual-machines": [
            {**record, "site": None} for record in recorded["virtualization/virtual-machines"]
        ],
        "circuits/circuits": [{**circuit, "termination_a": scoped(circuit["termination_a"], "termination")}],
    }
    with serving(NetboxReplay(answers)) as replay:
        inventory = read_netbox(replay.url, TOKEN, None)
    assert inventory.segments[-1] == NamedThing("10-2-10-0-24", "10.2.10.0/24", "clinique-sud")
    items = by_id(inventory)
    assert items["hyper-v-clinique"].site == "clinique-sud"
    assert items["vm-clinique-ad"].site == "clinique-sud"  # its cluster's scope
    assert items["sfr-business-sfr-l2-99102"].site == "clinique-sud"


def test_a_tls_failure_says_how_to_trust_the_certificate(
    recorded: dict[str, list[dict[str, object]]],
) -> None:
    with serving(NetboxReplay(recorded)) as replay, pytest.raises(UserError) as raised:
        read_netbox(replay.url.replace("http://", "https://"), TOKEN, None)  # it speaks plain HTTP
    assert_one_sentence(raised.value, "The TLS connection to NetBox at https://", "REQUESTS_CA_BUNDLE", TOKEN)
