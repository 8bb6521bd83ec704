"""The command line is built once per process: `main` called many times (as the tests and a long
session do) never adds a capability's commands twice, so no call costs more than the one before."""

from __future__ import annotations

import pytest

from bascule.cli import main
from bascule.cli.journal import journal_app
from bascule.cli.users import users_app


def test_calling_main_again_adds_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(3):
        assert main(["users", "--help"]) == 0
        assert main(["journal", "--help"]) == 0
    capsys.readouterr()
    for sub_app in (users_app, journal_app):
        names = [command.name for command in sub_app.registered_commands]
        assert len(names) == len(set(names)) > 0
