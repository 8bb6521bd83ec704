"""`map check` names the applications no care process needs, directly or through others."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bascule.cli import main
from bascule.hospital.loading import load_map_text
from bascule.resilience import unneeded_applications

MAP = """\
bascule: 1
hospital: {id: h, name: H, lang: en}
assets: [{id: san, kind: storage}]
applications:
  - {id: ehr, needs: [san]}
  - {id: lims, needs: [ehr]}
  - {id: pacs}
  - {id: hr}
  - {id: viewer}
processes:
  - {id: transfusion, priority: 1, needs: [{any: [lims, san]}], optional: [viewer]}
"""


def test_applications_no_process_needs() -> None:
    # ehr through lims, lims in a group, viewer optional: all used; pacs and hr: nobody's.
    assert unneeded_applications(load_map_text(MAP)) == ["pacs", "hr"]


def test_map_check_reports_them_in_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(MAP, encoding="utf-8")
    assert main(["map", "check", str(path), "--json"], environ={}) == 0
    assert json.loads(capsys.readouterr().out)["unneeded_applications"] == ["pacs", "hr"]
    assert main(["map", "check", str(path), "--lang", "fr"], environ={}) == 0
    out = capsys.readouterr().out
    assert "Applications dont aucun processus de soins n'a besoin (2) : à la cellule de décider" in out
    assert "  • pacs (pacs)\n  • hr (hr)" in out
