"""Root URLs: clinic pages, accounts, the JSON API (OpenAPI at /api/openapi.json, docs at /api/docs), admin."""

from pathlib import Path

from django.contrib import admin
from django.contrib.admin import __file__ as admin_init
from django.urls import include, path, re_path
from django.views.static import serve
from ninja import __file__ as ninja_init

from facenerve.web.accounts.views import login_view
from facenerve.web.clinic.api import api
from facenerve.web.health import health
from facenerve.web.settings import BASE_DIR

APP_STATIC = BASE_DIR / "clinic" / "static" / "facenerve"
EDUCATION_STATIC = BASE_DIR / "education" / "static" / "education"
NINJA_STATIC = Path(ninja_init).parent / "static" / "ninja"
ADMIN_STATIC = Path(admin_init).parent / "static" / "admin"

urlpatterns = [
    path("health", health, name="health"),
    path("accounts/", include("facenerve.web.accounts.urls")),
    # The admin's own login form would bypass the login rate limit: it is served by the rate-limited view.
    path("admin/login/", login_view, name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # The app's own few static files (CSS, JS), served by Django so no extra server is needed.
    re_path(r"^static/facenerve/(?P<path>[\w.-]+)$", serve, {"document_root": APP_STATIC}),
    re_path(r"^static/ninja/(?P<path>[\w.-]+)$", serve, {"document_root": NINJA_STATIC}),
    re_path(r"^static/admin/(?P<path>.+)$", serve, {"document_root": ADMIN_STATIC}),
    path("learn/", include("facenerve.web.education.urls")),
    re_path(r"^static/education/(?P<path>[\w.-]+)$", serve, {"document_root": EDUCATION_STATIC}),
    path("", include("facenerve.web.clinic.urls")),
]

handler500 = "facenerve.web.faults.server_error"
