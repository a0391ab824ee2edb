"""Seeded random courses: evaluate and prognosis always answer (alerts well formed, JSON out), never crash."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from facenerve.care import AssessmentFacts, Cause, Severity, TreatmentFacts, evaluate, prognosis
from tests.care.conftest import ONSET, episode


def random_course(rng: random.Random) -> tuple[list[AssessmentFacts], list[TreatmentFacts]]:
    assessments = []
    for _ in range(rng.randint(0, 12)):
        assessments.append(AssessmentFacts(
            on=ONSET + timedelta(days=rng.randint(0, 500)),
            asymmetry_index_mm=rng.choice([None, rng.uniform(0, 15)]),
            house_brackmann=rng.choice([None, rng.randint(1, 6)]),
            sunnybrook_composite=rng.choice([None, rng.uniform(-15, 100)]),
            eface_total=rng.choice([None, rng.uniform(0, 100)]),
            eye_closure_complete=rng.choice([None, True, False]),
            lagophthalmos_mm=rng.choice([None, rng.uniform(0, 5)]),
            synkinesis_score=rng.choice([None, float(rng.randint(0, 15))]),
        ))
    treatments = [
        TreatmentFacts(kind=kind, name=name, start=ONSET + timedelta(days=rng.randint(0, 500)))
        for kind, name in rng.sample([("medication", "prednisolone"), ("medication", "valaciclovir"),
                                      ("therapy", "physiotherapy"), ("botulinum_toxin", "botulinum_toxin"),
                                      ("botulinum_toxin", "botulinum_toxin"), ("procedure", "nerve_transfer")],
                                     k=rng.randint(0, 5))
    ]
    return assessments, treatments


def test_random_courses_never_crash() -> None:
    rng = random.Random(20261121)
    for _ in range(150):
        ep = episode(
            cause=rng.choice(list(Cause)), side=rng.choice(["left", "right", "bilateral"]),
            complete_at_onset=rng.choice([None, True, False]), recurrence=rng.random() < 0.3,
            previous_sides=tuple(rng.sample(["left", "right", "bilateral"], k=rng.randint(0, 2))),
            comorbidities=frozenset(rng.sample(["diabetes", "pregnancy", "dry_eye", "dysacusis"], k=rng.randint(0, 2))),
        )
        assessments, treatments = random_course(rng)
        today = ONSET + timedelta(days=rng.randint(0, 700))
        alerts = evaluate(ep, assessments, treatments, today)
        for alert in alerts:
            assert alert.title and alert.explanation and alert.sources
            assert alert.dismissible is (alert.severity is not Severity.RED_FLAG)
        result = prognosis(ep, assessments, treatments, today)
        data = json.loads(json.dumps(result.to_dict()))
        assert "Estimate" in data["label"]
        assert result.fitted or result.reason
        p = result.probability_complete
        assert p is None or 0.0 <= p <= 1.0
