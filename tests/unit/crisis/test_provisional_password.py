"""A provisional password (the demo's, printed on a terminal for anyone to read) must be changed at
the first sign-in: every page sends its holder to the password change page until they have chosen
their own, polls included; nothing else is done meanwhile."""

from __future__ import annotations

import html

from django.test import Client, TestCase, override_settings
from django.urls import reverse

from bascule.crisis.account_book import BOOK
from bascule.crisis.models import Account, Incident, JournalRecord
from bascule.crisis.roles import Role

PRINTED = "imprime-sur-le-terminal-4821"
CHOSEN = "Mon-propre-mot-de-passe-7"
ADDRESS = "10.3.3.3"


def signed_in(name: str, password: str) -> Client:
    client = Client()
    response = client.post(
        reverse("crisis:login"), {"username": name, "password": password}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302, response.status_code
    return client


def change(client: Client, current: str, new: str, again: str | None = None, next_url: str = "/") -> int:
    form = {"current": current, "new": new, "again": new if again is None else again, "next": next_url}
    return int(client.post(reverse("crisis:change_password"), form).status_code)


# The walk is about pages, not password hashing: a fast hasher keeps it short.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ProvisionalPasswordTest(TestCase):
    def setUp(self) -> None:
        BOOK.set_password("demo", Role.DIRECTOR, PRINTED, "cli", provisional=True)

    def test_every_page_leads_to_the_password_change_until_it_is_made(self) -> None:
        client = signed_in("demo", PRINTED)
        page = client.get(reverse("crisis:home"))
        assert page.status_code == 302
        assert page["Location"] == reverse("crisis:change_password") + "?next=%2F"
        form = client.get(page["Location"])
        text = html.unescape(form.content.decode())
        assert form.status_code == 200 and "mot de passe provisoire" in text
        assert 'name="next" value="/"' in text
        # A screen's poll is sent to the page whole; an action is refused and changes nothing.
        poll = client.get(reverse("crisis:home") + "?live=1", HTTP_HX_REQUEST="true")
        assert poll.status_code == 200 and poll["HX-Redirect"] == reverse("crisis:change_password")
        opened = client.post(reverse("crisis:open_incident"), {"title": "x", "demo": "1"})
        assert opened.status_code == 302 and opened["Location"] == reverse("crisis:change_password")
        assert not Incident.objects.exists()
        # Its holder may still switch language and sign out.
        switched = client.post(reverse("crisis:language"), {"lang": "en", "next": "/"})
        assert switched.status_code == 302 and switched["Location"] == "/"

    def test_the_holder_chooses_a_password_and_goes_on(self) -> None:
        client = signed_in("demo", PRINTED)
        assert change(client, PRINTED, CHOSEN, next_url="/journal/export.csv") == 302
        account = Account.objects.get(username="demo")
        assert not account.must_change_password and account.check_password(CHOSEN)
        assert client.get(reverse("crisis:home")).status_code == 200  # the same session goes on
        record = JournalRecord.objects.get(name="user.password_changed")
        assert record.actor == "demo" and record.payload == {"user": "demo"}
        assert CHOSEN not in str(record.payload) and PRINTED not in str(record.payload)
        # The printed password no longer opens the account; the chosen one does, straight to the pages.
        refused = Client().post(
            reverse("crisis:login"), {"username": "demo", "password": PRINTED}, REMOTE_ADDR=ADDRESS
        )
        assert refused.status_code == 200
        assert signed_in("demo", CHOSEN).get(reverse("crisis:home")).status_code == 200

    def test_a_bad_change_is_one_sentence_and_keeps_the_flag(self) -> None:
        client = signed_in("demo", PRINTED)
        cases = [
            (("not-the-password", CHOSEN, None), "Le mot de passe actuel n'est pas le bon"),
            ((PRINTED, CHOSEN, CHOSEN + "x"), "Les deux nouveaux mots de passe diffèrent"),
            ((PRINTED, PRINTED, None), "Le nouveau mot de passe est l'ancien"),
            ((PRINTED, "court", None), "il faut au moins 10 caractères"),
        ]
        for (current, new, again), sentence in cases:
            form = {"current": current, "new": new, "again": new if again is None else again}
            response = client.post(reverse("crisis:change_password"), form)
            assert response.status_code == 400, sentence
            assert sentence in html.unescape(response.content.decode()), sentence
        assert Account.objects.get(username="demo").must_change_password
        assert client.get(reverse("crisis:home")).status_code == 302
        assert not JournalRecord.objects.filter(name="user.password_changed").exists()

    def test_a_new_demo_start_makes_the_password_provisional_again(self) -> None:
        signed_in_client = signed_in("demo", PRINTED)
        assert change(signed_in_client, PRINTED, CHOSEN) == 302
        BOOK.set_password("demo", Role.DIRECTOR, "un-autre-mot-imprime-9", "cli", provisional=True)
        assert Account.objects.get(username="demo").must_change_password
        BOOK.set_password("demo", Role.DIRECTOR, "un-mot-de-passe-choisi-10", "cli")
        assert not Account.objects.get(username="demo").must_change_password

    def test_other_accounts_are_not_held_and_may_change_their_password(self) -> None:
        account = Account(username="it1", role=Role.IT)
        account.set_password(CHOSEN)
        account.save()
        client = signed_in("it1", CHOSEN)
        assert client.get(reverse("crisis:home")).status_code == 200
        page = html.unescape(client.get(reverse("crisis:change_password")).content.decode())
        assert "mot de passe provisoire" not in page
        assert change(client, CHOSEN, "Encore-un-autre-mot-11") == 302
        assert Account.objects.get(username="it1").check_password("Encore-un-autre-mot-11")

    def test_the_next_page_is_never_another_site(self) -> None:
        client = signed_in("demo", PRINTED)
        response = client.post(
            reverse("crisis:change_password"),
            {"current": PRINTED, "new": CHOSEN, "again": CHOSEN, "next": "//evil.example/"},
        )
        assert response.status_code == 302 and response["Location"] == "/"
