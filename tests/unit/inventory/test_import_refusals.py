"""The files `map import` reads besides the inventory (mapping, --into) and unreadable sources are
refused in one sentence, in English and French."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.errors import UserError
from bascule.inventory.csv_layout import read_csv_layout
from bascule.inventory.draft import draft_document
from bascule.inventory.importing import default_header, import_map, load_mapping, read_inventory


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("csv: [1, 2]\n", "The csv section of the mapping file m.yaml must be a mapping."),
        ("csv: {collapse: [\n", "The mapping file m.yaml:2 is not readable YAML."),
        ("- csv\n", "The mapping file m.yaml must be a mapping of sections."),
    ],
)
def test_a_bad_mapping_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, english: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path("m.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as refused:
        load_mapping(Path("m.yaml"))
    assert refused.value.message == english
    assert refused.value.french and "m.yaml" in refused.value.french


def test_an_empty_mapping_file_is_no_mapping(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert load_mapping(tmp_path / "m.yaml") == {}
    assert load_mapping(None) == {}


def test_a_bad_into_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    inventory = read_csv_layout("id,kind,segment\na,asset,lan\n", "inv.csv")
    Path("into.yaml").write_text("processes: [\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"^The map into.yaml:2 is not readable YAML\.$"):
        import_map(inventory, {"id": "h"}, Path("into.yaml"))
    Path("into.yaml").write_text("just text\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"^The map into.yaml must be a mapping of sections\.$"):
        import_map(inventory, {"id": "h"}, Path("into.yaml"))


def test_unreadable_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("latin1.csv").write_bytes("id;kind;name\nä;asset;Réseau\n".encode("latin-1"))
    with pytest.raises(UserError) as refused:
        read_inventory("latin1.csv", {}, {})
    assert refused.value.message == "latin1.csv is not UTF-8 text; save it as UTF-8 (CSV UTF-8 in Excel)."
    Path("folder.csv").mkdir()
    with pytest.raises(UserError, match=r"^Cannot read folder.csv: Is a directory\.$"):
        read_inventory("folder.csv", {}, {})


def test_glpi_needs_both_tokens() -> None:
    with pytest.raises(UserError, match="BASCULE_GLPI_APP_TOKEN"):
        read_inventory("glpi:https://g/apirest.php", {}, {"BASCULE_GLPI_USER_TOKEN": "u"})


@pytest.mark.parametrize(
    ("source", "hospital", "expected"),
    [
        ("Inventaire 2026.csv", None, {"id": "inventaire-2026", "name": "inventaire-2026"}),
        ("inv.csv", "chx", {"id": "chx", "name": "chx"}),
        ("netbox:https://nb.example/", None, {"id": "out", "name": "out"}),
        ("___.csv", None, {"id": "___", "name": "___"}),
        ("é.csv", None, {"id": "hospital", "name": "hospital"}),
    ],
)
def test_the_default_header(source: str, hospital: str | None, expected: dict[str, str]) -> None:
    assert default_header(source, Path("out.yaml"), hospital, None) == expected


def test_an_item_the_inventory_now_calls_an_application_moves() -> None:
    into = {"assets": [{"id": "x", "kind": "server", "count": 2, "site": "s", "optional": ["y"]}]}
    document = draft_document(read_csv_layout("id,kind\nx,application\n", "inv.csv"), {"id": "h"}, into)
    assert "assets" not in document
    assert document["applications"] == [{"id": "x", "optional": ["y"]}]
