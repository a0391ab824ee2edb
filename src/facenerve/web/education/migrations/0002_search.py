# mypy: allow-subclassing-any
"""Full-text search: an FTS5 table kept in step by triggers (SQLite), or an expression GIN index (PostgreSQL)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import migrations

FTS = "education_article_fts"
SQLITE_UP = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, summary, body, content='education_article', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER education_article_ai AFTER INSERT ON education_article BEGIN "
    f"INSERT INTO {FTS}(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body); END",
    f"CREATE TRIGGER education_article_ad AFTER DELETE ON education_article BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, "
    "old.body); END",
    f"CREATE TRIGGER education_article_au AFTER UPDATE ON education_article BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, "
    f"old.body); INSERT INTO {FTS}(rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body); "
    "END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS education_article_{t}" for t in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {FTS}"]
PG_DOCUMENT = ("(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
               "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
               "setweight(to_tsvector('english', coalesce(body, '')), 'C'))")
PG_UP = [f"CREATE INDEX education_article_search ON education_article USING gin ({PG_DOCUMENT})"]
PG_DOWN = ["DROP INDEX IF EXISTS education_article_search"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies: ClassVar = [("education", "0001_initial")]
    operations: ClassVar = [
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
                             _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})),
    ]
