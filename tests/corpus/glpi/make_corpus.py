"""Writes the recorded GLPI 10.0 answers (api/*.json) and list exports (*.csv) of tests/corpus/glpi.

Shapes follow GLPI 10.0's apirest.md ("Get all items", expand_dropdowns=true: dropdowns as names,
locations as their complete name "A > B"; without it, ids) and its CSV list export (semicolons,
UTF-8 with BOM, every cell quoted). Run once; the files are committed.
"""

import json
from pathlib import Path

HERE = Path(__file__).parent
NORD, SUD = "CH Val de Sèvre > Site Nord", "CH Val de Sèvre > Site Sud"
LOC = {
    1: ("CH Val de Sèvre", ""),
    2: ("Site Nord", "CH Val de Sèvre"),
    3: ("Site Sud", "CH Val de Sèvre"),
    4: ("Salle serveurs A", NORD),
    5: ("Urgences", SUD),
    6: ("Clinique Les Tilleuls", ""),
}


def location(i):
    name, parent = LOC[i]
    return {"id": i, "name": name, "completename": f"{parent} > {name}" if parent else name, "entities_id": 0}


def computer(i, name, ctype, loc, network="", state="En production", deleted=0, template=0):
    return {
        "id": i,
        "entities_id": "Entité racine",
        "name": name,
        "serial": f"CZ{i:06d}",
        "otherserial": None,
        "computertypes_id": ctype,
        "computermodels_id": "ProLiant DL380 Gen10" if ctype == "Serveur" else "OptiPlex 7090",
        "manufacturers_id": "Hewlett Packard Enterprise" if ctype == "Serveur" else "Dell Inc.",
        "operatingsystems_id": "Windows Server 2019" if ctype == "Serveur" else "Windows 10",
        "locations_id": loc,
        "networks_id": network or "&nbsp;",
        "states_id": state,
        "is_deleted": deleted,
        "is_template": template,
        "template_name": None,
        "date_mod": "2026-11-02 09:14:33",
        "uuid": "",
    }


