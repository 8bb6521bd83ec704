"""Every page of the crisis application read in French, as a French crisis cell reads it, for the
demo incident in full swing (ransomware declared, a plan, a report, actions, notes, a refusal): the
text a reader sees holds no English word of the app's own (ids and names of the map are data)."""

from __future__ import annotations

import html
import re
from datetime import UTC
from html.parser import HTMLParser

from django.test import TestCase
from django.urls import reverse

from bascule.crisis.models import Account, SituationReport
from bascule.crisis.repository import STORE
from bascule.crisis.roles import Role
from bascule.crisis.testing import SAMPLE_MAP
from bascule.hospital.loading import demo_map_path, load_map
from bascule.incident import cell, restoration, sitrep
from bascule.incident import hits as hit_cases
from bascule.scenario import load_scenario

# Words of the app's English catalogue that must never reach a French page. Case-sensitive: the
# status words are capitals on the board; role names and buttons as the English pages write them.
ENGLISH = [
    "director",
    "observer",
    "communications",
    "admin",
    "Director",
    "Sign",
    "Refresh",
    "Re-plan",
    "Save",
    "Cancel",
    "Search",
    "Declare",
    "Lift",
    "Log out",
    "Password",
    "Language",
    "Accounts",
    "Activity",
    "Situation report",
    "Estimated",
    "Team",
    "Task",
    "Status",
    "Owner",
    "Due",
    "Priority",
    "Supplier",
    "because",
    "What to do",
    "Divert",
    "Call",
    "hours",
    "ago",
    "Data as of",
    "last change",
    "DOWN",
    "UP",
    "DEGRADED",
    "OVERDUE",
    "DONE",
    "OPEN",
    "PLANNED",
    "IN PROGRESS",
    "AVAILABLE",
    "None",
    "Nothing",
    "server",
    "storage",
    "workstations",
    "network",
    "link",
    "Gantt chart",
    "Journal when",
    "Signed",
    "journal",
    "the",
    "and",
    "with",
    "not",
]
PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![\w-])")


class ReadText(HTMLParser):
    """What a reader sees: text outside scripts and styles, and the words of placeholders, titles,
    labels and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        seen = dict(attrs)
        for name in ("placeholder", "title", "aria-label", "alt"):
            if seen.get(name):
                self.parts.append(str(seen[name]))
        if tag == "input" and seen.get("type") in ("submit", "button") and seen.get("value"):
            self.parts.append(str(seen["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def english_in(page: str, hospital_words: set[str]) -> list[str]:
    reader = ReadText()
    reader.feed(page)
    found = []
    for part in reader.parts:
        for match in PATTERN.finditer(part):
            # Ids and names of the demo map are the hospital's data (French names, English-ish ids).
            word_around = re.findall(r"[\w.-]+", part[max(0, match.start() - 40) : match.end() + 40])
            if not any(match.group(1) in w and w in hospital_words for w in word_around):
                found.append(f"{match.group(1)!r} in {part.strip()[:120]!r}")
    return found


class DemoIncidentCase(TestCase):
    """The demo incident in full swing, read by each role."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.accounts = {
            role: Account.objects.create(username=f"u{n}", role=role) for n, role in enumerate(Role)
        }
        demo = demo_map_path().read_text(encoding="utf-8")
        hospital = load_map("demo")
        scenario = load_scenario("ransomware", hospital)
        director = cls.accounts[Role.DIRECTOR].username
        incident = hit_cases.open_incident(STORE, director, "Rançongiciel", "demo", demo, scenario)
        cls.incident_id = incident.id
        restoration.replan(STORE, incident.id, director, restoration.Planning(time_limit=0.5))
        cell.record_note(STORE, incident.id, director, "decision", "Plan blanc déclenché")
        cell.add_action(STORE, incident.id, director, "Appeler l'ARS", "", "director", None, tuple(Role))
        sitrep.make_sitrep(STORE, incident.id, director, "fr", UTC)
        # A change after the plan and the report: the warnings are read too.
        hit_cases.declare_hit(STORE, incident.id, director, "supplier", hospital.suppliers[0].id)
        cls.hospital_words = {n.id for n in hospital.nodes.values()} | {
            s.id for s in (*hospital.segments, *hospital.suppliers, *hospital.teams, *hospital.facilities)
        }

    def pages(self) -> list[str]:
        incident = self.incident_id
        report = SituationReport.objects.get().pk
        names = [
            "board",
            "infrastructure",
            "suppliers",
            "diagram",
            "hits",
            "journal",
            "restoration",
            "actions",
            "sitreps",
            "triage",
            "laboratory",
        ]
        urls = [reverse(f"crisis:{name}", args=[incident]) for name in names]
        urls += [
            reverse("crisis:home"),
            reverse("crisis:sitrep", args=[incident, report]),
            reverse("crisis:search", args=[incident]) + "?q=serveur",
            reverse("crisis:whatif", args=[incident]) + "?segment=" + load_map("demo").segments[0].id,
        ]
        urls += [url + ("&" if "?" in url else "?") + "live=1" for url in urls]
        return urls

    def read(
        self, url: str, status: int = 200, method: str = "get", data: dict[str, str] | None = None
    ) -> str:
        response = getattr(self.client, method)(url, data or {})
        assert response.status_code == status, (url, response.status_code)
        return response.content.decode()

    def assert_french(self, url: str, page: str) -> None:
        found = english_in(page, self.hospital_words)
        assert not found, f"{url}: " + "; ".join(found[:12])


