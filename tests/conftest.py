"""Shared test set-up: the repository root is importable so tests can use bench's reference code."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Key fixtures and store builders shared by the sealing tests of every kind (one copy).
pytest_plugins = ("tests.unit.sealing.sealing_stores",)
