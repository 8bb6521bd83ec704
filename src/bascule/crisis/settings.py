"""Django settings of the crisis application.

Everything site-specific comes from the environment that `runtime.configure()` prepares:
BASCULE_CRISIS_DIR (the data directory: SQLite file and the generated secret key), DATABASE_URL
(PostgreSQL, optional) and BASCULE_CRISIS_DB (another SQLite file, optional). No secret is in the
repository: the key is generated into the data directory on first run, mode 0600.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from bascule.crisis.secrets import database_settings, load_or_create_secret_key
from bascule.crisis.tls import TlsSettings

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
    "axes",
    "bascule.crisis",
]

MIDDLEWARE = [
    "bascule.crisis.tls.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
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
    "bascule.crisis.middleware.PasswordChangeRequired",
    "bascule.crisis.middleware.RefuseNulCharactersMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
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

# django-axes checks every sign-in first: an account name tried too often from one address, or an
# address that failed too often, is refused for a while, even with the right password, until the
# time is up or an admin unlocks it (bascule.crisis.lockout says why the name alone is never locked).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10  # one account name from one address
BASCULE_ADDRESS_FAILURE_LIMIT = 30  # one address, whatever the names it tries
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Locked by account name AND address, and by address alone at the higher limit: guessing a password
# or spraying names from one laptop stops, but no one can lock the director out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "bascule.crisis.lockout.NameAtAddressHandler"
AXES_RESET_ON_SUCCESS = True
# Attempts made while locked are not stored: a loop of them grows nothing and does not extend the lock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "bascule.crisis.views.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "bascule.crisis.tls.client_address"
# Successful sign-ins are in the crisis journal already; failures are journaled by the login view.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

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
# Behind TLS (BASCULE_CRISIS_TLS=1, a proxy such as Caddy or nginx in front; see docs/tls.md) cookies
# only travel over HTTPS and browsers are told to come back over HTTPS only (HSTS). A laptop cut off
# from everything often serves plain HTTP on loopback, where Secure cookies would never be sent back.
TLS = TlsSettings.from_environment(os.environ)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TLS.enabled
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TLS.enabled else None
SECURE_SSL_REDIRECT = TLS.enabled
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if TLS.enabled else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
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

# Static files (htmx, the style sheet) are served by WhiteNoise from the package itself, without a
# login (the login page needs them): it lists them once at start, so a request for any other path,
# `..` or `./././` variants included, is a plain 404 that grows nothing.
STATIC_URL = "/static/"
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
WHITENOISE_MAX_AGE = 3600
WHITENOISE_ALLOW_ALL_ORIGINS = False
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
