"""Signing in and out, the reader's language, and the accounts (admin only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bascule.crisis import account_admin, forms, journal_store
from bascule.crisis.models import Account
from bascule.crisis.roles import Action, Role, requires
from bascule.crisis.views.common import lang_of, record, text


class LoginView(auth_views.LoginView):
    template_name = "crisis/login.html"
    redirect_authenticated_user = True
    authentication_form = forms.LoginForm

    def form_invalid(self, form: Any) -> HttpResponse:
        _journal_failed_login(self.request)
        return super().form_invalid(form)


def _journal_failed_login(request: HttpRequest) -> None:
    """Journal a refused password with the account's name and the address it came from.

    django-axes counted the attempt (`axes_failures_since_start`) only when the password was
    checked: attempts refused because a lockout is on are not journaled again, so a loop of them
    grows nothing. The name typed may be anything, even a patient's: only an account's is kept.
    """
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    typed = request.POST.get("username", "")
    user = typed if Account.objects.filter(username=typed).exists() else None
    address = getattr(request, "axes_ip_address", None)
    journal_store.append("login.failed", "anonymous", None, {"user": user, "address": address})
    if getattr(request, "axes_locked_out", False):
        journal_store.append("login.locked", "anonymous", None, {"user": user, "address": address})


def locked_out(request: HttpRequest, response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """The page django-axes shows instead of signing in while a lockout is on (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "crisis/locked.html", {"minutes": minutes}, status=429)


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
    return redirect(_local(request.POST.get("next", "/")))


def _local(target: str) -> str:
    """`target` when it is a path on this site, else the home page (no open redirect)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def change_password(request: HttpRequest) -> HttpResponse:
    """Any signed-in holder chooses their own password; an account with a provisional one (the
    demo's) is sent here by every page until it has (crisis.middleware.PasswordChangeRequired)."""
    account = request.user
    context: dict[str, Any] = {
        "must_change": account.must_change_password,
        "next": _local(request.POST.get("next") or request.GET.get("next", "/")),
        "errors": [],
    }
    if request.method != "POST":
        return render(request, "crisis/change_password.html", context)
    form = request.POST
    try:
        account_admin.change_own_password(
            account, form.get("current", ""), form.get("new", ""), form.get("again", ""), lang_of(request)
        )
    except account_admin.AccountRefused as refused:
        return render(
            request, "crisis/change_password.html", {**context, "errors": [str(refused)]}, status=400
        )
    update_session_auth_hash(request, account)  # this session goes on; the holder's others end
    return redirect(context["next"])


@receiver(user_logged_in)
def _journal_login(sender: Any, request: HttpRequest, user: Account, **kwargs: Any) -> None:
    journal_store.append("login", user.get_username(), None, {"role": user.role})


@receiver(user_logged_out)
def _journal_logout(sender: Any, request: HttpRequest, user: Account | None, **kwargs: Any) -> None:
    if user is not None:
        journal_store.append("logout", user.get_username(), None, {})


def _users_context(**extra: Any) -> dict[str, Any]:
    return {
        "accounts": Account.objects.order_by("username"),
        "roles": [r.value for r in Role],
        "lockouts": account_admin.lockouts(),
        "errors": [],
        **extra,
    }


def users(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.ADMIN:
        return render(request, "crisis/forbidden.html", status=403)
    return render(request, "crisis/users.html", _users_context())


def _account_change(request: HttpRequest, change: Any) -> HttpResponse:
    """Run one administrator's change; a refusal is the accounts page again with its sentence (400)."""
    try:
        change()
    except account_admin.AccountRefused as refused:
        return render(request, "crisis/users.html", _users_context(errors=[str(refused)]), status=400)
    return redirect("crisis:users")


@requires(Action.MANAGE_USERS)
def disable_user(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("username", "")
    actor = request.user.get_username()
    return _account_change(request, lambda: account_admin.set_active(name, False, actor, lang_of(request)))


@requires(Action.MANAGE_USERS)
def enable_user(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("username", "")
    actor = request.user.get_username()
    return _account_change(request, lambda: account_admin.set_active(name, True, actor, lang_of(request)))


@requires(Action.MANAGE_USERS)
def reset_password(request: HttpRequest) -> HttpResponse:
    name, password = request.POST.get("username", ""), request.POST.get("password", "")
    actor = request.user.get_username()
    return _account_change(
        request, lambda: account_admin.reset_password(name, password, actor, lang_of(request))
    )


@requires(Action.MANAGE_USERS)
def unlock(request: HttpRequest) -> HttpResponse:
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "")
    actor = request.user.get_username()
    return _account_change(request, lambda: account_admin.unlock(kind, value, actor, lang_of(request)))


@requires(Action.MANAGE_USERS)
def add_user(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("username", "").strip()
    role = request.POST.get("role", "")
    password = request.POST.get("password", "")
    errors: list[str] = []
    if role not in {r.value for r in Role}:
        errors.append(text(request, "role_unknown"))
    if Account.objects.filter(username=name).exists():
        errors.append(text(request, "user_exists"))
    account = Account(username=name, role=role if role in {r.value for r in Role} else Role.OBSERVER)
    try:
        account.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError:
        errors.append(text(request, "username_invalid"))
    problem = account_admin.password_problems(password, account, lang_of(request))
    if problem is not None:
        errors.append(problem)
    if errors:
        return render(request, "crisis/users.html", _users_context(errors=errors), status=400)
    account.set_password(password)
    account.save()
    record(request, "user.added", None, {"user": name, "role": role})
    return redirect("crisis:users")
