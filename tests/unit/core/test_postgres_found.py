"""The tests' PostgreSQL is found where the machine has it: on PATH, or where pg_config says (any
version, any distribution), not in one fixed Debian folder."""

from __future__ import annotations

from pathlib import Path

from bascule.crisis.testing import postgres_bin


def tool(folder: Path, name: str, body: str = "exit 0") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)


def test_initdb_on_path_is_used(tmp_path: Path) -> None:
    server = tmp_path / "pgsql-17" / "bin"
    tool(server, "initdb")
    tool(server, "pg_ctl")
    assert postgres_bin(f"{tmp_path / 'empty'}:{server}") == server


def test_pg_config_names_the_folder_when_initdb_is_off_path(tmp_path: Path) -> None:
    server = tmp_path / "usr" / "lib" / "postgresql" / "16" / "bin"
    tool(server, "initdb")
    tool(server, "pg_ctl")
    client = tmp_path / "usr" / "bin"
    tool(client, "pg_config", f'[ "$1" = --bindir ] && echo {server}')
    assert postgres_bin(str(client)) == server


def test_half_an_installation_is_not_taken_for_a_server(tmp_path: Path) -> None:
    client = tmp_path / "bin"
    tool(client, "initdb")  # no pg_ctl beside it
    tool(client, "pg_config", f"echo {tmp_path / 'nowhere'}")
    assert postgres_bin(str(client)) is None
    assert postgres_bin(str(tmp_path / "empty")) is None
