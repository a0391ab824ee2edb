# mypy: allow-subclassing-any
"""Comments keep their rendered HTML; PostgreSQL keeps a stored, indexed tsvector (``search_doc``) per article."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import migrations, models

PG_DOCUMENT = ("setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
               "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
               "setweight(to_tsvector('english', coalesce(body, '')), 'C')")
PG_UP = [
    "DROP INDEX IF EXISTS education_article_search",
    f"ALTER TABLE education_article ADD COLUMN search_doc tsvector GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED",
    "CREATE INDEX education_article_search_doc ON education_article USING gin (search_doc)",
]
PG_DOWN = ["DROP INDEX IF EXISTS education_article_search_doc",
           "ALTER TABLE education_article DROP COLUMN IF EXISTS search_doc"]


def _pg(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


def _render_existing(apps: Any, schema_editor: Any) -> None:
    from facenerve.web.education.render import render_comment

    comment = apps.get_model("education", "Comment")
    for row in comment.objects.filter(deleted=False).only("pk", "body").iterator():
        comment.objects.filter(pk=row.pk).update(body_html=render_comment(row.body))


class Migration(migrations.Migration):
    dependencies: ClassVar = [("education", "0002_search")]
    operations: ClassVar = [
        migrations.AddField(
            model_name="comment", name="body_html",
            field=models.TextField(blank=True, editable=False, help_text="The body rendered and sanitised once."),
        ),
        migrations.RunPython(_render_existing, migrations.RunPython.noop),
        migrations.RunPython(_pg(PG_UP), _pg(PG_DOWN)),
    ]
