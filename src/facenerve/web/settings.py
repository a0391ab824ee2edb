"""Django settings, all from the environment (docs/web.md). Safe defaults: DEBUG off, secure cookies."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from facenerve.web import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key(DATA_DIR)
DEBUG = config.flag(config.ENV_DEBUG)
ALLOWED_HOSTS = config.csv_list(config.ENV_ALLOWED_HOSTS, "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "facenerve.web.accounts",
    "facenerve.web.clinic",
    "facenerve.web.education",
    "facenerve.web.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "facenerve.web.faults.FaultMiddleware",
    "facenerve.web.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "facenerve.web.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "facenerve.web.audit.middleware.AuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "facenerve.web.urls"
WSGI_APPLICATION = "facenerve.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'facenerve.sqlite3'}",
        conn_max_age=config.integer("FACENERVE_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue for the lock (BEGIN IMMEDIATE, up to 20 s) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    config.private_file(Path(DATABASES["default"]["NAME"]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security: Argon2 first; HttpOnly + SameSite cookies; CSRF everywhere; no framing.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Readable by API clients (docs/web.md): an HttpOnly CSRF cookie adds no protection, Django notes.
CSRF_COOKIE_HTTPONLY = False
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
HTTPS = config.flag(config.ENV_HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health$"]  # a load balancer may probe over plain HTTP
CSRF_TRUSTED_ORIGINS = config.csv_list("FACENERVE_CSRF_TRUSTED_ORIGINS", "")

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "clinic:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Uploads: a photo session is at most FACENERVE_MAX_UPLOAD_MB; larger bodies are refused with 413.
FACENERVE_MAX_UPLOAD_BYTES = config.max_upload_bytes()
DATA_UPLOAD_MAX_MEMORY_SIZE = FACENERVE_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Work one upload may cause: pixels declared by its files' headers (checked before decoding), and photo sessions
# analysed at once per server process (a request waits up to FACENERVE_ANALYSIS_WAIT_S for a slot, else 503).
FACENERVE_MAX_REQUEST_MEGAPIXELS = config.integer("FACENERVE_MAX_REQUEST_MEGAPIXELS", 150, minimum=1)
FACENERVE_MAX_CONCURRENT_ANALYSES = config.integer("FACENERVE_MAX_CONCURRENT_ANALYSES", 2, minimum=1)
FACENERVE_ANALYSIS_WAIT_S = config.integer("FACENERVE_ANALYSIS_WAIT_S", 60)
# Report PDFs drawn at once per server process (WeasyPrint, about 1.1-1.4 s of CPU each; a cap of its own, see
# clinic/limits.py); a request waits up to FACENERVE_PDF_WAIT_S for a slot, else 503 with Retry-After.
FACENERVE_MAX_CONCURRENT_PDFS = config.integer("FACENERVE_MAX_CONCURRENT_PDFS", 1, minimum=1)
FACENERVE_PDF_WAIT_S = config.integer("FACENERVE_PDF_WAIT_S", 10)
# JSON API bodies are small: anything larger is refused before it is read (413).
FACENERVE_API_MAX_BODY_BYTES = config.integer("FACENERVE_API_MAX_BODY_KB", 256, minimum=1) * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Landmark passes per region for uploaded photo sessions (1–3; three by default: steadier serial measures).
FACENERVE_LANDMARK_PASSES = config.landmark_passes()
FACENERVE_IMAGE_DIR = Path(os.environ.get(config.ENV_IMAGE_DIR) or DATA_DIR / "images")
config.private_folder(FACENERVE_IMAGE_DIR)

# Login rate limit (accounts/ratelimit.py): past this many failures per user name at an address (4x per address)
# within the window, each further failure doubles the wait before the next try, from FACENERVE_LOGIN_DELAY_S.
FACENERVE_LOGIN_MAX_FAILURES = config.integer("FACENERVE_LOGIN_MAX_FAILURES", 5, minimum=1)
FACENERVE_LOGIN_WINDOW_S = config.integer("FACENERVE_LOGIN_WINDOW_S", 900, minimum=1)
FACENERVE_LOGIN_DELAY_S = config.integer("FACENERVE_LOGIN_DELAY_S", 2, minimum=1)
# How many reverse proxies in front set X-Forwarded-For (0: trust only REMOTE_ADDR).
FACENERVE_TRUSTED_PROXIES = config.integer("FACENERVE_TRUSTED_PROXIES", 0)
AUTHENTICATION_BACKENDS = ["facenerve.web.accounts.backends.NormalisedNameBackend"]

# Two-factor login (django-otp): always for administrators; for clinicians with FACENERVE_REQUIRE_2FA=1.
FACENERVE_REQUIRE_2FA = config.flag("FACENERVE_REQUIRE_2FA")
OTP_TOTP_ISSUER = "FaceNerve"

# Email (password reset links): printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("FACENERVE_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = config.integer("FACENERVE_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("FACENERVE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("FACENERVE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = not config.flag("FACENERVE_EMAIL_NO_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("FACENERVE_EMAIL_FROM", "facenerve@localhost")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("FACENERVE_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True, mode=0o700)
# WhiteNoise serves the apps' static files (found at start-up, no collectstatic step) under gunicorn and any server.
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FACENERVE_LOG_LEVEL", "WARNING")},
    # WeasyPrint (the report PDF) warns about every screen-only CSS rule of app.css it skips; a refused resource is
    # logged by facenerve.web.clinic.report_pdf itself.
    "loggers": {"weasyprint": {"level": "ERROR"}},
}
