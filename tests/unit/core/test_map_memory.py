"""Loading maps in a long-running process pins nothing for good; the one-shot CLI may freeze."""

from __future__ import annotations

import gc
import subprocess
import sys

from bascule.hospital.loading import demo_map_path, load_map


def test_loading_maps_in_a_library_freezes_nothing() -> None:
    frozen = gc.get_freeze_count()
    for _ in range(3):
        hospital = load_map(demo_map_path())
        assert hospital.graph is not None
    assert gc.get_freeze_count() == frozen


def test_the_crisis_server_turns_freezing_off_even_after_the_cli_turned_it_on() -> None:
    probe = """
import gc, pathlib, tempfile
from bascule.hospital import memory
from bascule.hospital.loading import demo_map_path, load_map
memory.freeze_after_building(True)   # what `bascule` does at its entry point
load_map(demo_map_path())
assert gc.get_freeze_count() > 0, "the one-shot CLI freezes"
gc.unfreeze()
from bascule.crisis import runtime
runtime.configure(pathlib.Path(tempfile.mkdtemp()), migrate=False)   # what `bascule serve` does
for _ in range(3):
    load_map(demo_map_path()).graph
print(gc.get_freeze_count())
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "0"
