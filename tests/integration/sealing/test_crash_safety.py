"""`kill -9` at random moments while sealing: the previous bundle stays intact and verifiable, and
no half-written bundle is ever taken as current."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.unit.sealing.sealing_stores import make_store

from bascule.snapshot.folder import SealingFolder
from bascule.snapshot.keys import KeySet, load_public_key
from bascule.snapshot.verify import check_signature

pytestmark = pytest.mark.integration

KILLS = 20


def seal_arguments(store: Path, keys: KeySet, out: Path) -> list[str]:
    return [
        "snapshot",
        "seal",
        "--store",
        str(store),
        "--to",
        str(keys.recipient),
        "--sign",
        str(keys.signing_key),
        "--out",
        str(out),
    ]


def seal_command(store: Path, keys: KeySet, out: Path) -> list[str]:
    return [sys.executable, "-m", "bascule", *seal_arguments(store, keys, out)]


# Imports and keys first, then "ready", then the seal: the parent's random delay lands inside sealing.
_READY_THEN_SEAL = """
import sys
from pathlib import Path
from bascule.snapshot.keys import load_signing_key, parse_recipients
from bascule.snapshot.sealing import SealRequest, seal
store, recipient, key, out = sys.argv[1:]
request = SealRequest(Path(store), tuple(parse_recipients([recipient])), load_signing_key(Path(key)), Path(out))
print("ready", flush=True)
seal(request)
"""


def test_killed_sealing_never_harms_the_last_good_bundle(tmp_path: Path, station_keys: KeySet) -> None:
    store = make_store(tmp_path / "store.sqlite", observations=3000, blob_bytes=8000)  # ~30 MB
    out = tmp_path / "out"
    subprocess.run(seal_command(store, station_keys, out), check=True, capture_output=True)
    folder = SealingFolder(out)
    public = load_public_key(station_keys.public_key)
    first = folder.current()
    assert first is not None
    first_bytes = (out / first.archive).read_bytes()
    rng = random.Random(20261124)
    completed = mid_write = 0
    child_errors = (tmp_path / "child.err").open("wb")
    for _ in range(KILLS):
        before = folder.current()
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _READY_THEN_SEAL,
                str(store),
                str(station_keys.recipient),
                str(station_keys.signing_key),
                str(out),
            ],
            stdout=subprocess.PIPE,
            stderr=child_errors,
        )
        assert process.stdout is not None
        ready = process.stdout.readline()
        assert ready == b"ready\n", (tmp_path / "child.err").read_text()
        time.sleep(rng.uniform(0.0, 0.6))
        os.kill(process.pid, signal.SIGKILL)
        completed += process.wait() == 0
        process.stdout.close()
        mid_write += bool(list(out.glob(".tmp-*")) or folder.incomplete())
        current = folder.current()
        assert current is not None and before is not None and current.sequence >= before.sequence
        named = (out / "current").read_text().strip()
        assert named == current.archive  # the pointer always names a complete bundle
        for name in folder.bundles():  # every complete bundle verifies
            check_signature(out / name.archive, public)
        assert (out / first.archive).read_bytes() == first_bytes
    child_errors.close()
    assert mid_write > 0, "some kills landed while a bundle was being written"
    print(f"{KILLS} kills: {completed} seals finished first, {mid_write} killed mid-write")
    subprocess.run(seal_command(store, station_keys, out), check=True, capture_output=True)
    assert not list(out.glob(".tmp-*")), "crash leftovers are swept by the next seal"
    assert all(name.signature for name in folder.bundles())
