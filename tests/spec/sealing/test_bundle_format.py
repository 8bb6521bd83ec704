"""The bundle's names and signed facts, as a station reads them (minisign -V prints the comment)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bascule.errors import UserError
from bascule.snapshot.bundle import BundleName
from bascule.snapshot.manifest import Seal


@pytest.mark.parametrize(
    ("file_name", "sequence", "data_time"),
    [
        ("bascule-00000001-20261124T003000Z.tar.age", 1, datetime(2026, 11, 24, 0, 30, tzinfo=UTC)),
        ("bascule-00123456-20270101T235959Z.tar.age", 123456, datetime(2027, 1, 1, 23, 59, 59, tzinfo=UTC)),
        ("bascule-123456789-20270101T000000Z.tar.age", 123456789, datetime(2027, 1, 1, tzinfo=UTC)),
    ],
)
def test_bundle_names(file_name: str, sequence: int, data_time: datetime) -> None:
    name = BundleName.parse(file_name)
    assert name is not None and (name.sequence, name.data_time) == (sequence, data_time)
    assert name.archive == file_name
    assert name.signature == file_name + ".minisig"
    assert name.breakglass == file_name.replace(".tar.age", ".breakglass.age")


@pytest.mark.parametrize(
    "file_name",
    [
        "bascule-1-20261124T003000Z.tar.age",
        "bascule-00000001-20261124T003000Z.tar.age.minisig",
        ".tmp-ab12-bascule-00000001-20261124T003000Z.tar.age",
        "current",
        "bascule-00000001-2026-11-24.tar.age",
    ],
)
def test_what_is_not_a_bundle(file_name: str) -> None:
    assert BundleName.parse(file_name) is None


def test_trusted_comment() -> None:
    seal = Seal("chsv", 42, datetime(2026, 11, 24, 1, 0, tzinfo=UTC), "ab" * 32)
    comment = seal.to_comment()
    assert comment == (
        "bascule-snapshot\tformat:1\thospital:chsv\tsequence:42\t"
        "data_time:2026-11-24T01:00:00Z\tsha256:" + "ab" * 32 + "\tstate:good"
    )
    assert Seal.from_comment(comment, "x") == seal
    quarantined = Seal("chsv", 43, seal.data_time, "cd" * 32, quarantined=True)
    assert quarantined.to_comment().endswith("\tstate:quarantined")


def test_a_comment_that_is_not_bascules() -> None:
    with pytest.raises(UserError, match="not as a Bascule snapshot"):
        Seal.from_comment("timestamp:1795482174\tfile:g\thashed", "g.minisig")