computers = [
    computer(1, "SRV-AD-01", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(2, "SRV-AD-02", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(3, "SRV-DPI-APP", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(4, "SRV-DPI-DB", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(5, "SRV-PACS-01", "Serveur", f"{NORD} > Salle serveurs A", "DC-IMAGERIE"),
    computer(6, "SRV-LABO-01", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(7, "SRV-FICHIERS", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(8, "SRV-MESSAGERIE", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(9, "SRV-HPRIM", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(10, "SRV-SAUVEGARDE", "Serveur", SUD, "DC-SECOURS"),
    computer(11, "SRV-PHARMA", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(12, "SRV-GAM", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),
    computer(13, "srv dpi app", "Serveur", f"{NORD} > Salle serveurs A", "DC-CORE"),  # slug collision
    computer(14, "SRV-ANCIEN", "Serveur", NORD, "DC-CORE", state="Rebut"),
    computer(15, "SRV-SUPPRIME", "Serveur", NORD, "DC-CORE", deleted=1),
    computer(16, "Modèle serveur", "Serveur", NORD, template=1),
]
for n in range(17, 41):
    site = NORD if n < 33 else f"{SUD} > Urgences"
    computers.append(
        computer(n, f"PC-{'NORD' if n < 33 else 'URG'}-{n:03d}", "Poste de travail", site, "LAN-CLINIQUE")
    )
computers.append(computer(41, "IMP-ACCUEIL", "Imprimante réseau", NORD, "LAN-CLINIQUE"))
computers.append(computer(42, "", "Serveur", "Clinique Les Tilleuls", "LAN-TILLEULS"))  # no name

network = [
    {
        "id": i,
        "name": name,
        "networkequipmenttypes_id": t,
        "locations_id": loc,
        "networks_id": net,
        "states_id": "En production",
        "is_deleted": 0,
        "is_template": 0,
        "manufacturers_id": "Cisco",
        "entities_id": "Entité racine",
    }
    for i, name, t, loc, net in [
        (1, "SW-CORE-01", "Switch", f"{NORD} > Salle serveurs A", "DC-CORE"),
        (2, "SW-CORE-02", "Switch", f"{NORD} > Salle serveurs A", "DC-CORE"),
        (3, "SW-ETAGE-N1", "Switch", NORD, "LAN-CLINIQUE"),
        (4, "SW-URG-01", "Switch", f"{SUD} > Urgences", "LAN-CLINIQUE"),
        (5, "FW-INTERNET", "Pare-feu", f"{NORD} > Salle serveurs A", "DMZ"),
        (6, "RTR-LIAISON-SUD", "Routeur", SUD, "DC-SECOURS"),
        (7, "BAIE-SAN-01", "Stockage", f"{NORD} > Salle serveurs A", "DC-CORE"),
        (8, "WIFI-CTRL", "Contrôleur Wi-Fi", NORD, "LAN-CLINIQUE"),
    ]
]

software = [
    {
        "id": i,
        "name": name,
        "softwarecategories_id": cat,
        "locations_id": "&nbsp;",
        "manufacturers_id": pub,
        "is_deleted": 0,
        "is_template": 0,
        "entities_id": "Entité racine",
        "is_recursive": 1,
    }
    for i, name, cat, pub in [
        (1, "DxCare", "Dossier patient", "Dedalus"),
        (2, "Synapse PACS", "Imagerie", "Fujifilm"),
        (3, "Glims", "Laboratoire", "MIPS"),
        (4, "Pharma", "Pharmacie", "Computer Engineering"),
        (5, "Active Directory", "Infrastructure", "Microsoft"),
        (6, "Exchange", "Messagerie", "Microsoft"),
        (7, "Veeam Backup", "Infrastructure", "Veeam"),
        (8, "Pastel", "Gestion administrative", "Maincare"),
        (9, "Hprim Net", "Interfaces", "Interop'Santé"),
        (10, "Mozilla Firefox", "Bureautique", "Mozilla"),
    ]
]

appliances = [
    {
        "id": i,
        "name": name,
        "appliancetypes_id": t,
        "locations_id": loc,
        "states_id": "En production",
        "is_deleted": 0,
        "entities_id": "Entité racine",
        "applianceenvironments_id": "Production",
    }
    for i, name, t, loc in [
        (1, "Dossier patient informatisé", "Application métier", NORD),
        (2, "Imagerie médicale", "Application métier", NORD),
        (3, "Laboratoire", "Application métier", NORD),
        (4, "Sauvegarde", "Infrastructure", SUD),
    ]
]

databases = [
    {
        "id": 1,
        "name": "DPI-PROD",
        "databaseinstancetypes_id": "Oracle",
        "itemtype": "Computer",
        "items_id": 4,
        "locations_id": f"{NORD} > Salle serveurs A",
        "is_deleted": 0,
        "version": "19c",
        "entities_id": "Entité racine",
    },
    {
        "id": 2,
        "name": "LABO-PROD",
        "databaseinstancetypes_id": "SQL Server",
        "itemtype": "Computer",
        "items_id": 6,
        "locations_id": f"{NORD} > Salle serveurs A",
        "is_deleted": 0,
        "version": "2019",
        "entities_id": "Entité racine",
    },
]

suppliers = [
    {"id": i, "name": name, "entities_id": 0, "suppliertypes_id": 0, "is_deleted": 0}
    for i, name in [
        (1, "Dedalus France"),
        (2, "Fujifilm Medical"),
        (3, "Orange Business"),
        (4, "HPE Services"),
    ]
]

infocoms = [
    {"id": n, "itemtype": itemtype, "items_id": items_id, "suppliers_id": sup, "buy_date": "2022-03-01"}
    for n, (itemtype, items_id, sup) in enumerate(
        [
            ("Computer", 3, 1),
            ("Computer", 4, 1),
            ("Computer", 5, 2),
            ("Software", 1, 1),
            ("Software", 2, 2),
            ("NetworkEquipment", 6, 3),
            ("Computer", 1, 4),
            ("Computer", 2, 0),
        ],
        start=1,
    )
]

appliance_items = [
    {"id": n, "appliances_id": a, "itemtype": t, "items_id": i}
    for n, (a, t, i) in enumerate(
        [
            (1, "Software", 1),
            (1, "Computer", 3),
            (1, "DatabaseInstance", 1),
            (2, "Software", 2),
            (2, "Computer", 5),
            (3, "Software", 3),
            (3, "Computer", 6),
            (3, "DatabaseInstance", 2),
            (4, "Software", 7),
            (4, "Computer", 10),
        ],
        start=1,
    )
]

impacts = [
    {"id": n, "itemtype_source": s, "items_id_source": si, "itemtype_impacted": d, "items_id_impacted": di}
    for n, (s, si, d, di) in enumerate(
        [
            ("Computer", 3, "Software", 1),  # DxCare needs SRV-DPI-APP
            ("DatabaseInstance", 1, "Software", 1),  # DxCare needs DPI-PROD
            ("Software", 5, "Software", 1),  # DxCare needs Active Directory
            ("Computer", 1, "Software", 5),  # AD needs SRV-AD-01
            ("Computer", 2, "Software", 5),
            ("Computer", 5, "Software", 2),
            ("Computer", 6, "Software", 3),
            ("Software", 9, "Software", 3),  # Glims needs Hprim Net
            ("Computer", 9, "Software", 9),
            ("Computer", 11, "Software", 4),
            ("Computer", 8, "Software", 6),
            ("Computer", 12, "Software", 8),
            ("NetworkEquipment", 1, "Computer", 3),  # SRV-DPI-APP needs SW-CORE-01
            ("NetworkEquipment", 7, "Computer", 4),  # SRV-DPI-DB needs the SAN
            ("NetworkEquipment", 6, "Computer", 10),
            ("Computer", 15, "Software", 8),  # a deleted server: reported
            ("Computer", 3, "Software", 1),  # the same relation twice: one need
        ],
        start=1,
    )
]

answers = {
    "Location": [location(i) for i in LOC],
    "Supplier": suppliers,
    "Computer": computers,
    "NetworkEquipment": network,
    "Software": software,
    "Appliance": appliances,
    "DatabaseInstance": databases,
    "Infocom": infocoms,
    "Appliance_Item": appliance_items,
    "ImpactRelation": impacts,
}
for itemtype, rows in answers.items():
    (HERE / "api" / f"{itemtype}.json").write_text(
        json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def csv_line(cells):
    return ";".join('"' + str(c).replace('"', '""') + '"' for c in cells)


FR = [
    "Nom",
    "Entité",
    "Statut",
    "Fabricant",
    "Numéro de série",
    "Type",
    "Modèle",
    "Système d'exploitation - Nom",
    "Lieu",
    "Dernière modification",
    "Composants - Processeur",
]
EN = [
    "Name",
    "Entity",
    "Status",
    "Manufacturer",
    "Serial number",
    "Type",
    "Model",
    "Operating system - Name",
    "Location",
    "Last update",
    "Components - Processor",
]
for header, name in ((FR, "computers-fr.csv"), (EN, "computers-en.csv")):
    lines = [csv_line(header)]
    for c in computers:
        if c["is_deleted"] or c["is_template"] or not c["name"]:
            continue
        lines.append(
            csv_line(
                [
                    c["name"],
                    "Entité racine",
                    c["states_id"],
                    c["manufacturers_id"],
                    c["serial"],
                    c["computertypes_id"],
                    c["computermodels_id"],
                    c["operatingsystems_id"],
                    c["locations_id"],
                    "02-11-2026 09:14",
                    "Intel(R) Xeon(R) Silver 4210R CPU @ 2.40GHz",
                ]
            )
        )
    (HERE / name).write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
SW = [
    "Nom",
    "Entité",
    "Éditeur",
    "Versions - Nom",
    "Nombre d'installations",
    "Licences - Nombre",
    "Catégorie",
]
lines = [csv_line(SW)] + [
    csv_line([s["name"], "Entité racine", s["manufacturers_id"], "1.0", 12, 0, s["softwarecategories_id"]])
    for s in software
]
(HERE / "software-fr.csv").write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
NE = ["Name", "Entity", "Status", "Manufacturer", "Location", "Type", "Model", "Firmware", "Last update"]
lines = [csv_line(NE)] + [
    csv_line(
        [
            e["name"],
            "Root entity",
            e["states_id"],
            e["manufacturers_id"],
            e["locations_id"],
            e["networkequipmenttypes_id"],
            "Catalyst 9300",
            "17.6",
            "2026-11-02 09:14",
        ]
    )
    for e in network
]
(HERE / "network-en.csv").write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
