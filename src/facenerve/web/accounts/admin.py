"""Django admin for accounts."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from django.contrib import admin

from facenerve.web.accounts.models import LoginFailure, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "patient")
    list_filter = ("role",)
    search_fields = ("user__username", "patient__identifier")


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("username", "address", "at")
