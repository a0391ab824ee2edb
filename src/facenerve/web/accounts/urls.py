"""Account URLs: login (and its second step), logout, security settings, password change and reset."""

from django.contrib.auth import views as auth_views
from django.urls import path

from facenerve.web.accounts import password_views, twofactor_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", twofactor_views.verify_view, name="verify"),
    path("2fa/setup/", twofactor_views.setup_view, name="setup"),
    path("2fa/recovery-codes/", twofactor_views.recovery_codes_view, name="recovery_codes"),
    path("2fa/turn-off/", twofactor_views.turn_off_view, name="turn_off"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("security/", twofactor_views.security_view, name="security"),
    path("password/change/", password_views.PasswordChange.as_view(), name="password_change"),
    path("password/reset/", password_views.PasswordReset.as_view(), name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", password_views.PasswordResetConfirm.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
]
