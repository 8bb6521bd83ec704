"""Fixtures for the sealing tests: key sets made through the API, and contract-following stores."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from bascule.snapshot.keys import KeySet, new_key_set

_SUPPORT = Path(__file__).resolve().parents[2] / "unit" / "sealing" / "sealing_stores.py"


def _load_support() -> object:
    if "sealing_stores" not in sys.modules:
        spec = importlib.util.spec_from_file_location("sealing_stores", _SUPPORT)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["sealing_stores"] = module
        spec.loader.exec_module(module)
    return sys.modules["sealing_stores"]


_load_support()


@pytest.fixture(scope="session")
def station_keys(tmp_path_factory: pytest.TempPathFactory) -> KeySet:
    return new_key_set("station", tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="session")
def other_keys(tmp_path_factory: pytest.TempPathFactory) -> KeySet:
    return new_key_set("intruder", tmp_path_factory.mktemp("other-keys"))
