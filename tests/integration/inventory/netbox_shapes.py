"""NetBox 4.1 REST API records, shaped as its serializers write them (netbox/*/api/serializers*.py:
nested objects are "brief" serializations with id, url, display and their few fields).

`hospital()` is the recorded corpus (tests/corpus/netbox/, written by
`python -m tests.integration.inventory.netbox_shapes`); `generated(n)` is n objects for the bench.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.integration.inventory.netbox_replay import CORPUS

Record = dict[str, Any]
API = "http://netbox.chu.example/api"
CREATED = "2024-09-12T08:31:04.512337Z"


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")


@dataclass
class Answers:
    """Records per endpoint ("dcim/devices"), ids given in creation order as NetBox does."""

    by_endpoint: dict[str, list[Record]] = field(default_factory=dict)

    def add(self, endpoint: str, record: Record) -> Record:
        records = self.by_endpoint.setdefault(endpoint, [])
        record = {"id": len(records) + 1, "url": f"{API}/{endpoint}/{len(records) + 1}/", **record}
        records.append(record)
        return record

    def site(self, name: str, facility: str = "") -> Record:
        return self.add(
            "dcim/sites",
            {
                "display": name, "name": name, "slug": _slug(name),
                "status": {"value": "active", "label": "Active"}, "region": None, "group": None,
                "tenant": None, "facility": facility, "time_zone": "Europe/Paris", "description": "",
                "physical_address": "", "shipping_address": "", "latitude": None, "longitude": None,
                "comments": "", "asns": [], "tags": [], "custom_fields": {},
                "created": CREATED, "last_updated": CREATED,
            },
        )  # fmt: skip

    def role(self, name: str) -> Record:
        return self.add("dcim/device-roles", {"display": name, "name": name, "slug": _slug(name)})

    def tenant(self, name: str) -> Record:
        return self.add(
            "tenancy/tenants",
            {"display": name, "name": name, "slug": _slug(name), "group": None, "description": "",
             "comments": "", "tags": [], "custom_fields": {}, "created": CREATED, "last_updated": CREATED},
        )  # fmt: skip

    def provider(self, name: str) -> Record:
        return self.add(
            "circuits/providers",
            {"display": name, "name": name, "slug": _slug(name), "accounts": [], "description": "",
             "comments": "", "asns": [], "tags": [], "custom_fields": {}, "created": CREATED,
             "last_updated": CREATED, "circuit_count": 0},
        )  # fmt: skip

    def vlan(self, vid: int, name: str, site: Record) -> Record:
        return self.add(
            "ipam/vlans",
            {"display": f"{name} ({vid})", "site": brief(site, "name", "slug"), "group": None, "vid": vid,
             "name": name, "tenant": None, "status": {"value": "active", "label": "Active"}, "role": None,
             "description": "", "qinq_role": None, "comments": "", "l2vpn_termination": None, "tags": [],
             "custom_fields": {}, "created": CREATED, "last_updated": CREATED, "prefix_count": 1},
        )  # fmt: skip

    def prefix(self, prefix: str, site: Record | None, vlan: Record | None, status: str = "active") -> Record:
        return self.add(
            "ipam/prefixes",
            {"display": prefix, "family": {"value": 4, "label": "IPv4"}, "prefix": prefix,
             "site": brief(site, "name", "slug") if site else None, "vrf": None, "tenant": None,
             "vlan": brief(vlan, "vid", "name") if vlan else None,
             "status": {"value": status, "label": status.capitalize()}, "role": None, "is_pool": False,
             "mark_utilized": False, "description": "", "comments": "", "tags": [], "custom_fields": {},
             "created": CREATED, "last_updated": CREATED, "children": 0, "_depth": 0},
        )  # fmt: skip

    def ip(self, address: str) -> Record:
        return self.add(
            "ipam/ip-addresses",
            {
                "display": address,
                "family": {"value": 4, "label": "IPv4"},
                "address": address,
                "description": "",
            },
        )

    def cluster(self, name: str, kind: str, site: Record) -> Record:
        return self.add(
            "virtualization/clusters",
            {"display": name, "name": name, "type": {"id": 1, "url": f"{API}/virtualization/cluster-types/1/",
             "display": kind, "name": kind, "slug": _slug(kind)}, "group": None,
             "status": {"value": "active", "label": "Active"}, "tenant": None,
             "site": brief(site, "name", "slug"), "description": "", "comments": "", "tags": [],
             "custom_fields": {}, "created": CREATED, "last_updated": CREATED, "device_count": 0,
             "virtualmachine_count": 0},
        )  # fmt: skip

    def device(
        self, name: str | None, role: Record, model: str, site: Record, *, ip: Record | None = None,
        tenant: Record | None = None, cluster: Record | None = None,
    ) -> Record:  # fmt: skip
        return self.add(
            "dcim/devices",
            {"display": name or f"{model} ({len(self.by_endpoint.get('dcim/devices', [])) + 1})",
             "name": name,
             "device_type": {"id": 1, "url": f"{API}/dcim/device-types/1/", "display": model,
                             "manufacturer": {"id": 1, "url": f"{API}/dcim/manufacturers/1/",
                                              "display": model.split()[0], "name": model.split()[0],
                                              "slug": _slug(model.split()[0])},
                             "model": model, "slug": _slug(model)},
             "role": brief(role, "name", "slug"), "tenant": brief(tenant, "name", "slug") if tenant else None,
             "platform": None, "serial": f"SN{len(name or model) * 7919:08d}", "asset_tag": None,
             "site": brief(site, "name", "slug"), "location": None, "rack": None, "position": None,
             "face": None, "latitude": None, "longitude": None, "parent_device": None,
             "status": {"value": "active", "label": "Active"}, "airflow": None,
             "primary_ip": brief(ip, "family", "address") if ip else None,
             "primary_ip4": brief(ip, "family", "address") if ip else None, "primary_ip6": None,
             "oob_ip": None, "cluster": brief(cluster, "name") if cluster else None,
             "virtual_chassis": None, "vc_position": None, "vc_priority": None, "description": "",
             "comments": "", "config_template": None, "config_context": {}, "local_context_data": None,
             "tags": [], "custom_fields": {}, "created": CREATED, "last_updated": CREATED},
        )  # fmt: skip

    def vm(
        self, name: str, cluster: Record, *, ip: Record | None = None, tenant: Record | None = None
    ) -> Record:
        return self.add(
            "virtualization/virtual-machines",
            {"display": name, "name": name, "status": {"value": "active", "label": "Active"},
             "site": cluster["site"], "cluster": brief(cluster, "name"), "device": None, "role": None,
             "tenant": brief(tenant, "name", "slug") if tenant else None, "platform": None,
             "primary_ip": brief(ip, "family", "address") if ip else None,
             "primary_ip4": brief(ip, "family", "address") if ip else None, "primary_ip6": None,
             "vcpus": 4.0, "memory": 16384, "disk": 200, "description": "", "comments": "",
             "config_template": None, "local_context_data": None, "tags": [], "custom_fields": {},
             "config_context": {}, "created": CREATED, "last_updated": CREATED, "interface_count": 1,
             "virtual_disk_count": 1},
        )  # fmt: skip

    def circuit(self, cid: str, provider: Record, kind: str, site: Record, rate: int) -> Record:
        termination = {"id": len(self.by_endpoint.get("circuits/circuits", [])) + 1,
                       "url": f"{API}/circuits/circuit-terminations/1/", "display": f"{cid}: Termination A",
                       "site": brief(site, "name", "slug"), "provider_network": None, "port_speed": rate,
                       "upstream_speed": None, "xconnect_id": "", "description": ""}  # fmt: skip
        return self.add(
            "circuits/circuits",
            {"display": cid, "cid": cid, "provider": brief(provider, "name", "slug"), "provider_account": None,
             "type": {"id": 1, "url": f"{API}/circuits/circuit-types/1/", "display": kind, "name": kind,
                      "slug": _slug(kind)},
             "status": {"value": "active", "label": "Active"}, "tenant": None, "install_date": "2021-03-01",
             "termination_date": None, "commit_rate": rate, "description": "", "termination_a": termination,
             "termination_z": None, "comments": "", "tags": [], "custom_fields": {}, "created": CREATED,
             "last_updated": CREATED},
        )  # fmt: skip


def brief(record: Record, *fields: str) -> Record:
    """A nested (brief) serialization: id, url, display, the named fields and description."""
    return (
        {"id": record["id"], "url": record["url"], "display": record["display"]}
        | {name: record[name] for name in fields}
        | {"description": record.get("description", "")}
    )


def hospital() -> Answers:
    """A hospital and its clinic: 40 devices, 3 clusters of 20 VMs, 6 VLANs, 2 providers, 3 tenants."""
    nb = Answers()
    chu, clinique = nb.site("CHU Nord", "Bâtiment A"), nb.site("Clinique Sud", "Rez-de-chaussée")
    roles = {name: nb.role(name) for name in (
        "Core switch", "Access switch", "Firewall", "Router", "Hypervisor", "Server", "Storage", "PDU",
        "Patch panel")}  # fmt: skip
    dsi, labo, imagerie = nb.tenant("DSI"), nb.tenant("Laboratoire"), nb.tenant("Imagerie")
    orange, sfr = nb.provider("Orange Business"), nb.provider("SFR Business")
    vlans = {}
    for vid, name, third in ((10, "Serveurs", 10), (20, "Biomédical", 20), (30, "Bureautique", 30),
                             (40, "DMZ", 40), (50, "Stockage", 50), (99, "Admin réseau", 99)):  # fmt: skip
        vlans[vid] = nb.vlan(vid, name, chu)
        nb.prefix(f"10.1.{third}.0/24", chu, vlans[vid])
    nb.prefix("10.0.0.0/8", None, None, status="container")
    nb.prefix("10.2.10.0/24", clinique, None)
    hosts = 0

    def address(third: int, host: int) -> Record:
        return nb.ip(f"10.1.{third}.{host}/24")

    for index in (1, 2):
        nb.device(
            f"sw-coeur-{index:02}", roles["Core switch"], "Cisco C9500-48Y4C", chu, ip=address(99, index)
        )
    for index in range(1, 7):
        nb.device(
            f"sw-acces-{index:02}", roles["Access switch"], "Cisco C9300-48P", chu, ip=address(99, 10 + index)
        )
    for index in (1, 2):
        nb.device(f"sw-clinique-{index:02}", roles["Access switch"], "HPE Aruba 6100", clinique,
                  ip=nb.ip(f"10.2.10.{index}/24"))  # fmt: skip
    for index in (1, 2):
        nb.device(f"fw-{index:02}", roles["Firewall"], "Fortinet FortiGate 200F", chu, ip=address(40, index))
        nb.device(f"rtr-{index:02}", roles["Router"], "Cisco ISR 4451", chu, ip=address(99, 20 + index))
    clusters = [nb.cluster("VMware Production", "VMware vSphere", chu),
                nb.cluster("VMware DMZ", "VMware vSphere", chu),
                nb.cluster("Hyper-V Clinique", "Microsoft Hyper-V", clinique)]  # fmt: skip
    for cluster, count in zip(clusters, (3, 2, 2), strict=True):
        for _ in range(count):
            hosts += 1
            site = clinique if cluster is clusters[2] else chu
            nb.device(f"esx-{hosts:02}", roles["Hypervisor"], "Dell PowerEdge R750", site,
                      ip=address(10, 100 + hosts), cluster=cluster, tenant=dsi)  # fmt: skip
    servers = [("srv-pacs-01", imagerie, chu), ("srv-pacs-01", imagerie, clinique), ("srv-sil-01", labo, chu),
               ("srv-sil-02", labo, chu), ("srv-dpi-db-01", dsi, chu), ("srv-dpi-db-02", dsi, chu),
               ("srv-ad-01", dsi, chu), ("srv-ad-02", dsi, clinique), ("srv-backup-01", dsi, chu),
               ("srv-impression", dsi, chu), ("Srv PACS 01", imagerie, chu), ("srv-automates", labo, chu),
               ("srv-teleradio", imagerie, chu)]  # fmt: skip
    for index, (name, tenant, site) in enumerate(servers, start=1):
        third = 20 if tenant is labo and name == "srv-automates" else 10
        ip = nb.ip(f"10.2.10.{20 + index}/24") if site is clinique else address(third, 20 + index)
        nb.device(name, roles["Server"], "HPE ProLiant DL380 Gen10", site, ip=ip, tenant=tenant)
    nb.device(None, roles["Server"], "Dell PowerEdge R650", chu)
    nb.device("baie-san-01", roles["Storage"], "NetApp AFF A250", chu, ip=address(50, 1))
    nb.device("baie-san-02", roles["Storage"], "NetApp AFF A250", chu, ip=address(50, 2))
    nb.device("pdu-a1", roles["PDU"], "APC AP8853", chu)
    nb.device("pdu-a2", roles["PDU"], "APC AP8853", chu)
    nb.device("bandeau-brassage-a1", roles["Patch panel"], "Generic 24-port", chu)
    vm_names = ["vm-dpi-app-01", "vm-dpi-app-02", "vm-dpi-web-01", "vm-rdv-01", "vm-messagerie-01",
                "vm-gam-01", "vm-paie-01", "vm-sil-web-01", "vm-pacs-viewer-01", "vm-interop-01",
                "vm-interop-02", "vm-supervision-01", "vm-dns-01", "vm-dns-02"]  # fmt: skip
    for index, name in enumerate(vm_names, start=1):
        nb.vm(name, clusters[0], ip=address(10, 150 + index), tenant=dsi)
    for index, name in enumerate(["vm-portail-patient", "vm-proxy-01", "vm-mail-relais"], start=1):
        nb.vm(name, clusters[1], ip=address(40, 50 + index))
    for index, name in enumerate(["vm-clinique-dpi", "vm-clinique-fichiers", "vm-clinique-ad"], start=1):
        nb.vm(name, clusters[2], ip=nb.ip(f"10.2.10.{50 + index}/24"), tenant=dsi if index == 3 else None)
    nb.circuit("FR-ORA-100234", orange, "Internet", chu, 1_000_000)
    nb.circuit("FR-ORA-100235", orange, "MPLS", chu, 500_000)
    nb.circuit("FR-ORA-208811", orange, "MPLS", clinique, 200_000)
    nb.circuit("SFR-INT-44871", sfr, "Internet", chu, 1_000_000)
    nb.circuit("SFR-L2-99102", sfr, "Lien inter-sites", clinique, 1_000_000)
    return nb


RECORDED = ("dcim/sites", "dcim/devices", "virtualization/clusters", "virtualization/virtual-machines",
            "ipam/vlans", "ipam/prefixes", "tenancy/tenants", "circuits/providers", "circuits/circuits")  # fmt: skip


def write_corpus() -> None:
    answers = hospital().by_endpoint
    for endpoint in RECORDED:
        path = CORPUS / f"{endpoint.replace('/', '.')}.json"
        path.write_text(json.dumps(answers[endpoint], indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def generated(objects: int) -> dict[str, list[Record]]:
    """About `objects` records over every endpoint read, for the bench (ten sites, 60% devices)."""
    nb = Answers()
    sites = [nb.site(f"Site {index}") for index in range(10)]
    roles = [nb.role(name) for name in ("Server", "Access switch", "Storage", "Hypervisor")]
    providers = [nb.provider(f"Opérateur {index}") for index in range(5)]
    tenants = [nb.tenant(f"Service {index}") for index in range(20)]
    vlans = [nb.vlan(100 + index, f"VLAN {index}", sites[index % 10]) for index in range(100)]
    for index, vlan in enumerate(vlans):
        nb.prefix(f"10.{index}.0.0/16", sites[index % 10], vlan)
    clusters = [nb.cluster(f"Cluster {index}", "VMware vSphere", sites[index % 10]) for index in range(20)]
    devices = int(objects * 0.6)
    vms = objects - devices - 300
    for index in range(devices):
        ip = nb.ip(f"10.{index % 100}.{index // 250 % 250}.{index % 250 + 1}/16")
        nb.device(f"dev-{index}", roles[index % 4], "Dell PowerEdge R750", sites[index % 10], ip=ip,
                  tenant=tenants[index % 20], cluster=clusters[index % 20] if index % 4 == 3 else None)  # fmt: skip
    for index in range(vms):
        nb.vm(f"vm-{index}", clusters[index % 20], ip=nb.ip(f"10.{index % 100}.251.{index % 250 + 1}/16"))
    for index in range(45):
        nb.circuit(f"CID-{index}", providers[index % 5], "MPLS", sites[index % 10], 100_000)
    return {endpoint: nb.by_endpoint.get(endpoint, []) for endpoint in RECORDED}


if __name__ == "__main__":
    write_corpus()
