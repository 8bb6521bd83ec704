"""When an incoming record replaces the stored one (bascule.snapshot.versions), as a table.

Versions: a time ("T1", "T2": the source's meta.lastUpdated or MSH-7), a dated content hash
("T1#": no lastUpdated, content as of a bulk export's transactionTime or a pull's start), an
undated content hash ("#": no time at all). Content "A"/"B": what Bascule keeps of the record.
"""

from __future__ import annotations

import pytest

from bascule.clinical.records import Patient
from bascule.snapshot.rows import MAPPINGS
from bascule.snapshot.store import ContinuityStore
from bascule.snapshot.versions import content_version, is_time_version, supersedes, version_time

TIMES = {"T1": "2024-03-10T08:00:00.000000Z", "T2": "2024-03-11T08:00:00.000000Z"}


def patient(version: str, content: str) -> Patient:
    """A patient whose kept content is `content`, versioned as the table's shorthand says."""
    draft = Patient(id="p1", version="draft", family=content)
    if version == "#":
        stamp = content_version(MAPPINGS[Patient].content(draft))
    elif version.endswith("#"):
        stamp = content_version(MAPPINGS[Patient].content(draft), TIMES[version[:-1]])
    else:
        stamp = TIMES[version]
    return Patient(id="p1", version=stamp, family=content)


CASES = [
    # stored      incoming     replaces  why
    (("T1", "A"), ("T2", "B"), True),   # newer time, new content
    (("T2", "A"), ("T1", "B"), False),  # an older time never overwrites a newer one
    (("T1", "A"), ("T1", "A"), False),  # the same record again: the row is not rewritten
    (("T1", "A"), ("T1", "B"), True),   # same time, other content: the latest word wins
    (("T1", "A"), ("T2", "A"), True),   # newer time, same content: only the version moves
    (("T1", "A"), ("#", "B"), False),   # no time at all never overwrites a dated record
    (("#", "A"), ("#", "B"), True),     # different content, no times on either side: replaced
    (("#", "A"), ("#", "A"), False),    # the same time-less export twice: nothing written
    (("#", "A"), ("T1", "A"), True),    # a time-less record gains the source's time
    (("T2#", "A"), ("T1", "B"), False), # an export taken at T2 already holds what changed at T1
    (("T1#", "A"), ("T2", "B"), True),  # changed after the export was taken
    (("T1", "A"), ("T2#", "B"), True),  # an export taken after the record's last update
    (("T2", "A"), ("T1#", "B"), False), # an export taken before it
    (("T1#", "A"), ("T2#", "A"), False),# a later export, same content: the row is not rewritten
    (("T1#", "A"), ("T2#", "B"), True), # a later export, new content
    (("T2#", "A"), ("#", "B"), False),  # undated content never overwrites a dated one
]  # fmt: skip


@pytest.mark.parametrize(("stored", "incoming", "replaces"), CASES)
def test_the_rule(stored: tuple[str, str], incoming: tuple[str, str], replaces: bool) -> None:
    old, new = patient(*stored), patient(*incoming)
    content = MAPPINGS[Patient].content
    assert supersedes(new.version, content(new), old.version, content(old)) is replaces


@pytest.mark.parametrize(("stored", "incoming", "replaces"), CASES)
def test_the_store_applies_the_rule(
    tmp_path: object, stored: tuple[str, str], incoming: tuple[str, str], replaces: bool
) -> None:
    old, new = patient(*stored), patient(*incoming)
    with ContinuityStore.open(f"{tmp_path}/s.sqlite") as store:
        store.write([old])
        result = store.write([new])
        assert (result.total_written, result.skipped_older) == ((1, 0) if replaces else (0, 1))
        assert store.get(Patient, "p1") == (new if replaces else old)


@pytest.mark.parametrize(
    ("version", "time", "is_time"),
    [
        ("2024-03-10T08:00:00.000000Z", "2024-03-10T08:00:00.000000Z", True),
        (
            "2024-03-10T08:00:00.000000Z#0123456789abcdef0123456789abcdef",
            "2024-03-10T08:00:00.000000Z",
            False,
        ),
        ("#0123456789abcdef0123456789abcdef", None, False),
    ],
)
def test_version_kinds(version: str, time: str | None, is_time: bool) -> None:
    assert (version_time(version), is_time_version(version)) == (time, is_time)


def test_a_content_version_is_the_hash_of_the_content_only() -> None:
    assert patient("#", "A").version == patient("#", "A").version != patient("#", "B").version
    assert patient("T1#", "A").version.endswith(patient("#", "A").version)
