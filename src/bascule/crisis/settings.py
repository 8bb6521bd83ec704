"""Django settings of the crisis application.

Everything site-specific comes from the environment that `runtime.configure()` prepares:
BASCULE_CRISIS_DIR (the data directory: SQLite file and the generated secret key), DATABASE_URL
(PostgreSQL, optional) and BASCULE_CRISIS_DB (another SQLite file, optional). No secret is in the
repository: the key is generated into the data directory on first run, mode 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

from bascule.crisis.secrets import database_settings, load_or_create_secret_key

DATA_DIR = Path(os.environ.get("BASCULE_CRISIS_DIR", Path.home() / ".local/share/bascule/crisis"))
SECRET_KEY = load_or_create_secret_key(DATA_DIR)
DEBUG = False
# `bascule serve` on loopback allows only loopback names (no DNS rebinding); set BASCULE_CRISIS_HOSTS
# to the names the cell's laptops use when serving a network.
ALLOWED_HOSTS = [h for h in os.environ.get("BASCULE_CRISIS_HOSTS", "").split(",") if h] or [
    "127.0.0.1",
    "localhost",
    "[::1]",
    "testserver",
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "bascule.crisis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bascule.crisis.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bascule.crisis.middleware.SessionExpiryMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bascule.crisis.middleware.LanguageMiddleware",
]

ROOT_URLCONF = "bascule.crisis.urls"
WSGI_APPLICATION = "bascule.crisis.wsgi.application"
AUTH_USER_MODEL = "crisis.Account"
LOGIN_URL = "crisis:login"
LOGIN_REDIRECT_URL = "crisis:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bascule.crisis.context.crisis_context",
            ],
        },
    }
]

DATABASES = {"default": database_settings(os.environ, DATA_DIR)}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Sessions: 12 h absolute and 2 h idle, both checked by SessionExpiryMiddleware.
SESSION_COOKIE_AGE = 12 * 3600
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_IDLE_SECONDS = 2 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# Behind TLS set BASCULE_CRISIS_TLS=1: cookies then only travel over HTTPS. A laptop cut off from
# everything often serves plain HTTP on loopback, where Secure cookies would never be sent back.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("BASCULE_CRISIS_TLS") == "1"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = os.environ.get("BASCULE_CRISIS_LANG", "fr")
USE_I18N = False
USE_TZ = True
TIME_ZONE = os.environ.get("BASCULE_CRISIS_TZ", "Europe/Paris")

# Re-planning after a task is marked runs while the user waits: keep it short.
CRISIS_REPLAN_SECONDS = float(os.environ.get("BASCULE_CRISIS_REPLAN_SECONDS", "3"))
# The continuity store whose scheduled activity the triage board shows ("" for none).
CRISIS_STORE = os.environ.get("BASCULE_CRISIS_STORE", "")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The journal's anchors: folders (a share on another host) that receive a copy of every signed
# checkpoint (`serve --anchor`), and the crisis cell's minisign key to sign them with (unencrypted;
# by default the application makes its own in DATA_DIR/private). See bascule.journal_anchor.
CRISIS_JOURNAL_ANCHORS = [p for p in os.environ.get("BASCULE_CRISIS_ANCHORS", "").split(os.pathsep) if p]
CRISIS_JOURNAL_SIGN_KEY = os.environ.get("BASCULE_CRISIS_SIGN_KEY", "")
