"""The demo patient has photo sessions (issue 20): a left palsy recovering over the visits, simulated from
scikit-image's astronaut, analysed through the upload path and stored, so the demo shows annotated pictures."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django.urls import reverse

from facenerve.web.clinic.demo import DEMO_CLINICIAN, DEMO_PATIENT, load_demo
from facenerve.web.clinic.demo_photos import EXPRESSIONS, PHOTO_VISITS
from facenerve.web.clinic.models import Assessment, AssessmentPhoto


def test_demo_visits_have_annotated_photos_of_a_recovering_left_palsy(db: Any) -> None:
    started = time.perf_counter()
    load_demo()
    print(f"load_demo with photos: {time.perf_counter() - started:.2f} s")
    with_photos = list(Assessment.objects.filter(episode__patient__identifier=DEMO_PATIENT, photos__isnull=False)
                       .distinct().order_by("taken_on"))
    assert len(with_photos) == len(PHOTO_VISITS)
    photos = AssessmentPhoto.objects.filter(assessment__in=with_photos)
    assert photos.count() == len(PHOTO_VISITS) * len(EXPRESSIONS)
    assert all(p.annotated_sha256 and p.landmarks for p in photos)
    assert [a.affected_side for a in with_photos] == ["left"] * len(PHOTO_VISITS)
    asymmetry = [a.asymmetry_index_mm for a in with_photos]
    assert asymmetry == sorted(asymmetry, reverse=True) and asymmetry[0] > asymmetry[-1] + 1  # recovering
    assert all(a.engine_result for a in with_photos)

    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=DEMO_CLINICIAN))
    first = with_photos[0]
    page = client.get(reverse("clinic:assessment", kwargs={"pk": first.pk})).content.decode()
    annotated = first.photos.first()
    assert annotated is not None and f"/images/{annotated.annotated_sha256}" in page
    image = client.get(reverse("clinic:image", kwargs={"sha256": annotated.annotated_sha256}))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    compare = client.get(reverse("clinic:compare", kwargs={"pk": first.episode.patient_id}),
                         {"a": first.pk, "b": with_photos[-1].pk})
    assert compare.status_code == 200 and compare.content.decode().count("/images/") >= 2
    load_demo()  # idempotent: no second set of photos
    assert AssessmentPhoto.objects.filter(assessment__in=with_photos).count() == photos.count()
