"""The journal in the database and its anchors: an entry appended inside a caller's transaction is
checkpointed only once that transaction commits, never when it rolls back; a situation report
prints the checkpoint it made; the journal page says when the key or a checkpoint is gone."""

from __future__ import annotations

import html
import io
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import transaction
from django.test import TestCase
from django.urls import reverse

from bascule.crisis import journal_store
from bascule.crisis.models import Account, JournalRecord, SituationReport
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP
from bascule.journal_anchor import read_checkpoints, trusted_public_key


def checkpoint_counts() -> list[int]:
    data = Path(settings.DATA_DIR)
    state = journal_store.anchoring()
    readings = read_checkpoints(data, [], trusted_public_key(data), state.writer.journal)
    return [r.checkpoint.count for r in readings if r.checkpoint is not None]


class AfterCommitTest(TestCase):
    def test_a_checkpoint_waits_for_the_callers_commit(self) -> None:
        with mock.patch.object(journal_store, "_when_committed", transaction.on_commit):
            with self.captureOnCommitCallbacks() as callbacks, transaction.atomic():
                journal_store.append("user.added", "cli", None, {"user": "it1", "role": "it"})
                assert checkpoint_counts() == []  # not committed yet: no checkpoint counts it
            assert len(callbacks) == 1
            callbacks[0]()
        assert checkpoint_counts() == [1]

    def test_a_rolled_back_entry_is_never_checkpointed(self) -> None:
        class Refused(Exception):
            pass

        with (
            mock.patch.object(journal_store, "_when_committed", transaction.on_commit),
            self.captureOnCommitCallbacks() as callbacks,
        ):
            try:
                with transaction.atomic():
                    journal_store.append("user.added", "cli", None, {"user": "it1", "role": "it"})
                    raise Refused
            except Refused:
                pass
        assert callbacks == [] and JournalRecord.objects.count() == 0 and checkpoint_counts() == []


class PagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.director = Account.objects.create(username="director1", role=Role.DIRECTOR)

    def open_incident(self) -> int:
        self.client.force_login(self.director)
        upload = io.BytesIO(SAMPLE_MAP.encode())
        upload.name = "chtest.yaml"
        self.client.post(reverse("crisis:open_incident"), {"title": "Rançongiciel", "map_file": upload})
        return int(JournalRecord.objects.get(name="incident.opened").incident_id_ref or 0)

    def test_a_situation_report_prints_its_signed_checkpoint(self) -> None:
        incident = self.open_incident()
        made = self.client.post(reverse("crisis:make_sitrep", args=[incident]), {"lang": "en"})
        report = SituationReport.objects.get()
        opened = JournalRecord.objects.get(name="incident.opened")
        assert report.content["journal_checkpoint"]["count"] == opened.seq
        assert report.content["journal_checkpoint"]["head"] == opened.hash[:12]
        page = self.client.get(made["Location"]).content.decode()
        assert f"Signed journal checkpoint: {opened.seq} entries, seal {opened.hash[:12]}" in page
        assert checkpoint_counts() == [JournalRecord.objects.count()]  # up to "sitrep.made"

    def test_the_journal_page_says_when_a_checkpoint_is_gone(self) -> None:
        incident = self.open_incident()
        url = reverse("crisis:journal", args=[incident])
        assert "CHAÎNE ROMPUE" not in self.client.get(url).content.decode()
        for checkpoint in Path(settings.DATA_DIR).glob("journal-*.checkpoint"):
            checkpoint.unlink()
        page = html.unescape(self.client.get(url).content.decode())
        assert (
            "CHAÎNE ROMPUE" in page and "a disparu alors que la main courante a" in page
        )  # French on a French page


class LegacyJournalTest(TestCase):
    def test_a_journal_written_before_keys_is_adopted_and_stays_intact(self) -> None:
        from django.utils import timezone

        from bascule.journal import GENESIS_HASH, JournalEntry, seal
        from bascule.journal_anchor import key_path

        key_path(Path(settings.DATA_DIR)).unlink(missing_ok=True)
        previous = GENESIS_HASH
        for seq in (1, 2):
            entry = JournalEntry(
                seq, "user.added", timezone.now(), "cli", None, {"user": f"u{seq}", "role": "it"}
            )
            stored = seal(previous, entry)  # the plain SHA-256 chain of earlier versions
            JournalRecord.objects.create(
                seq=seq,
                name=entry.name,
                created=entry.created,
                actor="cli",
                payload=dict(entry.payload),
                previous_hash=previous,
                hash=stored.hash,
            )
            previous = stored.hash
        journal_store.append("login", "director1", None, {"role": "director"})
        assert list(JournalRecord.objects.values_list("name", flat=True)) == [
            "user.added",
            "user.added",
            "journal.keyed",
            "login",
        ]
        assert journal_store.audit_journal().intact
        JournalRecord.objects.filter(seq=1).update(actor="intruder")
        assert journal_store.verify_chain() is not None
