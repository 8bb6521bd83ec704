"""`bascule station ...` builds only the station's command group: the viewer starts in a hurry (its
first page within 2 s, bench/station_viewer.py) and the other command modules cost it most of a
second of imports. The whole command line stays whole, and the group has each command once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bascule.cli import main

SRC = Path(__file__).resolve().parents[3] / "src"


def test_a_station_command_imports_no_other_command_module() -> None:
    """Nor numpy (the impact engine's, brought by the scenario options)."""
    probe = (
        "import sys\n"
        "from bascule.cli import main\n"
        "code = main(['station', 'serve', '--help'])\n"
        "others = sorted(m for m in sys.modules if m.startswith('bascule.cli.') and m.split('.')[2] in\n"
        "    ('synth', 'kits', 'serve', 'plan', 'impact', 'map', 'notify', 'triage', 'demo'))\n"
        "print(code, others, 'numpy' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC)},
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "0 [] False"


def test_the_whole_command_line_after_the_station_group(capsys: pytest.CaptureFixture[str]) -> None:
    from bascule.cli.station import station_app

    assert main(["station", "--help"]) == 0
    assert main(["--help"]) == 0
    assert main(["station", "--help"]) == 0
    shown = capsys.readouterr().out
    assert "synth" in shown and "kits" in shown and "serve" in shown
    names = [command.name for command in station_app.registered_commands]
    assert sorted(names) == sorted(set(names)) and "serve" in names


def test_every_module_adding_station_commands_is_in_the_station_group() -> None:
    """`bascule station ...` builds only its group: a module that adds station commands and is left
    out of the group would have its commands vanish from the station's command line."""
    from pathlib import Path

    import bascule.cli as cli

    folder = Path(cli.__file__).parent
    adding = {
        path.stem
        for path in folder.glob("*.py")
        if "from bascule.cli.station import station_app" in path.read_text(encoding="utf-8")
    }
    assert adding <= set(cli._GROUP_MODULES["station"])
