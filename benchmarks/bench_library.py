"""Patient library benchmark: article page and search p95 with 200 articles and 20,000 comments, on SQLite and (when
the server binaries are here) a throwaway PostgreSQL. Target: ≤ 150 ms p95. Each figure is also a ratio to the login
page (a plain Django page through the same middleware) measured in the same run. One article carries a tenth of all
comments (2,000), the worst thread; the others share the rest.

Usage: python benchmarks/bench_library.py [--quick]   (writes benchmarks/results/library.md)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.web_timing import time_get  # noqa: E402

ARTICLES = 200
COMMENTS = 20_000
TARGET_MS = 150.0
QUERIES = ["eye", "steroids", "synkinesis botulinum", "recovery months", "specialist referral", "acupunct",
           "pregnancy", "twitching spasm", "free muscle transfer", "protect"]


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _populate() -> tuple[str, list[str]]:
    """200 published articles (the bundled nine, varied) and 20,000 visible comments by 500 readers."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from facenerve.web.accounts.models import Profile
    from facenerve.web.education.articles import bundled_articles, ensure_categories, load_library
    from facenerve.web.education.models import Article, Comment, Commenter
    from facenerve.web.education.render import cited_keys, render_comment

    rng = random.Random(3)
    load_library()
    categories = ensure_categories()
    now = timezone.now()
    seeds = bundled_articles()
    Article.objects.bulk_create(
        Article(slug=f"bench-{i}", title=f"{seeds[i % 9].title} ({i})", category=categories[seeds[i % 9].category],
                summary=seeds[i % 9].summary, body=seeds[i % 9].body, sources=cited_keys(seeds[i % 9].body),
                status="published", published_at=now, updated_at=now)
        for i in range(ARTICLES - len(seeds))
    )
    users = get_user_model().objects.bulk_create(get_user_model()(username=f"reader-{i}") for i in range(500))
    Profile.objects.bulk_create(Profile(user=u, role="patient") for u in users)
    Commenter.objects.bulk_create(Commenter(user=u, display_name=f"Reader {i}", display_name_key=f"reader {i}")
                                  for i, u in enumerate(users))
    articles = list(Article.objects.values_list("pk", flat=True))
    busy = Article.objects.get(slug="aftereffects").pk
    words = "the eye closes when I smile and my cheek feels tight after the injections **really** [link](https://x.org)"
    batch = []
    for i in range(COMMENTS):
        article = busy if i % 10 == 0 else rng.choice(articles)
        batch.append(Comment(article_id=article, author=users[i % 500], display_name=f"Reader {i % 500}",
                             body=(body := " ".join(rng.sample(words.split(), 12))), body_html=render_comment(body),
                             status="visible"))
    Comment.objects.bulk_create(batch, batch_size=2000)
    return "aftereffects", [s.slug for s in seeds if s.slug != "aftereffects"]


def child(quick: bool) -> dict[str, Any]:
    """Runs in its own process with the database chosen by DATABASE_URL; prints one JSON document."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facenerve.web.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    call_command("migrate", interactive=False, verbosity=0)
    start = time.perf_counter()
    busy, typical = _populate()
    results: dict[str, Any] = {"vendor": connection.vendor, "load_s": time.perf_counter() - start}
    repeats = 10 if quick else 40
    reader = Client()
    results["baseline"], _ = time_get(reader, "/accounts/login/", repeats)
    results["article"], results["article_queries"] = [], 0
    for i in range(repeats):
        times, results["article_queries"] = time_get(reader, f"/learn/articles/{typical[i % len(typical)]}/", 1)
        results["article"] += times
    results["busy"], results["busy_queries"] = time_get(reader, f"/learn/articles/{busy}/", max(5, repeats // 4))
    results["search"], results["search_queries"] = [], 0
    for i in range(repeats):
        times, results["search_queries"] = time_get(reader, f"/learn/search/?q={QUERIES[i % len(QUERIES)]}", 1)
        results["search"] += times
    return results


def _run_child(env: dict[str, str], quick: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child"] + (["--quick"] if quick else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed: {done.stderr.strip()[-800:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _report(runs: dict[str, dict[str, Any]], notes: list[str], quick: bool) -> list[str]:
    lines = ["# Patient library benchmark", "",
             f"{ARTICLES} published articles, {COMMENTS:,} visible comments (2,000 on the busiest article, about 91 on "
             f"each other). Python {platform.python_version()}, {platform.machine()}"
             + (", quick run (fewer repeats)." if quick else "."), "",
             f"Target ≤ {TARGET_MS:.0f} ms p95. Ratio = p95 / p95 of the login page in the same run.", "",
             "| Database | Page | p50 ms | p95 ms | ratio | queries | target |", "|---|---|---|---|---|---|---|"]
    for name, run in runs.items():
        base = _p(run["baseline"], 0.95)
        for key, label in (("article", "article (typical thread)"), ("busy", "article (2,000 comments)"),
                           ("search", "search")):
            p95 = _p(run[key], 0.95)
            lines.append(f"| {name} | {label} | {_p(run[key], 0.5):.1f} | {p95:.1f} | {p95 / base:.1f} | "
                         f"{run[key + '_queries']} | {'met' if p95 <= TARGET_MS else 'missed'} |")
        lines.append(f"| {name} | login page (baseline) | {_p(run['baseline'], 0.5):.1f} | {base:.1f} | 1.0 | | |")
    lines += ["", *[f"- {n}" for n in notes], "", "Written by `python benchmarks/bench_library.py`."]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.quick)))
        return 0
    from tests.web.pgcluster import start_cluster, unavailable_reason

    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    base_env["FACENERVE_SECRET_KEY"] = "benchmark-only-" + "k" * 50
    base_env["FACENERVE_ALLOWED_HOSTS"] = "testserver"
    runs: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="facenerve-bench-library-") as tmp:
        print("sqlite …", flush=True)
        runs["SQLite"] = _run_child({**base_env, "FACENERVE_DATA_DIR": f"{tmp}/sqlite"}, args.quick)
        reason = unavailable_reason()
        if reason is None:
            cluster = start_cluster()
            try:
                print("postgresql …", flush=True)
                runs["PostgreSQL"] = _run_child({**base_env, "FACENERVE_DATA_DIR": f"{tmp}/pg",
                                                 "DATABASE_URL": cluster.url}, args.quick)
            finally:
                cluster.stop()
        else:
            notes.append(f"PostgreSQL not measured: {reason}")
    lines = _report(runs, notes, args.quick)
    out = ROOT / "benchmarks" / "results" / "library.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
