"""Markdown to safe HTML: markdown-it-py renders (raw HTML off), nh3 sanitises (an allow-list), citations link.

Articles get CommonMark with tables; comments get a small subset (emphasis, links, code, lists, quotes, line
breaks). Every link leaves with ``rel="nofollow ugc noopener"`` and only http, https and mailto addresses survive.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import nh3
from markdown_it import MarkdownIt

from facenerve.web.education.references import REFERENCES_PATH, is_known

LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}
ARTICLE_TAGS = {"p", "br", "hr", "h2", "h3", "h4", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code",
                "pre", "table", "thead", "tbody", "tr", "th", "td", "sup"}
COMMENT_TAGS = {"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code"}
#: A bracketed group of reference keys, e.g. "[S34]" or "[S28, S34]", as it stands in rendered text.
CITATION = re.compile(r"\[(S\d{1,3}(?:\s*[,;]\s*S\d{1,3})*)\]")
KEY = re.compile(r"S\d{1,3}")


@cache
def _article_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


@cache
def _comment_parser() -> MarkdownIt:
    return MarkdownIt("zero", {"html": False, "breaks": True}).enable(
        ["emphasis", "link", "newline", "backticks", "list", "blockquote", "escape", "entity", "autolink"]
    )


def cited_keys(markdown: str) -> list[str]:
    """Every reference key cited in ``markdown``, in order of first appearance."""
    keys: list[str] = []
    for group in CITATION.findall(markdown):
        for key in KEY.findall(group):
            if key not in keys:
                keys.append(key)
    return keys


def _link_citations(html: str) -> str:
    def group(match: re.Match[str]) -> str:
        links = [f'<a class="cite" href="{REFERENCES_PATH}#{k}">{k}</a>' if is_known(k) else k
                 for k in KEY.findall(match.group(1))]
        return "<sup>[" + ", ".join(links) + "]</sup>"

    return CITATION.sub(group, html)


def _clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html, tags=tags, attributes={"a": {"href", "title"}, "th": {"style"}, "td": {"style"}},
        link_rel=LINK_REL, url_schemes=URL_SCHEMES, allowed_classes={"a": {"cite"}},
        filter_style_properties={"text-align"}, strip_comments=True,
    )


@lru_cache(maxsize=512)
def render_article(markdown: str) -> str:
    """An article's Markdown as sanitised HTML with its [S..] citations linked to the references page (kept for
    the last few hundred bodies: an article is rendered once per change, not once per reader)."""
    return _clean(_link_citations(_article_parser().render(markdown)), ARTICLE_TAGS)


def render_comment(markdown: str) -> str:
    """A comment's text (plain text or the small Markdown subset) as sanitised HTML."""
    return _clean(_comment_parser().render(markdown), COMMENT_TAGS)


