"""`bascule map import` and `bascule map diff` as a user runs them: exit codes, nothing written on
refusal, --draft, --into with its diff, French, tokens from the environment only."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
import yaml

from bascule.cli import main
from bascule.inventory.items import Inventory, InventoryItem, NamedThing, Origin

CSV = (
    "\ufeffid;name;kind;type;site;segment;supplier;needs;restore_hours;skills;count\r\n"
    "dc01;DC;asset;server;main;dc;;;6;;\r\n"
    "lims;Labo;application;;main;dc;biolab;dc01|pcs;8;;\r\n"
    "pcs;Postes;asset;workstation;main;lan;;dc01;;;30\r\n"
)
HAND = """\
bascule: 1
hospital: {id: chx, name: CH X, lang: fr}
processes:
  - {id: transfusion, priority: 1, needs: [lims], fallback: paper}
procedures:
  - {id: paper, title: Papier, steps: [Écrire]}
"""


def run(
    capsys: pytest.CaptureFixture[str], *args: str, environ: dict[str, str] | None = None
) -> tuple[int, str, str]:
    code = main(list(args), environ=environ or {})
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "inv.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "hand.yaml").write_text(HAND, encoding="utf-8")
    return tmp_path


def test_import_writes_a_map_that_loads(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "map", "import", "inv.csv", "--out", "map.yaml", "--hospital", "chx", "--name", "CH X"
    )
    assert (code, err) == (0, "")
    assert "Wrote map.yaml: 2 assets, 1 applications read from inv.csv." in out
    document = yaml.safe_load((folder / "map.yaml").read_text(encoding="utf-8"))
    assert document["hospital"] == {"id": "chx", "name": "CH X"}
    assert run(capsys, "map", "check", "map.yaml", "--json")[0] == 0


def test_the_hospital_defaults_to_the_files_stem(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "map", "import", "inv.csv", "--out", "map.yaml")[0] == 0
    assert yaml.safe_load((folder / "map.yaml").read_text(encoding="utf-8"))["hospital"] == {
        "id": "inv",
        "name": "inv",
    }


def test_nothing_is_written_when_the_map_would_not_validate(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "bad.csv").write_text("id,kind,needs\na,asset,dc1\nb,asset,\nb,asset,\n", encoding="utf-8")
    code, _, err = run(capsys, "map", "import", "bad.csv", "--out", "map.yaml", "--lang", "fr")
    assert code == 2
    assert not (folder / "map.yaml").exists()
    assert err.splitlines() == [
        "Erreur : L'inventaire bad.csv a 2 problèmes ; corrigez-les et réessayez :",
        "  bad.csv:4: identifiant « b » en double (d'abord à la ligne 3)",
        "  bad.csv:2: assets[0].needs[0] : id inconnu « dc1 »",
    ]


def test_a_draft_is_written_with_its_problems_on_top(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "bad.csv").write_text("id,kind,segment,needs\na,asset,lan,dc1\n", encoding="utf-8")
    code, out, _ = run(capsys, "map", "import", "bad.csv", "--out", "map.yaml", "--draft")
    assert code == 0
    assert "Draft written with 1 problem(s)" in out
    text = (folder / "map.yaml").read_text(encoding="utf-8")
    assert '# PROBLEMS to fix before use (1):\n#   bad.csv:2: assets[0].needs[0]: unknown id "dc1"\n' in text


def test_into_keeps_the_hand_written_sections_and_prints_the_diff(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "map", "import", "inv.csv", "--out", "map.yaml", "--into", "hand.yaml")
    assert (code, err) == (0, "")
    assert "Added (7):\n  main, dc, lan, biolab, dc01, pcs, lims" in out
    document = yaml.safe_load((folder / "map.yaml").read_text(encoding="utf-8"))
    hand = yaml.safe_load(HAND)
    assert document["hospital"] == hand["hospital"] and document["processes"] == hand["processes"]
    # Re-import a changed inventory in place: pcs moves, dc01 goes (transfusion needed it via lims).
    changed = CSV.replace("main;lan;;dc01;", "main;wifi;;;").replace("dc01|pcs", "pcs")
    (folder / "inv.csv").write_text(
        changed.replace("dc01;DC;asset;server;main;dc;;;6;;\r\n", ""), encoding="utf-8"
    )
    code, out, err = run(capsys, "map", "import", "inv.csv", "--out", "map.yaml", "--into", "map.yaml")
    assert (code, err) == (0, "")
    assert "Removed (1):\n  dc01 — still needed by: transfusion" in out
    assert '  pcs: segment: "lan" → "wifi"; needs: ["dc01"] → —' in out


def test_a_hand_written_problem_is_located_in_the_into_file(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "hand.yaml").write_text(HAND.replace("needs: [lims]", "needs: [lims, pacs]"), encoding="utf-8")
    code, _, err = run(capsys, "map", "import", "inv.csv", "--out", "map.yaml", "--into", "hand.yaml")
    assert code == 2 and not (folder / "map.yaml").exists()
    assert '  hand.yaml:4: processes[0].needs[1]: unknown id "pacs" (did you mean "pcs"?)' in err.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "Error: There is no inventory file at missing.csv."),
        (["inv.csv", "--mapping", "m.yaml"], 'Error: The mapping file m.yaml has an unknown section "cvs" (did you mean "csv"?); its sections are csv, glpi and netbox.'),
        (["inv.csv", "--into", "missing.yaml"], "Error: There is no map at missing.yaml."),
        (["glpi:https://glpi.example/apirest.php"], "Error: Set BASCULE_GLPI_USER_TOKEN to read glpi:https://glpi.example/apirest.php (tokens never go on the command line)."),
        (["netbox:https://netbox.example"], "Error: Set BASCULE_NETBOX_TOKEN to read netbox:https://netbox.example (tokens never go on the command line)."),
    ],
)  # fmt: skip
def test_refusals_are_one_sentence(
    folder: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    (folder / "m.yaml").write_text("cvs: {}\n", encoding="utf-8")
    code, _, err = run(capsys, "map", "import", *args, "--out", "map.yaml")
    assert code == 2 and err.splitlines() == [message]
    assert not (folder / "map.yaml").exists()


def test_api_sources_get_their_tokens_and_mapping_section(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[object, ...]] = []

    def read_netbox(url: str, token: str, mapping: object) -> Inventory:
        calls.append((url, token, mapping))
        item = InventoryItem(
            "vm1", "asset", Origin("netbox", object="virtualization.virtual_machine/1"), segment="v"
        )
        return Inventory(items=(item,), segments=(NamedThing("v"),), source="netbox")

    fake = types.ModuleType("bascule.inventory.netbox")
    fake.read_netbox = read_netbox  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bascule.inventory.netbox", fake)
    (folder / "m.yaml").write_text("netbox: {segments: vlan}\n", encoding="utf-8")
    environ = {"BASCULE_NETBOX_TOKEN": "t0ken"}
    code, _, err = run(
        capsys,
        "map",
        "import",
        "netbox:https://nb",
        "--out",
        "map.yaml",
        "--mapping",
        "m.yaml",
        environ=environ,
    )
    assert (code, err) == (0, "")
    assert calls == [("https://nb", "t0ken", {"segments": "vlan"})]
    assert "#   vm1  netbox:virtualization.virtual_machine/1" in (folder / "map.yaml").read_text(
        encoding="utf-8"
    )
    assert yaml.safe_load((folder / "map.yaml").read_text(encoding="utf-8"))["hospital"]["id"] == "map"


def test_a_glpi_export_goes_to_its_reader(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []

    def read_glpi_export(text: str, source: str, mapping: object) -> Inventory:
        seen.append(text.split("\n", 1)[0])
        return Inventory(
            items=(InventoryItem("srv", "asset", Origin(source, 2), segment="s"),),
            segments=(NamedThing("s"),),
            source=source,
        )

    fake = types.ModuleType("bascule.inventory.glpi_export")
    fake.read_glpi_export = read_glpi_export  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bascule.inventory.glpi_export", fake)
    (folder / "glpi.csv").write_text("\ufeffNom;Entité;Statut\nsrv;Racine;Production\n", encoding="utf-8")
    assert run(capsys, "map", "import", "glpi.csv", "--out", "map.yaml")[0] == 0
    assert seen == ["Nom;Entité;Statut"]


def test_map_diff_exit_codes_and_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "map", "import", "inv.csv", "--out", "a.yaml", "--into", "hand.yaml")[0] == 0
    (folder / "inv.csv").write_text(CSV.replace("main;lan;;dc01;", "main;wifi;;dc01;"), encoding="utf-8")
    assert run(capsys, "map", "import", "inv.csv", "--out", "b.yaml", "--into", "a.yaml")[0] == 0
    code, out, _ = run(capsys, "map", "diff", "a.yaml", "a.yaml")
    assert (code, out) == (0, "No change.\n")
    code, out, _ = run(capsys, "map", "diff", "a.yaml", "b.yaml", "--json")
    assert code == 1
    assert json.loads(out) == {
        "added": ["wifi"],
        "removed": [],
        "changed": {"pcs": {"segment": ["lan", "wifi"]}},
        "needed_by": {},
    }
    code, out, _ = run(capsys, "map", "diff", "b.yaml", "a.yaml", "--lang", "fr")
    assert code == 1 and "Retirés (1) :\n  wifi" in out
    code, _, err = run(capsys, "map", "diff", "a.yaml", "missing.yaml")
    assert code == 2 and "missing.yaml" in err
