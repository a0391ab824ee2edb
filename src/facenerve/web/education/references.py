"""The reference list: key, title, authors/year and address of each source an article may cite.

Bundled with the package (``data/references.json``): citation metadata copied from the project's clinical
reference, so articles, the references page and the tests never need that document at run time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

REFERENCES_PATH = "/learn/references/"
_IP_HOST = re.compile(r"^[\d.:]+$")


@dataclass(frozen=True)
class Reference:
    key: str
    title: str
    details: str
    addresses: tuple[str, ...]

    @property
    def links(self) -> tuple[str, ...]:
        """Addresses worth offering as links: http(s) with a host name (bare IP addresses are shown as text)."""
        return tuple(a for a in self.addresses if urlsplit(a).scheme in ("http", "https")
                     and not _IP_HOST.match(urlsplit(a).hostname or ""))

    @property
    def number(self) -> int:
        return int(self.key[1:])


@cache
def references() -> dict[str, Reference]:
    """Every bundled reference by key, in key order."""
    raw = json.loads(resources.files("facenerve.web.education").joinpath("data/references.json").read_text("utf-8"))
    items = [Reference(r["key"], r["title"], r["details"], tuple(r["addresses"])) for r in raw]
    return {r.key: r for r in sorted(items, key=lambda r: r.number)}


def is_known(key: str) -> bool:
    """True when ``key`` (e.g. "S34") is in the bundled reference list."""
    return key in references()