class FrenchPagesTest(DemoIncidentCase):
    def test_every_page_of_an_incident_is_french_for_every_role(self) -> None:
        for role in (Role.DIRECTOR, Role.IT, Role.OBSERVER):
            self.client.force_login(self.accounts[role])
            for url in self.pages():
                self.assert_french(f"{role.value} {url}", self.read(url))

    def test_the_accounts_page_the_sign_in_page_and_refusals_are_french(self) -> None:
        self.client.force_login(self.accounts[Role.ADMIN])
        self.assert_french("users", self.read(reverse("crisis:users")))
        self.client.force_login(self.accounts[Role.OBSERVER])
        forbidden = self.read(reverse("crisis:replan", args=[self.incident_id]), 403, "post")
        self.assert_french("forbidden", forbidden)
        self.client.force_login(self.accounts[Role.IT])
        refused = self.read(
            reverse("crisis:return_time", args=[self.incident_id]),
            400,
            "post",
            {"target": "x", "hours": "-1"},
        )
        self.assert_french("refused", refused)
        self.assert_french("404", self.read("/nowhere/", 404))
        self.client.logout()
        self.assert_french("login", self.read(reverse("crisis:login")))

    def test_the_check_finds_english_when_there_is_some(self) -> None:
        assert english_in("<p>Rôle : director</p>", set()) == ["'director' in 'Rôle : director'"]
        assert english_in("<button>Re-plan</button>", set())
        assert not english_in("<script>var director;</script><p>Directeur</p>", set())
        assert not english_in("<p>ehr-db ← san</p>", {"ehr-db"})


class UncoveredProcessTest(DemoIncidentCase):
    def test_an_uncovered_process_says_where_to_divert_and_whom_to_call(self) -> None:
        self.client.force_login(self.accounts[Role.OBSERVER])
        board = html.unescape(self.read(reverse("crisis:board", args=[self.incident_id])))
        stroke = board.split('data-what-now="stroke-care"')[1].split("</div>\n    </div>")[0]
        assert "À faire maintenant" in board
        assert 'data-facility="chu-bievre"' in stroke and "CHU de la Bièvre" in stroke and "24 km" in stroke
        assert 'href="tel:0199002010"' in stroke
        assert stroke.index('data-contact="samu-91"') < stroke.index('data-contact="atsu-91"')
        assert 'data-contact="ars-idf"' not in stroke  # the regional agency is not who takes patients
        billing = board.split('data-what-now="billing"')[1].split("data-process=")[0].split("</section>")[0]
        # A deferrable process with no patient to take elsewhere: no SAMU to call about billing.
        assert "Aucun patient à réorienter" in billing and "SAMU" not in billing
        # Processes on a fallback procedure run on it: no "what to do now" card.
        assert 'data-what-now="transfusion"' not in board

    def test_a_map_without_contacts_or_capable_facilities_says_so(self) -> None:
        director = self.accounts[Role.DIRECTOR].username
        bare = hit_cases.open_incident(STORE, director, "Test", "chtest.yaml", SAMPLE_MAP)
        hit_cases.declare_hit(STORE, bare.id, director, "node", "san")
        self.client.force_login(self.accounts[Role.OBSERVER])
        board = html.unescape(self.read(reverse("crisis:board", args=[bare.id])))
        card = board.split('data-what-now="admissions"')[1]
        assert "Aucun contact SAMU ni coordination ambulancière dans la cartographie" in card
