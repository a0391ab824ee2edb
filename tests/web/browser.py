"""One kit for the browser tests (Debian's Chromium through Playwright): the launch, pages, screenshots, axe-core
and the 390 px check. Screenshots go to test-artifacts/web/ (or $FACENERVE_TEST_ARTIFACTS)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "library-test-Pw-4821"

requires_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium not installed (apt-get install chromium; .ci/run does this)"
)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API keeps an event loop in this thread; Django's ORM would refuse to run next to it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def new_page(browser: Any, width: int = 1100, height: int = 900) -> Any:
    """A page in a fresh context. bypass_csp only lets the test inject axe-core; the app's own pages load nothing
    inline."""
    return browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True).new_page()


def shot(page: Any, name: str) -> None:
    """A full-page screenshot, kept as a test artifact."""
    from .conftest import ARTIFACTS

    folder = ARTIFACTS / "web"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def axe_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document)).violations"
                           ".map(v => ({id: v.id, impact: v.impact, n: v.nodes.length, t: v.nodes[0].target}))")
    return [f"{v['id']} ({v['impact']}, {v['n']}: {v['t']})" for v in result if v["impact"] in ("serious", "critical")]


def no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def login(page: Any, username: str) -> None:
    """Fill the login form on the current page with ``username`` and :data:`PASSWORD`."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")


def user_with_password(name: str, role: str, patient: Any = None) -> Any:
    """A user of ``role`` who logs in with :data:`PASSWORD`."""
    from .conftest import make_user

    user = make_user(name, role, patient)
    user.set_password(PASSWORD)
    user.save()
    return user
