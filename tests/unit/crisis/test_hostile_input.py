"""An attacker, or a tired user, posts anything to any form: the answer is a page or one sentence
(400), never a server error, and a refused post changes nothing stored. Every POST endpoint of the
URLconf is walked, so a form added later is covered without anyone remembering to."""

from __future__ import annotations

import hashlib
import html
import io
import json
from typing import Any

from django.test import Client, TestCase, override_settings
from django.urls import reverse
from test_access import IncidentWorld, named_patterns

from bascule.crisis.models import Account, CellAction, Incident, JournalRecord, SituationReport
from bascule.crisis.roles import PERMISSIONS, Action, Role
from bascule.crisis.testing import SAMPLE_MAP

# Every field name a form of the application reads.
FIELDS = [
    "username",
    "password",
    "lang",
    "next",
    "title",
    "demo",
    "kind",
    "target",
    "confirmed",
    "text",
    "node",
    "state",
    "team",
    "owner_user",
    "owner_role",
    "due_at",
    "status",
    "day",
    "unit",
    "decision",
    "activity",
    "back",
    "value",
    "role",
    "segment",
    "hours",
    "at",
    "downtime_id",
    "patient",
    "code",
    "step",
    "place",
    "reason",
    "sample",
    "flag",
    "channel",
    "read_back",
]

HOSTILE = [
    "",
    " ",
    "x" * 100_000,
    "\x00",
    "\x00" * 10,
    "é" * 5000,
    "../../../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil")',
    "-1",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "0001-01-01T00:00",
    "0001-01-01 00:00",
    "9999-12-31T23:59",
    "10000-01-01T00:00",
    "2024-13-45T99:99",
    "2024-02-30T10:00",
    "xx",
    "decision",
    "segment",
    "node",
    "done",
    "started",
    "fr",
]

REPORT = {
    "title": "Test",
    "made_at": "now",
    "summary_text": "s",
    "sections": {},
    "down_lines": [],
    "change_lines": [],
    "decision_lines": [],
    "action_lines": [],
    "eta_lines": [],
}

# A good post to each endpoint: the walk makes each of its fields hostile in turn.
GOOD_POSTS: dict[str, dict[str, str]] = {
    "login": {"username": "u-director", "password": "not-the-password"},
    "logout": {},
    "language": {"lang": "en", "next": "/"},
    "change_password": {
        "current": "x",
        "new": "Un-mot-de-passe-solide-3",
        "again": "Un-mot-de-passe-solide-3",
    },
    "add_user": {"username": "newcomer", "role": "observer", "password": "Un-mot-de-passe-solide-1"},
    "disable_user": {"username": "u-observer"},
    "enable_user": {"username": "u-observer"},
    "reset_password": {"username": "u-observer", "password": "Un-mot-de-passe-solide-2"},
    "unlock": {"kind": "username", "value": "u-observer"},
    "open_incident": {"title": "Exercice", "demo": "1"},
    "declare": {"kind": "node", "target": "dc01"},
    "lift": {},
    "add_note": {"kind": "note", "text": "Appel du laboratoire"},
    "replan": {},
    "mark_task": {"node": "san", "state": "started", "team": "infra"},
    "return_time": {"target": "supplier:pathlab", "hours": "12", "at": "2030-01-01T10:00"},
    "add_action": {
        "title": "Appeler",
        "owner_role": "it",
        "owner_user": "u-it",
        "due_at": "2030-01-01T10:00",
    },
    "action_status": {"status": "done"},
    "make_sitrep": {"lang": "fr"},
    "triage_approve": {"day": "2030-01-01", "unit": "u1", "kind": "surgery", "decision": "postpone"},
    "triage_exception": {"activity": "a1", "back": "?day=2030-01-01"},
    "reconcile_decide": {"downtime_id": "CHVO-URG1-00001-B", "patient": "p1", "decision": "patient"},
    "paper_forms": {"kind": "note", "downtime_id": "CHVO-URG1-00001-B", "text": "x"},
    "start_procedure": {"process": "transfusion"},
    "start_exercise": {"script": "containment", "speed": "10"},
    "exercise_release": {"inject": "lan"},
    "exercise_clock": {"move": "pause"},
    "exercise_mark": {"decision": "isolate", "met": "1"},
    "exercise_improve": {"text": "Fiche réflexe presse", "owner_role": "communications"},
    "lab_bench": {"code": "S000001-4", "step": "received", "place": "labo"},
    "lab_result": {
        "sample": "S000001-4",
        "value": "4.1",
        "unit": "mmol/L",
        "flag": "normal",
        "channel": "lab",
    },
    "lab_confirm": {"sample": "S000001-4"},
    "publish_lab_menu": {},
}

