"""Signing in and out, the reader's language, and the accounts (admin only)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bascule.crisis import journal_store
from bascule.crisis.models import Account
from bascule.crisis.roles import Action, Role, requires
from bascule.crisis.views.common import record, text


class LoginView(auth_views.LoginView):
    template_name = "crisis/login.html"
    redirect_authenticated_user = True


login_view = login_not_required(LoginView.as_view())


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    return auth_views.LogoutView.as_view(next_page="crisis:login")(request)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Any signed-in reader picks their own language."""
    lang = request.POST.get("lang", "")
    if lang in ("fr", "en"):
        Account.objects.filter(pk=request.user.pk).update(lang=lang)
        request.session["lang"] = lang
    target = request.POST.get("next", "/")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@receiver(user_logged_in)
def _journal_login(sender: Any, request: HttpRequest, user: Account, **kwargs: Any) -> None:
    journal_store.append("login", user.get_username(), None, {"role": user.role})


@receiver(user_logged_out)
def _journal_logout(sender: Any, request: HttpRequest, user: Account | None, **kwargs: Any) -> None:
    if user is not None:
        journal_store.append("logout", user.get_username(), None, {})


@receiver(user_login_failed)
def _journal_failed_login(sender: Any, credentials: dict[str, Any], **kwargs: Any) -> None:
    # The name typed may be anything, even a patient's: only the fact is kept.
    journal_store.append("login.failed", "anonymous", None, {})


def users(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.ADMIN:
        return render(request, "crisis/forbidden.html", status=403)
    return render(
        request,
        "crisis/users.html",
        {"accounts": Account.objects.order_by("username"), "roles": [r.value for r in Role]},
    )


@requires(Action.MANAGE_USERS)
def add_user(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("username", "").strip()
    role = request.POST.get("role", "")
    password = request.POST.get("password", "")
    errors: list[str] = []
    if role not in {r.value for r in Role}:
        errors.append(f"role: {role!r}")
    if Account.objects.filter(username=name).exists():
        errors.append(text(request, "user_exists"))
    account = Account(username=name, role=role)
    try:
        account.full_clean(exclude=["password"])
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, account)
    except ValidationError as error:
        errors.extend(error.messages)
    if errors:
        context = {
            "accounts": Account.objects.order_by("username"),
            "roles": [r.value for r in Role],
            "errors": errors,
        }
        return render(request, "crisis/users.html", context, status=400)
    account.set_password(password)
    account.save()
    record(request, "user.added", None, {"user": name, "role": role})
    return redirect("crisis:users")
