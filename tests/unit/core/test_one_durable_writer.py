"""Every file Bascule writes goes through `bascule.durable` (short writes, fsync, mode 0600 for
patient data): this test fails when a module writes a file another way. The few exceptions are
listed with why; an exception that no longer occurs must be struck from the list."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "src" / "bascule"

# module (relative to src/bascule) -> (how many direct writes, why it may)
ALLOWED = {
    "durable.py": (
        4,
        "the helper itself (its temp file, the folder fsync, an empty private store, a lock file)",
    ),
    "scratch.py": (2, "empty lock files marking a private scratch folder in use"),
    "snapshot/folder.py": (1, "an empty lock file in the sealer's private state, held with flock"),
    "chained_log.py": (
        1,
        "append-only access log, 0600, flock, one O_APPEND write and fsync per line; a torn tail cut off",
    ),
    "notify/gateways/file.py": (
        2,
        "append-only message log, 0600, one O_APPEND write and fsync per line; a torn tail cut off",
    ),
}

_WRITE_METHODS = {"write_text", "write_bytes"}
_RAW_OPENERS = {("os", "open"), ("os", "fdopen"), ("tempfile", "mkstemp"), ("tempfile", "NamedTemporaryFile")}


def _mode(call: ast.Call, position: int) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return str(call.args[position].value)  # type: ignore[attr-defined]
    return None


def _writes_a_file(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr in _WRITE_METHODS:
            return True
        if isinstance(func.value, ast.Name) and (func.value.id, func.attr) in _RAW_OPENERS:
            return True
        if func.attr == "open":  # Path.open(mode)
            mode = _mode(call, 0)
            return mode is not None and any(flag in mode for flag in "wax+")
    if isinstance(func, ast.Name) and func.id == "open":
        mode = _mode(call, 1)
        return mode is not None and any(flag in mode for flag in "wax+")
    return False


def direct_writes() -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for module in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"), str(module))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _writes_a_file(node):
                found.setdefault(module.relative_to(PACKAGE).as_posix(), []).append(node.lineno)
    return found


def test_files_are_written_only_through_the_durable_helper() -> None:
    found = direct_writes()
    unexpected = {module: lines for module, lines in found.items() if module not in ALLOWED}
    assert unexpected == {}, "write these through bascule.durable (write_atomically, durable_temp)"
    assert {module: len(lines) for module, lines in found.items()} == {
        module: count for module, (count, _why) in ALLOWED.items()
    }


def test_the_scan_sees_each_way_of_writing_a_file() -> None:
    samples = [
        'open(path, "w")',
        'open(path, mode="ab")',
        'path.open("w", encoding="utf-8")',
        "path.write_text(text)",
        "path.write_bytes(data)",
        "os.open(path, os.O_CREAT)",
        "tempfile.mkstemp()",
    ]
    readers = ['open(path, "rb")', "path.open()", "path.read_text()", "open(path)"]
    for sample in samples:
        assert _writes_a_file(ast.parse(sample).body[0].value), sample  # type: ignore[attr-defined]
    for sample in readers:
        assert not _writes_a_file(ast.parse(sample).body[0].value), sample  # type: ignore[attr-defined]
