"""FaceNerve web benchmark: dashboard and patient page p95 with 1,000 patients × 20 assessments, on SQLite and (when
the server binaries are here) a throwaway PostgreSQL; photo upload → result p95; on the demo patient, re-measurement
after a landmark correction and the report PDF at p95. Targets: pages ≤ 150 ms p95, upload ≤ 500 ms p95. Each figure
is also given as a ratio to a baseline measured in the same run: the login page (a plain Django page through the same
middleware) for the pages, the engine alone (analyze_session on the same photo) for the upload, the demo patient's
HTML page for the correction and the PDF. Queries per page are counted to show there is no N+1.

Usage: python benchmarks/bench_web.py [--quick]   (writes benchmarks/results/web.md)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.web_timing import time_get  # noqa: E402

PATIENTS = 1000
ASSESSMENTS_PER_PATIENT = 20
TREATMENTS_PER_PATIENT = 4
PAGE_TARGET_MS = 150.0
UPLOAD_TARGET_MS = 500.0


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _populate() -> tuple[Any, list[int]]:
    """1,000 patients in one care team (the clinician sees them all: the dashboard's worst case)."""
    from django.contrib.auth import get_user_model

    from facenerve.web.accounts.models import Profile
    from facenerve.web.clinic.models import Assessment, CareTeam, CareTeamMember, Episode, Patient, Treatment

    rng = random.Random(4)
    team = CareTeam.objects.create(name="Bench team")
    user = get_user_model().objects.create(username="bench-clinician")
    Profile.objects.create(user=user, role="clinician")
    CareTeamMember.objects.create(team=team, user=user, role="neurologist")
    today = date.today()
    patients = Patient.objects.bulk_create(
        Patient(identifier=f"P{i:05d}", birth_date=date(1940 + i % 60, 1 + i % 12, 1 + i % 28), sex="female",
                comorbidities=["diabetes"] if i % 7 == 0 else [], care_team=team)
        for i in range(PATIENTS)
    )
    episodes = Episode.objects.bulk_create(
        Episode(patient=p, onset_date=today - timedelta(days=rng.randint(5, 700)), side=rng.choice(["left", "right"]),
                cause="bells", complete_at_onset=rng.random() < 0.5)
        for p in patients
    )
    assessments = []
    treatments = []
    for episode in episodes:
        span = (today - episode.onset_date).days
        for k in range(ASSESSMENTS_PER_PATIENT):
            day = int(span * (k + 1) / (ASSESSMENTS_PER_PATIENT + 1))
            recovery = 1.0 - 2.718 ** (-day / 60)
            assessments.append(Assessment(
                episode=episode, taken_on=episode.onset_date + timedelta(days=day),
                asymmetry_index_mm=round(7 * (1 - recovery) + rng.random() * 0.5, 2), affected_side=episode.side,
                house_brackmann=max(1, min(6, round(6 - 4 * recovery))),
                sunnybrook_composite=round(20 + 70 * recovery), synkinesis_score=float(k // 6),
            ))
        for k, (kind, name) in enumerate([("medication", "prednisolone"), ("therapy", "physiotherapy"),
                                          ("therapy", "facial_exercises"), ("botulinum_toxin", "botulinum_toxin")]):
            extra = {"muscle": "mentalis", "side": episode.side, "units": 5.0} if kind == "botulinum_toxin" else {}
            treatments.append(Treatment(episode=episode, kind=kind, name=name,
                                        start=episode.onset_date + timedelta(days=1 + k * span // 5), **extra))
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    Treatment.objects.bulk_create(treatments, batch_size=2000)
    return user, [p.pk for p in patients]


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
    user, patient_ids = _populate()
    load_s = time.perf_counter() - start
    client = Client()
    client.force_login(user)
    repeats = 15 if quick else 60
    rng = random.Random(7)
    results: dict[str, Any] = {"vendor": connection.vendor, "load_s": load_s}
    anonymous = Client()
    baseline, _ = time_get(anonymous, "/accounts/login/", repeats)
    results["baseline_login"] = baseline
    results["dashboard"], results["dashboard_queries"] = time_get(client, "/patients/", repeats)
    results["dashboard_last"], _ = time_get(client, "/patients/?page=20", max(5, repeats // 3))
    patient_times: list[float] = []
    patient_queries = 0
    for pk in rng.sample(patient_ids, repeats):
        times, patient_queries = time_get(client, f"/patients/{pk}/", 1)
        patient_times += times
    results["patient"], results["patient_queries"] = patient_times, patient_queries
    return results


def upload_figures(quick: bool) -> dict[str, Any]:
    """Photo upload → result page, in this process (SQLite), against the engine alone on the same photo."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facenerve.web.settings")
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from PIL import Image
    from tests.synth.faces import face_photo

    from facenerve.session import analyze_session
    from facenerve.web.accounts.models import Profile
    from facenerve.web.clinic.models import CareTeam, CareTeamMember, Episode, Patient

    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="bench-upload")
    Profile.objects.create(user=user, role="clinician")
    team = CareTeam.objects.create(name="Upload team")
    CareTeamMember.objects.create(team=team, user=user, role="ent")
    patient = Patient.objects.create(identifier="U1", birth_date=date(1970, 1, 1), care_team=team)
    Episode.objects.create(patient=patient, onset_date=date.today() - timedelta(days=30), side="left",
                           complete_at_onset=False)
    buffer = io.BytesIO()
    Image.fromarray(face_photo("astronaut")).save(buffer, format="JPEG", quality=92)
    jpeg = buffer.getvalue()
    client = Client()
    client.force_login(user)
    repeats = 8 if quick else 30
    engine, web = [], []
    analyze_session({"smile_open": jpeg})  # warm the detector
    for i in range(repeats + 1):
        start = time.perf_counter()
        analyze_session({"smile_open": jpeg})
        engine.append((time.perf_counter() - start) * 1000)
        # A different byte string each time so the content-addressed store really writes.
        upload = SimpleUploadedFile(f"s{i}.jpg", jpeg + i.to_bytes(4, "big"))
        start = time.perf_counter()
        response = client.post(f"/patients/{patient.pk}/assessments/new/", {"taken_on": date.today().isoformat(),
                                                                            "photo_smile_open": upload})
        page = client.get(response["Location"])
        web.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302 and page.status_code == 200
    return {"engine": engine[1:], "upload": web[1:], "photo_px": list(face_photo("astronaut").shape[:2])}


def workstation_figures(quick: bool) -> dict[str, Any]:
    """On the demo patient (SQLite, in this process): a landmark correction saved and its result page shown, and the
    report PDF (both versions), against the demo patient's HTML page as the baseline."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "facenerve.web.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from facenerve.web.clinic import correction
    from facenerve.web.clinic.demo import DEMO_CLINICIAN, DEMO_PATIENT, load_demo
    from facenerve.web.clinic.models import AssessmentPhoto

    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    client = Client()
    client.force_login(get_user_model().objects.get(username=DEMO_CLINICIAN))
    photo = (AssessmentPhoto.objects.filter(assessment__episode__patient__identifier=DEMO_PATIENT,
                                            expression="smile_open").order_by("-assessment__taken_on").first())
    assert photo is not None and photo.landmarks, "the demo patient has no photos (is the face model installed?)"
    patient_url = f"/patients/{photo.assessment.episode.patient_id}/"
    repeats = 8 if quick else 30
    pdf_repeats = 6 if quick else 20
    results: dict[str, Any] = {"patient": []}
    # The baseline is measured in turn with each step (one patient page before each), so both see the same load on a
    # shared machine; the ratios compare like with like.
    _, results["patient_queries"] = time_get(client, patient_url, 1)  # also the warm-up

    def paired(url: str) -> float:
        results["patient"].append(_get_ms(client, patient_url))
        return _get_ms(client, url)

    results["report_html"] = [paired(f"{patient_url}report/") for _ in range(repeats)]
    # Move the left mouth corner up and down by 4 px in turn: every save is a real change, measured again.
    anatomy = correction.anatomy_of(photo)
    assert anatomy is not None
    corner = next(h for h in correction.handles(anatomy) if h.id == "left.commissure")
    correct_url = f"/photos/{photo.pk}/landmarks/"
    saves, shown = [], []
    for i in range(repeats + 1):
        if i:
            results["patient"].append(_get_ms(client, patient_url))
        move = {"left.commissure": [corner.x, corner.y + (-4.0 if i % 2 == 0 else 4.0)]}
        start = time.perf_counter()
        response = client.post(correct_url, {"handles": json.dumps(move)})
        saved = time.perf_counter()
        page = client.get(response["Location"])
        done = time.perf_counter()
        assert response.status_code == 302 and page.status_code == 200, (response.status_code, page.status_code)
        saves.append((saved - start) * 1000)
        shown.append((done - start) * 1000)
    results["correction_save"], results["correction"] = saves[1:], shown[1:]  # the first is the warm-up
    _get_ms(client, f"{patient_url}report.pdf")  # warm-up: WeasyPrint's import and fonts
    results["pdf"], results["pdf_patient"] = [], []
    for _ in range(pdf_repeats):
        results["pdf"].append(paired(f"{patient_url}report.pdf"))
        results["pdf_patient"].append(paired(f"{patient_url}report.pdf?version=patient"))
    pdf = client.get(f"{patient_url}report.pdf").content
    results["pdf_bytes"] = len(pdf)
    results["photos"] = photo.assessment.photos.count()
    results["photo_px"] = [photo.width_px, photo.height_px]
    return results


def _get_ms(client: Any, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def _run_child(env: dict[str, str], quick: bool, mode: str) -> dict[str, Any]:
    args = [sys.executable, __file__, f"--child={mode}"] + (["--quick"] if quick else [])
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed: {done.stderr.strip()[-800:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--child", choices=["pages", "upload", "workstation"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "pages":
        print(json.dumps(child(args.quick)))
        return 0
    if args.child == "upload":
        print(json.dumps(upload_figures(args.quick)))
        return 0
    if args.child == "workstation":
        print(json.dumps(workstation_figures(args.quick)))
        return 0

    from tests.web.pgcluster import start_cluster, unavailable_reason

    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    base_env["FACENERVE_SECRET_KEY"] = "benchmark-only-" + "k" * 50
    base_env["FACENERVE_ALLOWED_HOSTS"] = "testserver"  # the Django test client's host
    runs: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="facenerve-bench-web-") as tmp:
        print("sqlite: loading 1,000 patients × 20 assessments …", flush=True)
        runs["SQLite"] = _run_child({**base_env, "FACENERVE_DATA_DIR": f"{tmp}/sqlite"}, args.quick, "pages")
        reason = unavailable_reason()
        if reason is None:
            cluster = start_cluster()
            try:
                print("postgresql: loading …", flush=True)
                runs["PostgreSQL"] = _run_child({**base_env, "FACENERVE_DATA_DIR": f"{tmp}/pg",
                                                 "DATABASE_URL": cluster.url}, args.quick, "pages")
            finally:
                cluster.stop()
        else:
            notes.append(f"PostgreSQL not measured: {reason}")
        print("upload …", flush=True)
        upload = _run_child({**base_env, "FACENERVE_DATA_DIR": f"{tmp}/upload"}, args.quick, "upload")
        print("demo patient: landmark correction and report PDF …", flush=True)
        workstation = _run_child({**base_env, "FACENERVE_DATA_DIR": f"{tmp}/demo"}, args.quick, "workstation")
    lines = _report(runs, upload, workstation, notes, args.quick)
    lines += ["", "The patient library's pages (article and search at p95 with 200 articles and 20,000 comments,",
              "on SQLite and PostgreSQL) are measured by `benchmarks/bench_library.py`: [library.md](library.md)."]
    out = ROOT / "benchmarks" / "results" / "web.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def _report(runs: dict[str, dict[str, Any]], upload: dict[str, Any], workstation: dict[str, Any], notes: list[str],
            quick: bool) -> list[str]:
    lines = [
        "# Web benchmark",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}; load average at the end "
        f"{os.getloadavg()[0]:.1f} (1 min)",
        f"- Python {platform.python_version()}; {'quick run' if quick else 'full run'}; in-process Django test client "
        "(middleware, views, templates, database; no network)",
        f"- data: {PATIENTS} patients × {ASSESSMENTS_PER_PATIENT} assessments × {TREATMENTS_PER_PATIENT} treatments, "
        "all in the clinician's care team; the dashboard shows 50 patients a page with their live care alerts",
        "- baseline: the login page (same middleware, one template, no patient data)",
        "",
        "| database | page | p50 ms | p95 ms | target p95 | met | × baseline p95 | queries |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        base95 = _p(run["baseline_login"], 0.95)
        base50 = _p(run["baseline_login"], 0.5)
        lines.append(f"| {name} | login (baseline) | {base50:.1f} | {base95:.1f} | — | — | 1.0 | — |")
        for key, label, queries in (("dashboard", "dashboard, page 1", run["dashboard_queries"]),
                                    ("dashboard_last", "dashboard, page 20", run["dashboard_queries"]),
                                    ("patient", "patient page (random)", run["patient_queries"])):
            p95 = _p(run[key], 0.95)
            met = "yes" if p95 <= PAGE_TARGET_MS else "**no**"
            lines.append(f"| {name} | {label} | {_p(run[key], 0.5):.1f} | {p95:.1f} | {PAGE_TARGET_MS:.0f} | {met} | "
                         f"{p95 / base95:.1f} | {queries} |")
    e95, u95 = _p(upload["engine"], 0.95), _p(upload["upload"], 0.95)
    lines += [
        "",
        f"Photo upload → result page (one {upload['photo_px'][1]}×{upload['photo_px'][0]} px JPEG, smile; validate, "
        "analyse_session, draw, store, save, render the result page), SQLite:",
        "",
        "| step | p50 ms | p95 ms | target p95 | met | × engine p95 |",
        "|---|---|---|---|---|---|",
        f"| engine alone (analyze_session, baseline) | {_p(upload['engine'], 0.5):.1f} | {e95:.1f} | — | — | 1.0 |",
        f"| upload → result page | {_p(upload['upload'], 0.5):.1f} | {u95:.1f} | {UPLOAD_TARGET_MS:.0f} | "
        f"{'yes' if u95 <= UPLOAD_TARGET_MS else '**no**'} | {u95 / e95:.2f} |",
    ]
    lines += _workstation_report(workstation)
    for run_name, run in runs.items():
        lines.append("")
        lines.append(f"{run_name}: loading the data set took {run['load_s']:.1f} s.")
    if notes:
        lines += ["", *[f"- {n}" for n in notes]]
    lines += ["", "The machine is shared with other work; absolute times vary, the ratios less so."]
    return lines


def _workstation_report(run: dict[str, Any]) -> list[str]:
    base50, base95 = _p(run["patient"], 0.5), _p(run["patient"], 0.95)
    rows = (
        ("patient page, HTML (baseline)", "patient"),
        ("printable report, HTML", "report_html"),
        ("landmark correction: save (re-measure, redraw, regrade the session)", "correction_save"),
        ("landmark correction: save → result page", "correction"),
        ("report PDF, clinical", "pdf"),
        ("report PDF, patient's summary", "pdf_patient"),
    )
    lines = [
        "",
        f"Clinician's workstation on the demo patient (SQLite; latest visit of {run['photos']} photos, "
        f"{run['photo_px'][0]}×{run['photo_px'][1]} px; the PDF is {run['pdf_bytes'] / 1e6:.2f} MB). The correction "
        "moves the left mouth corner of the smile photo 4 px up or down in turn (POST, no detection); the PDF is "
        "WeasyPrint drawing the report with its pictures from the image store. Baseline: the demo patient's HTML page "
        f"({run['patient_queries']} queries), requested just before each timed request.",
        "",
        "| step | n | p50 ms | p95 ms | × patient page p50 | × patient page p95 |",
        "|---|---|---|---|---|---|",
    ]
    for label, key in rows:
        p50, p95 = _p(run[key], 0.5), _p(run[key], 0.95)
        lines.append(f"| {label} | {len(run[key])} | {p50:.1f} | {p95:.1f} | {p50 / base50:.1f} | {p95 / base95:.1f} |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
