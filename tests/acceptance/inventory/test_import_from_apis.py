"""`bascule map import glpi:URL` and `netbox:URL` end to end: the command line reads the tokens from
the environment, the recorded GLPI 10.0 and NetBox 4.1 answers are served on 127.0.0.1, and a draft
map comes out (or one sentence, exit 2, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.integration.inventory.netbox_replay import TOKEN, NetboxReplay, load_recorded, serving
from tests.unit.inventory.glpi_replay import APP_TOKEN, USER_TOKEN, GlpiReplay, served

from bascule.cli import main


def test_a_glpi_draft_from_its_rest_api(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "map.yaml"
    environment = {"BASCULE_GLPI_USER_TOKEN": USER_TOKEN, "BASCULE_GLPI_APP_TOKEN": APP_TOKEN, "LANG": "en"}
    with served(GlpiReplay()) as url:
        code = main(["map", "import", f"glpi:{url}", "--out", str(out), "--draft"], environment)
    said = capsys.readouterr()
    assert code == 0, said.err
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(draft["assets"]) >= 40 and len(draft["applications"]) >= 10
    assert any(a.get("needs") for a in draft["applications"])  # GLPI's impact relations became needs
    assert USER_TOKEN not in said.out + said.err and APP_TOKEN not in said.out + said.err


def test_glpi_without_its_tokens_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "map.yaml"
    code = main(["map", "import", "glpi:http://127.0.0.1:9/apirest.php", "--out", str(out)], {"LANG": "en"})
    err = capsys.readouterr().err
    assert code == 2 and "BASCULE_GLPI_USER_TOKEN" in err and "Traceback" not in err
    assert not out.exists()


def test_a_netbox_draft_through_pynetbox(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "map.yaml"
    with serving(NetboxReplay(load_recorded())) as replay:
        code = main(
            ["map", "import", f"netbox:{replay.url}", "--out", str(out), "--draft"],
            {"BASCULE_NETBOX_TOKEN": TOKEN, "LANG": "en"},
        )
    said = capsys.readouterr()
    assert code == 0, said.err
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    types = {a.get("kind") for a in draft["assets"]}
    assert {"vm", "cluster", "link"} <= types
    assert draft["segments"] and draft["suppliers"]
    assert TOKEN not in said.out + said.err


def test_a_wrong_netbox_token_is_one_sentence_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "map.yaml"
    with serving(NetboxReplay(load_recorded())) as replay:
        code = main(
            ["map", "import", f"netbox:{replay.url}", "--out", str(out)],
            {"BASCULE_NETBOX_TOKEN": "wrong" * 8, "LANG": "en"},
        )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") <= 2
    assert not out.exists()
