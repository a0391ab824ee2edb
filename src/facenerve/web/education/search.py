"""Full-text search over published articles: SQLite FTS5, or PostgreSQL full-text search.

The reader's words are reduced to plain word tokens before they reach the database, so no query syntax can fail.
The FTS5 table and its triggers (SQLite, migration 0002) or the stored ``search_doc`` column and its GIN index
(PostgreSQL, migration 0003) keep the index in step with every write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from facenerve.web.education.models import Article, ArticleStatus

MAX_WORDS = 8
MAX_RESULTS = 30
_START, _STOP = "\ue000", "\ue001"  # private-use markers around matches, replaced after escaping
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

FTS_TABLE = "education_article_fts"


@dataclass(frozen=True)
class Hit:
    article: Article
    snippet: SafeString


def words(query: str) -> list[str]:
    """The searchable words of a reader's query (at most eight)."""
    return _WORD.findall(query[:300])[:MAX_WORDS]


def _highlight(text: str) -> SafeString:
    marked = escape(text.replace("*", "").replace("#", ""))
    return mark_safe(marked.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _sqlite(terms: list[str]) -> list[tuple[int, str]]:
    match = " ".join(f'"{t}"*' if i == len(terms) - 1 else f'"{t}"' for i, t in enumerate(terms))
    sql = (f"SELECT f.rowid, snippet({FTS_TABLE}, 2, %s, %s, '…', 16) FROM {FTS_TABLE} f "
           f"JOIN education_article a ON a.id = f.rowid WHERE {FTS_TABLE} MATCH %s AND a.status = %s "
           f"ORDER BY bm25({FTS_TABLE}, 10.0, 4.0, 1.0) LIMIT %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [_START, _STOP, match, ArticleStatus.PUBLISHED, MAX_RESULTS])
        return [(int(r[0]), str(r[1])) for r in cursor.fetchall()]


def _postgres(terms: list[str]) -> list[tuple[int, str]]:
    query = " & ".join(f"{t}:*" if i == len(terms) - 1 else t for i, t in enumerate(terms))
    # Rank on the stored, indexed ``search_doc`` column; headline only the rows shown.
    sql = ("WITH q AS (SELECT to_tsquery('english', %s) AS q), hits AS ("
           "SELECT a.id, a.body, ts_rank(a.search_doc, q.q) AS rank FROM education_article a, q "
           "WHERE a.status = %s AND a.search_doc @@ q.q ORDER BY rank DESC, a.id LIMIT %s) "
           "SELECT hits.id, ts_headline('english', hits.body, q.q, %s) FROM hits, q ORDER BY hits.rank DESC, hits.id")
    options = f"StartSel={_START}, StopSel={_STOP}, MaxWords=30, MinWords=12"
    with connection.cursor() as cursor:
        cursor.execute(sql, [query, ArticleStatus.PUBLISHED, MAX_RESULTS, options])
        return [(int(r[0]), str(r[1])) for r in cursor.fetchall()]


def search(query: str) -> list[Hit]:
    """Published articles matching every word of ``query`` (the last word as a prefix), best first."""
    terms = words(query)
    if not terms:
        return []
    # Plain word tokens only reach the database (no operator survives ``words``).
    rows = _postgres([t.lower() for t in terms]) if connection.vendor == "postgresql" else _sqlite(terms)
    articles = Article.objects.select_related("category", "category__parent").in_bulk([pk for pk, _ in rows])
    return [Hit(articles[pk], _highlight(snippet)) for pk, snippet in rows if pk in articles]
