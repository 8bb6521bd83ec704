"""Guessing passwords: 10 wrong ones lock the account name at the address they come from, 30 from one
address lock the address for every name; a right password is then refused there, but nobody can lock
an account out from elsewhere. Every failure is journaled with the account and the address, and an
administrator unlocks. An administrator also disables accounts and sets new passwords: sessions end."""

from __future__ import annotations

import html

from django.test import Client, TestCase
from django.urls import reverse

from bascule.crisis.models import Account, JournalRecord
from bascule.crisis.roles import Role

GOOD = "Un-mot-de-passe-solide-1"
ATTACKER = "10.9.8.7"
ELSEWHERE = "10.1.1.1"


def sign_in(client: Client, name: str, password: str, address: str) -> int:
    response = client.post(
        reverse("crisis:login"), {"username": name, "password": password}, REMOTE_ADDR=address
    )
    if response.status_code == 302:
        client.logout()
    return int(response.status_code)


class LockoutTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for name, role in (("director1", Role.DIRECTOR), ("it1", Role.IT), ("admin1", Role.ADMIN)):
            account = Account(username=name, role=role)
            account.set_password(GOOD)
            account.save()

    def guess(self, name: str, times: int, address: str = ATTACKER) -> list[int]:
        return [sign_in(Client(), name, f"wrong-{n}", address) for n in range(times)]

    def test_ten_wrong_passwords_lock_the_name_at_that_address_only(self) -> None:
        statuses = self.guess("director1", 10)
        assert statuses[:9] == [200] * 9 and statuses[9] == 429
        # The right password is refused from the guessing address...
        assert sign_in(Client(), "director1", GOOD, ATTACKER) == 429
        # ...but the director, at the cell's desk, still signs in: a stranger cannot lock them out.
        assert sign_in(Client(), "director1", GOOD, ELSEWHERE) == 302
        # Another account from the guessing address is not locked by 10 failures on one name.
        assert sign_in(Client(), "it1", GOOD, ATTACKER) == 302

    def test_thirty_failures_from_one_address_lock_it_for_every_name(self) -> None:
        spray = [sign_in(Client(), name, "wrong", ATTACKER) for n in range(9) for name in ("a", "b", "c")]
        assert set(spray) == {200}  # 27 failures, 9 per name: nothing locked yet
        # A valid account signing in from there clears its own failures, not the address's.
        assert sign_in(Client(), "it1", GOOD, ATTACKER) == 302
        assert self.guess("d", 3) == [200, 200, 429]  # the 30th failure from the address
        assert sign_in(Client(), "it1", GOOD, ATTACKER) == 429
        assert sign_in(Client(), "admin1", GOOD, ATTACKER) == 429
        assert sign_in(Client(), "it1", GOOD, ELSEWHERE) == 302
        admin = Client()
        admin.force_login(Account.objects.get(username="admin1"))
        page = html.unescape(admin.get(reverse("crisis:users")).content.decode())
        assert "adresse" in page and ATTACKER in page

    def test_guessing_from_many_addresses_locks_only_those_addresses(self) -> None:
        for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
            assert self.guess("director1", 10, address)[-1] == 429
        assert sign_in(Client(), "director1", GOOD, ELSEWHERE) == 302
        admin = Client()
        admin.force_login(Account.objects.get(username="admin1"))
        page = html.unescape(admin.get(reverse("crisis:users")).content.decode())
        assert page.count('director1 <span class="muted">(depuis 10.0.0.') == 3

    def test_the_lockout_page_speaks_the_reader_language(self) -> None:
        self.guess("director1", 12)
        client = Client()
        page = client.post(
            reverse("crisis:login"), {"username": "director1", "password": GOOD}, REMOTE_ADDR=ATTACKER
        )
        assert page.status_code == 429
        text = html.unescape(page.content.decode())
        assert "Connexion bloquée" in text and "administrateur" in text
        session = client.session
        session["lang"] = "en"
        session.save()
        english = client.post(
            reverse("crisis:login"), {"username": "director1", "password": GOOD}, REMOTE_ADDR=ATTACKER
        )
        text = html.unescape(english.content.decode())
        assert english.status_code == 429 and "Sign-in locked" in text and "Connexion" not in text

    def test_failures_are_journaled_with_account_and_address_and_stop_growing_once_locked(self) -> None:
        self.guess("director1", 30)
        failed = list(JournalRecord.objects.filter(name="login.failed"))
        assert failed and all(
            r.payload == {"user": "director1", "address": ATTACKER} and r.actor == "anonymous" for r in failed
        )
        # Attempts while locked are refused before any password check, and journal nothing more.
        assert len(failed) <= 10
        locked = JournalRecord.objects.filter(name="login.locked")
        assert [r.payload for r in locked] == [{"user": "director1", "address": ATTACKER}]
        before = JournalRecord.objects.count()
        self.guess("director1", 20)
        assert JournalRecord.objects.count() == before

    def test_a_name_that_is_no_account_is_not_journaled(self) -> None:
        sign_in(Client(), "Jean Dupont 1952", "nope", ATTACKER)
        record = JournalRecord.objects.get(name="login.failed")
        assert record.payload == {"user": None, "address": ATTACKER}

    def test_an_admin_unlocks_the_account_and_the_address(self) -> None:
        for name in ("guest", "guest2", "guest3"):
            self.guess(name, 10)  # 30 from ATTACKER: the address is locked for every name
        self.guess("director1", 12, ELSEWHERE)  # director1 is locked at ELSEWHERE
        admin = Client()
        admin.force_login(Account.objects.get(username="admin1"))
        page = html.unescape(admin.get(reverse("crisis:users")).content.decode())
        assert f'director1 <span class="muted">(depuis {ELSEWHERE})</span>' in page
        assert ATTACKER in page and "Débloquer" in page
        assert sign_in(Client(), "director1", GOOD, ELSEWHERE) == 429
        response = admin.post(reverse("crisis:unlock"), {"kind": "username", "value": "director1"})
        assert response.status_code == 302
        assert sign_in(Client(), "director1", GOOD, ELSEWHERE) == 302
        assert sign_in(Client(), "it1", GOOD, ATTACKER) == 429
        admin.post(reverse("crisis:unlock"), {"kind": "address", "value": ATTACKER})
        assert sign_in(Client(), "it1", GOOD, ATTACKER) == 302
        unlocked = [r.payload for r in JournalRecord.objects.filter(name="login.unlocked")]
        assert {"username": "director1", "records": 1} in unlocked
        assert any(p.get("address") == ATTACKER for p in unlocked)

    def test_only_an_admin_unlocks(self) -> None:
        self.guess("director1", 30)
        director = Client()
        director.force_login(Account.objects.get(username="it1"))
        assert (
            director.post(reverse("crisis:unlock"), {"kind": "username", "value": "director1"}).status_code
            == 403
        )
        assert sign_in(Client(), "director1", GOOD, ATTACKER) == 429

    def test_unlocking_nothing_is_one_sentence(self) -> None:
        admin = Client()
        admin.force_login(Account.objects.get(username="admin1"))
        response = admin.post(reverse("crisis:unlock"), {"kind": "everyone", "value": ""})
        assert response.status_code == 400
        assert "Dites quoi débloquer" in html.unescape(response.content.decode())


class AccountAdministrationTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for name, role in (("medical1", Role.MEDICAL), ("admin1", Role.ADMIN)):
            account = Account(username=name, role=role)
            account.set_password(GOOD)
            account.save()

    def setUp(self) -> None:
        self.admin = Client()
        self.admin.force_login(Account.objects.get(username="admin1"))

    def signed_in_doctor(self) -> Client:
        doctor = Client()
        assert sign_in_keep(doctor, "medical1", GOOD)
        assert doctor.get(reverse("crisis:home")).status_code == 200
        return doctor

    def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(self) -> None:
        doctor = self.signed_in_doctor()
        assert self.admin.post(reverse("crisis:disable_user"), {"username": "medical1"}).status_code == 302
        response = doctor.get(reverse("crisis:home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("crisis:login"))
        assert sign_in(Client(), "medical1", GOOD, ELSEWHERE) == 200
        page = html.unescape(self.admin.get(reverse("crisis:users")).content.decode())
        assert "désactivé" in page and "Réactiver" in page
        self.admin.post(reverse("crisis:enable_user"), {"username": "medical1"})
        assert sign_in(Client(), "medical1", GOOD, ELSEWHERE) == 302
        names = list(JournalRecord.objects.filter(name__startswith="user.").values_list("name", "payload"))
        assert names == [("user.disabled", {"user": "medical1"}), ("user.enabled", {"user": "medical1"})]

    def test_a_new_password_set_by_an_admin_ends_the_sessions(self) -> None:
        doctor = self.signed_in_doctor()
        new = "Autre-mot-de-passe-solide-2"
        assert (
            self.admin.post(
                reverse("crisis:reset_password"), {"username": "medical1", "password": new}
            ).status_code
            == 302
        )
        assert doctor.get(reverse("crisis:home")).status_code == 302
        assert sign_in(Client(), "medical1", GOOD, ELSEWHERE) == 200
        assert sign_in(Client(), "medical1", new, ELSEWHERE) == 302
        record = JournalRecord.objects.get(name="user.password_reset")
        assert record.payload == {"user": "medical1"} and new not in str(record.payload)

    def test_a_weak_password_is_refused_in_one_french_sentence(self) -> None:
        response = self.admin.post(
            reverse("crisis:reset_password"), {"username": "medical1", "password": "court"}
        )
        assert response.status_code == 400
        text = html.unescape(response.content.decode())
        assert "Mot de passe refusé" in text and "10 caractères" in text and "This password" not in text
        assert sign_in(Client(), "medical1", GOOD, ELSEWHERE) == 302

    def test_an_admin_cannot_disable_their_own_account_nor_an_unknown_one(self) -> None:
        assert self.admin.post(reverse("crisis:disable_user"), {"username": "admin1"}).status_code == 400
        assert Account.objects.get(username="admin1").is_active
        response = self.admin.post(reverse("crisis:disable_user"), {"username": "nobody"})
        assert response.status_code == 400 and "n'existe pas" in html.unescape(response.content.decode())

    def test_other_roles_cannot_administer_accounts(self) -> None:
        doctor = self.signed_in_doctor()
        assert doctor.post(reverse("crisis:disable_user"), {"username": "admin1"}).status_code == 403
        assert (
            doctor.post(
                reverse("crisis:reset_password"), {"username": "admin1", "password": "Pris-par-le-medecin-3"}
            ).status_code
            == 403
        )
        assert Account.objects.get(username="admin1").is_active


def sign_in_keep(client: Client, name: str, password: str) -> bool:
    response = client.post(
        reverse("crisis:login"), {"username": name, "password": password}, REMOTE_ADDR=ELSEWHERE
    )
    return bool(response.status_code == 302)
