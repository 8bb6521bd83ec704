"""The station's passphrase rules are the crisis web app's: Django's three validators, without Django."""

from __future__ import annotations

import pytest

from bascule.errors import UserError
from bascule.passphrase_rules import check_passphrase, common_passwords


@pytest.mark.parametrize(
    ("password", "name", "refusal"),
    [
        ("short one", "alice", "too short"),
        ("123456789", "alice", "too short"),
        ("password123", "alice", "most common"),
        ("PASSWORD123 ", "alice", "most common"),  # Django lowers and strips before the lookup
        ("qwertyuiop", "bob", "most common"),
        ("marie.dupont", "marie.dupont", "too like"),
        ("dupont.marie1", "marie.dupont", "too like"),
        ("jean-baptiste", "jean_baptiste", "too like"),
    ],
)
def test_refused(password: str, name: str, refusal: str) -> None:
    with pytest.raises(UserError) as refused:
        check_passphrase(password, name)
    assert refusal in str(refused.value)
    assert refused.value.french


@pytest.mark.parametrize(
    ("password", "name"),
    [
        ("correct horse battery", "alice"),
        ("marée basse à Cancale", "marie.dupont"),
        ("y8kq-3vrw-p", "bob"),  # eleven characters, not a common password, nothing like the name
        ("tiramisu aux fraises", "jo"),  # a name part far shorter than the passphrase is not compared
    ],
)
def test_accepted(password: str, name: str) -> None:
    check_passphrase(password, name)


def test_the_list_is_djangos_own() -> None:
    passwords = common_passwords()
    assert len(passwords) > 10_000
    assert "password" in passwords and "iloveyou" in passwords


def test_same_verdicts_as_django() -> None:
    """Compared with Django's validators themselves, unconfigured (a refusal is the only path that reads settings)."""
    from django.contrib.auth.password_validation import (
        CommonPasswordValidator,
        MinimumLengthValidator,
        UserAttributeSimilarityValidator,
    )
    from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError

    class Meta:
        def get_field(self, name: str) -> None:
            raise FieldDoesNotExist(name)

    class User:
        _meta = Meta()

        def __init__(self, username: str) -> None:
            self.username = username

    validators = [
        MinimumLengthValidator(min_length=10),
        CommonPasswordValidator(),
        UserAttributeSimilarityValidator(user_attributes=("username",)),
    ]
    cases = [
        ("password123", "alice"),
        ("correct horse battery", "alice"),
        ("dupont.marie1", "marie.dupont"),
        ("marie.dupon", "ma"),
        ("alicealice", "alice"),
        ("abcdefghijk", "abcdefghijk.z"),
        ("Zx9!alice-2026", "alice"),
    ]
    for password, name in cases:
        django_refuses = False
        for validator in validators:
            try:
                validator.validate(password, User(name))  # type: ignore[no-untyped-call]
            except (
                ValidationError,
                ImproperlyConfigured,
            ):  # Django needs its settings only to word a refusal
                django_refuses = True
        try:
            check_passphrase(password, name)
            ours_refuses = False
        except UserError:
            ours_refuses = True
        assert ours_refuses == django_refuses, (password, name)
