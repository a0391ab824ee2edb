# ruff: noqa
# mypy: allow-subclassing-any
"""Track login sessions (log out everywhere); store every user name in its normalised form."""

import unicodedata
from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def normalise_names(apps: Any, schema_editor: Any) -> None:
    """Existing user names to NFKC, trimmed, case-folded (left as they are where that would clash)."""
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    taken = set(User.objects.values_list("username", flat=True))
    for user in User.objects.all():
        name = unicodedata.normalize("NFKC", user.username).strip().casefold()[:150]
        if name != user.username and name and name not in taken:
            taken.discard(user.username)
            taken.add(name)
            User.objects.filter(pk=user.pk).update(username=name)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="UserSession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("session_key", models.CharField(max_length=40, unique=True)),
                ("created", models.DateTimeField(auto_now_add=True)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="login_sessions", to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.RunPython(normalise_names, migrations.RunPython.noop),
    ]