# Safe to repeat many times but slow (it re-plans): one hostile post is enough.
SLOW = {"replan"}


def nested_json(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


def _laughs() -> bytes:
    """A YAML "billion laughs": each alias list repeats the previous one nine times."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


LAUGHS = _laughs()


HOSTILE_MAPS: list[tuple[str, bytes]] = [
    ("deep.json", b'{"bascule": 1, "hospital": ' + nested_json(200_000) + b"}"),
    ("deep-list.json", nested_json(200_000)),
    ("deep.yaml", b"bascule: 1\nhospital: " + nested_json(50_000)),
    ("deep-map.yaml", b"a: " + b"{b: " * 20_000 + b"1" + b"}" * 20_000),
    ("laughs.yaml", LAUGHS),
    ("latin1.yaml", "bascule: 1\nhospital: {id: é, name: hôpital}\n".encode("latin-1")),
    ("empty.yaml", b""),
    ("nul.yaml", b"bascule: 1\x00\nhospital: {id: h, name: h}\n"),
    ("binary.yaml", bytes(range(256)) * 10),
    ("list.yaml", b"- 1\n- 2\n"),
    ("scalar.json", b"42"),
    ("huge-number.json", b'{"bascule": 1e999999}'),
    ("tags.yaml", b"!!python/object/apply:os.system ['true']\n"),
]


# The walk is about answers, not password hashing: a fast hasher keeps it short.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class HostileInputTest(IncidentWorld, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.make_world(REPORT)

    def client_for(self, action: Any) -> Client:
        client = Client(raise_request_exception=False)
        roles = sorted(PERMISSIONS[action]) if action is not None else [Role.DIRECTOR]
        client.force_login(self.accounts[Role(roles[0])])
        return client

    def test_no_post_endpoint_answers_a_server_error(self) -> None:
        """Each field of a good post made hostile in turn, then every field at once."""
        walked, errors = 0, []
        for name, pattern, arguments in named_patterns():
            action = getattr(pattern.callback, "crisis_action", None)
            if action is None and name not in {"login", "logout", "language", "change_password"}:
                continue
            assert name in GOOD_POSTS, f"POST endpoint {name!r}: add a good post for it to GOOD_POSTS"
            url = self.url(name, arguments)
            good = GOOD_POSTS[name]
            variants = [dict.fromkeys(FIELDS, value) for value in HOSTILE]
            variants += [{**good, field: value} for field in good for value in HOSTILE]
            variants += [{field: [value, "x", value] for field in FIELDS} for value in HOSTILE]
            client = self.client_for(action)
            for data in variants[:2] if name in SLOW else variants:
                if name in {"login", "logout"}:
                    client = (
                        Client(raise_request_exception=False) if name == "login" else self.client_for(action)
                    )
                response = client.post(url, data)
                if response.status_code >= 500:
                    errors.append((name, {k: str(v)[:30] for k, v in data.items() if k in good}))
                walked += 1
        assert errors == [], (sorted({e[0] for e in errors}), errors[:3])
        assert walked > 1000

    def test_get_pages_with_hostile_query_strings_answer_no_server_error(self) -> None:
        client, errors = self.client_for(None), []
        for name, pattern, arguments in named_patterns():
            if hasattr(pattern.callback, "crisis_action") or name in {"logout", "language", "login"}:
                continue
            url = self.url(name, arguments)
            for value in HOSTILE:
                params = {field: value for field in ("q", "segment", "day", "unit", "kind", "live", "since")}
                response = client.get(url, params)
                if response.status_code >= 500:
                    errors.append((name, value[:40]))
        assert errors == [], (sorted({e[0] for e in errors}), errors[:3])

    def test_hostile_map_uploads_are_one_sentence_and_store_nothing(self) -> None:
        client = self.client_for(Action.OPEN_INCIDENT)
        before = (Incident.objects.count(), JournalRecord.objects.count())
        errors = []
        for filename, content in HOSTILE_MAPS:
            upload = io.BytesIO(content)
            upload.name = filename
            response = client.post(reverse("crisis:open_incident"), {"title": "x", "map_file": upload})
            if response.status_code != 400 or "Traceback" in response.content.decode():
                errors.append((filename, response.status_code))
        assert errors == [], (sorted({e[0] for e in errors}), errors[:3])
        assert (Incident.objects.count(), JournalRecord.objects.count()) == before


class ValidationSentencesTest(TestCase):
    """The refusals a user meets most, each one sentence in the reader's language."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.director = Account.objects.create(username="director1", role=Role.DIRECTOR)
        cls.incident = Incident.objects.create(
            title="Test",
            map_source="test.yaml",
            map_text=SAMPLE_MAP,
            map_sha256=hashlib.sha256(SAMPLE_MAP.encode()).hexdigest(),
            opened_by=cls.director,
        )

    def setUp(self) -> None:
        self.client.force_login(self.director)

    def refused(self, name: str, data: dict[str, Any]) -> str:
        before = (CellAction.objects.count(), SituationReport.objects.count(), JournalRecord.objects.count())
        response = self.client.post(reverse(f"crisis:{name}", args=[self.incident.pk]), data)
        assert response.status_code == 400, response.status_code
        after = (CellAction.objects.count(), SituationReport.objects.count(), JournalRecord.objects.count())
        assert after == before
        return html.unescape(response.content.decode())

    def test_due_dates_out_of_range_or_unreadable(self) -> None:
        for due in ("0001-01-01T00:00", "0001-01-01 00:00", "9999-12-31T23:59"):
            page = self.refused("add_action", {"title": "Appeler", "owner_role": "it", "due_at": due})
            assert "Échéance hors limites" in page, due
        for due in ("2024-13-45T99:99", "demain", "x" * 5000):
            page = self.refused("add_action", {"title": "Appeler", "owner_role": "it", "due_at": due})
            assert "Échéance illisible" in page, due

    def test_a_sitrep_in_an_unknown_language(self) -> None:
        page = self.refused("make_sitrep", {"lang": "xx"})
        assert "Langue inconnue" in page

    def test_over_long_fields(self) -> None:
        page = self.refused("add_action", {"title": "x" * 301, "owner_role": "it"})
        assert "300 caractères" in page
        page = self.refused("add_note", {"kind": "note", "text": "x" * 4001})
        assert "4000 caractères" in page

    def test_a_triage_approval_for_nothing_is_one_sentence(self) -> None:
        page = self.refused(
            "triage_approve", {"day": "2030-01-01", "unit": "x", "kind": "y", "decision": "z"}
        )
        assert "Requête illisible" in page

    def test_too_many_fields_and_unknown_pages_are_one_french_sentence(self) -> None:
        url = reverse("crisis:add_note", args=[self.incident.pk])
        response = self.client.post(url, {f"f{n}": "x" for n in range(1500)})
        assert response.status_code == 400
        assert "Requête illisible" in html.unescape(response.content.decode())
        response = self.client.get(reverse("crisis:board", args=[self.incident.pk + 1000]))
        assert response.status_code == 404
        assert "Cette page n'existe pas" in html.unescape(response.content.decode())

    def test_json_impact_stays_json(self) -> None:
        response = self.client.get(reverse("crisis:impact_json", args=[self.incident.pk]))
        assert json.loads(response.content)["summary"]
