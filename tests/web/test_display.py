"""Display fixes from the new-user trial: each page says one thing, in words a clinician reads, with its sources."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from typing import Any

from django.urls import reverse

from .conftest import World, signed_in
from .test_workstation import visible_text

#: The automated part of a demo session (assessment of 2026-11-22 in the trial), as the engine stores it.
ENGINE: dict[str, Any] = {
    "affected_side": {
        "side": "none",
        "basis": "all photos pooled: none (probability 0.72); evidence in units of normal asymmetry (docs/metrics.md)",
        "pooled": {"side": "none", "confidence": 0.718, "probabilities": {"none": 0.718, "left": 0.216,
                                                                             "right": 0.067}},
    },
    "scores": {
        "eface": {
            "static": 96.43, "dynamic": 90.9, "synkinesis": 99.7, "total": 94.48, "partial": True,
            "missing": ["static.nasolabial_fold_depth"],
            "derivation": [
                "static = mean of brow 91.9 → 91.9, palpebral_fissure 101.6 → 98.4, oral_commissure 101 → 99 "
                "(0–200 items folded as 100 − |x − 100|) = 96.43, 3 of 4 items [S10, S12; provisional]",
                "dynamic = mean of nasolabial_fold_orientation_smile 92.3, oral_commissure_smile 89.5 = 90.90, "
                "2 of 7 items [S10, S12; provisional]",
            ],
            "sources": ["S10"], "provisional": True,
        },
        "sunnybrook": {
            "resting": 0, "missing": ["voluntary.brow_lift"], "provisional": True, "sources": ["S4"],
            "derivation": ["provisional: the resting item points come from a secondary source [S6; V2], not yet "
                           "the primary paper [S4]"],
        },
        "house_brackmann": {
            "missing": ["brow_excursion_mm.left", "brow_excursion_mm.right", "eye_closure_complete"],
            "provisional": True, "sources": ["S85"],
            "derivation": ["graded side left (all photos pooled: left (probability 1.00); evidence in units of "
                           "normal asymmetry (docs/metrics.md))"],
        },
    },
}




def _assessment_page(world: World, **fields: Any) -> str:
    assessment = world.assessment_b1
    assessment.engine_result = copy.deepcopy(ENGINE)
    assessment.affected_side = "left"
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.save()
    url = reverse("clinic:assessment", kwargs={"pk": assessment.pk})
    return str(signed_in(world.clinician_b).get(url).content.decode())


def test_recorded_eye_closure_is_not_called_missing(world: World) -> None:
    text = visible_text(_assessment_page(world, eye_closure_complete=True))
    summary = re.search(r"House–Brackmann, grade: not estimated.*?(?=graded side)", text)
    assert summary is not None
    assert "Eye closure complete" not in summary.group(0)
    assert "missing: Superior movement of the mid-brow, patient's left side (mm); Superior movement of the mid-brow, " \
           "patient's right side (mm))" in summary.group(0)
    assert "not measured in the photos: Eye closure on the weaker side (recorded by the clinician: complete)" \
        in summary.group(0)
    unrecorded = visible_text(_assessment_page(world, eye_closure_complete=None))
    assert "right side (mm); Eye closure on the weaker side)" in unrecorded  # not recorded: missing it is


def test_affected_side_names_each_source(world: World) -> None:
    text = visible_text(_assessment_page(world))
    assert ("Affected side (patient's) recorded: patient's left · photos pooled: no side beyond normal asymmetry "
            "(probability 0.72)") in text
    assert "none (probability" not in text


def test_scores_block_shows_the_automated_estimate_when_the_summary_is_empty(world: World) -> None:
    text = visible_text(_assessment_page(world, eface_total=None))
    assert re.search(r"eFACE total 94\.48 automated estimate \(partial; from the photo session", text), text
    assert "eFACE total —" not in text
    recorded = visible_text(_assessment_page(world, eface_total=80.0))
    assert "eFACE total 80" in recorded and "eFACE total 94.48" not in recorded


def test_derivations_show_labels_no_paths_and_linked_sources(world: World) -> None:
    page = _assessment_page(world)
    text = visible_text(page)
    for key in ("palpebral_fissure", "oral_commissure", "nasolabial_fold_orientation_smile", "Brow excursion mm",
                "docs/metrics.md", "docs/", "V2"):
        assert key not in text, key
    assert "Palpebral fissure at rest 101.6 → 98.4" in text
    assert "Nasolabial fold orientation with smile 92.3" in text
    assert "Superior movement of the mid-brow, patient's left side (mm)" in text
    assert "graded side: patient's left (all photos pooled: patient's left (probability 1.00); evidence in units of " \
           "normal asymmetry)" in text
    assert '[<a class="ref" href="/learn/references/#S6">S6</a>; <abbr' in page
    assert '[<a class="ref" href="/learn/references/#S10">S10</a>, <a class="ref" href="/learn/references/#S12">S12' \
           '</a>; provisional]' in page


def test_correction_time_in_the_one_date_format(world: World) -> None:
    photo = world.photo_b1
    photo.result = {**photo.result, "corrected": {"by": "dr-x", "at": "2026-12-07T04:11:41+00:00"}}
    photo.save()
    text = visible_text(signed_in(world.clinician_b).get(
        reverse("clinic:assessment", kwargs={"pk": world.assessment_b1.pk})).content.decode())
    assert "T04:11" not in text and "+00:00" not in text
    assert re.search(r"scale [\d.]+ mm per pixel, from", text)  # the photo's scale is still told
    assert re.search(r"corrected by dr-x on \d{4}-\d{2}-\d{2} \d{2}:\d{2};", text), text


def test_percent_of_reference_is_explained(world: World) -> None:
    page = _assessment_page(world)
    assert '<abbr title="the other side as a percentage of the reference side' in page
    assert "the healthy side when an affected side was found, otherwise the side with the larger value" in page


def _eface_doc(lines: int) -> dict[str, Any]:
    doc = copy.deepcopy(ENGINE)
    doc["scores"]["eface"]["derivation"] = [f"step {n} of the eFACE workings [S10]" for n in range(lines)]
    return doc


def test_report_prints_the_timeline_table_the_whole_derivation_and_one_footer(world: World) -> None:
    from facenerve.web.clinic.models import Treatment

    assessment = world.assessment_b1
    assessment.engine_result = _eface_doc(9)
    assessment.save()
    Treatment.objects.create(episode=world.episode_b1, kind="medication", name="prednisolone",
                             start=world.episode_b1.onset_date)
    page = signed_in(world.clinician_b).get(reverse("clinic:report", kwargs={"pk": world.patient_b1.pk})) \
        .content.decode()
    text = visible_text(page)
    assert text.count("Decision support only") == 1
    assert page.count("<table class=\"report-series\"") == 1 and "The timeline's values as a table" not in text
    assert all(f"step {n} of the eFACE workings" in text for n in range(9))
    assert '<a class="ref" href="/learn/references/#S10">S10</a>' in page
    assert "eFACE total 94.48 automated estimate" in text  # the latest visit's block agrees with the workings


def test_timeline_legend_lists_only_what_is_drawn(world: World) -> None:
    from facenerve.web.clinic.models import Treatment

    Treatment.objects.create(episode=world.episode_b1, kind="medication", name="prednisolone",
                             start=world.episode_b1.onset_date)
    page = signed_in(world.clinician_b).get(reverse("clinic:patient", kwargs={"pk": world.patient_b1.pk})) \
        .content.decode()
    legend = re.search(r'<p class="legend">(.*?)</p>', page)
    assert legend is not None
    assert "medication" in legend.group(1)
    for absent in ("procedure", "therapy", "botulinum toxin"):
        assert absent not in legend.group(1), absent


def _css_background(css: str, selector: str) -> str | None:
    found = re.findall(r"(?:^|[}\n])" + re.escape(selector) + r"\{background:(#[0-9a-f]{6})", css)
    return found[-1] if found else None


def test_overdue_badge_colour_follows_the_alert_level() -> None:
    """An overdue INFO alert wore the red-flag red badge (trial: "reinjection can be considered")."""
    from pathlib import Path

    import facenerve.web.clinic as clinic

    css = (Path(clinic.__file__).parent / "static" / "facenerve" / "app.css").read_text()
    red = _css_background(css, ".badge.overdue")
    assert red == "#c92a2a"  # red flags keep the red overdue badge
    for level in ("info", "advisory", "urgent"):
        badge = _css_background(css, f".alert.sev-{level} .badge.overdue")
        card = _css_background(css, f".alert.sev-{level}.overdue")
        assert badge is not None and badge != red, level
        assert card is not None and card != "#fff5f5", level


def test_side_and_severity_are_told_together_on_the_page_and_the_panel(world: World) -> None:
    """Trial: "severity 0 (0 = within normal asymmetry) · weaker side: patient's right (probability 0.676)"."""
    from facenerve.engine.draw import side_lines

    photo = world.photo_b1
    photo.result = {**photo.result, "asymmetry": {**(photo.result.get("asymmetry") or {}), "index": 1.2,
                                                  "affected_side": "right", "confidence": 0.676, "severity": 0.0}}
    photo.save()
    page = signed_in(world.clinician_b).get(reverse("clinic:assessment", kwargs={"pk": world.assessment_b1.pk}))
    line = re.search(r'<p class="photo-asymmetry">(.*?)</p>', page.content.decode(), re.S)
    assert line is not None
    text = visible_text(line.group(1))
    assert "within normal asymmetry (severity 0); leans toward the patient's right (probability 0.68)" in text
    assert "weaker side" not in text
    panel = [t for t, _ in side_lines("right", 0.676, 0.0)]
    assert panel == ["Within normal asymmetry (severity 0)", "leans toward patient's RIGHT (probability 0.68)"]
    beyond = [t for t, _ in side_lines("left", 0.993, 0.17)]
    assert beyond == ["Weaker side: patient's LEFT (probability 0.99)", "Severity 0.2 (0 = within normal asymmetry)"]


def _visit(world: World, days: int, *, photo: bool, **fields: Any) -> Any:
    from facenerve.web.clinic.models import Assessment, AssessmentPhoto

    visit = Assessment.objects.create(episode=world.episode_b1, taken_on=world.assessment_b1.taken_on
                                      + timedelta(days=days), **fields)
    if photo:
        source = world.photo_b1
        AssessmentPhoto.objects.create(assessment=visit, expression=source.expression,
                                       image_sha256=source.image_sha256, annotated_sha256=source.annotated_sha256,
                                       width_px=source.width_px, height_px=source.height_px, result=source.result)
    return visit


def test_comparison_prefers_the_nearest_visits_with_photos_and_says_so(world: World) -> None:
    from facenerve.web.clinic.models import Treatment

    world.episode_b1.onset_date = world.assessment_b1.taken_on - timedelta(days=30)
    world.episode_b1.save()
    world.assessment_b1.taken_on -= timedelta(days=20)
    world.assessment_b1.save()
    photographed = _visit(world, 10, photo=True)
    _visit(world, 14, photo=False)
    _visit(world, 16, photo=False)
    client = signed_in(world.clinician_b)
    url = reverse("clinic:compare", kwargs={"pk": world.patient_b1.pk})
    body = client.get(url).content.decode()
    assert f'value="{world.assessment_b1.pk}" selected' in body and f'value="{photographed.pk}" selected' in body
    assert "nearest visits with photos" in visible_text(body) and 'class="card pair"' in body
    toxin = Treatment.objects.create(episode=world.episode_b1, kind="botulinum_toxin", name="botulinum_toxin",
                                     start=photographed.taken_on + timedelta(days=1), muscle="mentalis", side="left",
                                     units=5)
    later = _visit(world, 20, photo=True)
    around = client.get(f"{url}?treatment={toxin.pk}").content.decode()
    assert f'value="{photographed.pk}" selected' in around and f'value="{later.pk}" selected' in around
    assert "nearest visits with photos" in visible_text(around)
    bare = _visit(world, 22, photo=False)
    chosen = visible_text(client.get(f"{url}?a={later.pk}&b={bare.pk}").content.decode())
    assert "No photos at this visit" in chosen


def test_changes_are_computed_from_the_figures_shown() -> None:
    from facenerve.web.clinic.compare import grade_change, shown_change

    assert shown_change("9.4", "9.2") == "−0.2"
    assert shown_change("7.5", "7.4") == "−0.1"
    assert shown_change("3.8 mm", "0.8 mm") == "−3.0"  # one decimal, as the figures beside it
    assert shown_change("44", "64") == "+20" and shown_change("9.1", "9.1") == "no change"
    assert shown_change("—", "9.1") == "—"
    assert grade_change(4, 2) == "2 grades better (IV → II)"
    assert grade_change(3, 4) == "1 grade worse (III → IV)" and grade_change(3, 3) == "no change"
