"""Clinic data model: care teams, patients, episodes, assessments (with stored photos), treatments.

Images live outside the database in the content-addressed store (``storage.py``); rows keep their sha256.
Sides are always the patient's.
"""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

from django.conf import settings
from django.db import models

from facenerve.protocol import Expression
from facenerve.web.clinic.choices import (
    ALL_TREATMENT_NAMES,
    BodySide,
    Cause,
    Muscle,
    PalsySide,
    Sex,
    TeamRole,
    TreatmentKind,
)

EXPRESSION_CHOICES = [(e.value, e.value.replace("_", " ")) for e in Expression]


class CareTeam(models.Model):
    """A team of clinicians who share the care of a set of patients."""

    name = models.CharField(max_length=120, unique=True)

    def __str__(self) -> str:
        return str(self.name)


class CareTeamMember(models.Model):
    """A user's membership of a care team, with their clinical role."""

    team = models.ForeignKey(CareTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_memberships")
    role = models.CharField(max_length=32, choices=TeamRole.choices)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("team", "user"), name="one_membership_per_team"),)

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.team}"


class Patient(models.Model):
    """A person with facial palsy, cared for by one care team."""

    # Unique within the care team, not across the clinic: registering one cannot reveal another team's patients.
    identifier = models.CharField(max_length=64, help_text="Clinic identifier (not a name), unique in its team.")
    birth_date = models.DateField()
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.UNKNOWN)
    comorbidities = models.JSONField(default=list, blank=True, help_text="Codes from Comorbidity.")
    care_team = models.ForeignKey(CareTeam, on_delete=models.PROTECT, related_name="patients")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("identifier",)
        constraints = [  # noqa: RUF012 (Django reads it)
            models.UniqueConstraint(fields=("care_team", "identifier"), name="clinic_patient_identifier_per_team"),
        ]
        indexes = [models.Index(fields=("identifier",), name="clinic_patient_identifier")]  # noqa: RUF012

    def __str__(self) -> str:
        return str(self.identifier)


class Episode(models.Model):
    """One episode of facial palsy: onset, side, cause, severity at onset."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="episodes")
    onset_date = models.DateField()
    side = models.CharField(max_length=16, choices=PalsySide.choices)
    cause = models.CharField(max_length=32, choices=Cause.choices, default=Cause.BELLS)
    complete_at_onset = models.BooleanField(help_text="Complete (not incomplete) paralysis at onset.")
    recurrence = models.BooleanField(default=False)
    onset_time = models.TimeField(null=True, blank=True,
                                  help_text="Time of onset in the clinic's time zone, when known (the 72-hour steroid "
                                            "window ends at that hour).")

    class Meta:
        ordering = ("-onset_date", "-id")
        indexes = (models.Index(fields=("patient", "-onset_date")),)

    def __str__(self) -> str:
        return f"{self.patient} · {self.get_side_display()} · {self.onset_date}"


class Assessment(models.Model):
    """One assessment: a photo session with engine results, clinician scale scores and questionnaires.

    The summary columns (asymmetry, grades, eye closure, synkinesis) are what the care pathway and the
    timeline read; clinician-entered values take precedence over automated ones.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="assessments")
    taken_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    engine_result = models.JSONField(null=True, blank=True, help_text="Engine output document (schema field).")
    asymmetry_index_mm = models.FloatField(null=True, blank=True)
    affected_side = models.CharField(max_length=16, blank=True, default="")
    house_brackmann = models.PositiveSmallIntegerField(null=True, blank=True)
    sunnybrook_composite = models.FloatField(null=True, blank=True)
    eface_total = models.FloatField(null=True, blank=True)
    eye_closure_complete = models.BooleanField(null=True, blank=True)
    lagophthalmos_mm = models.FloatField(null=True, blank=True)
    synkinesis_score = models.FloatField(null=True, blank=True)
    scale_scores = models.JSONField(default=dict, blank=True, help_text="Clinician scale entries and results.")
    questionnaires = models.JSONField(default=dict, blank=True, help_text="Patient questionnaire answers.")
    notes = models.TextField(blank=True, default="")
    summary_sources = models.JSONField(
        default=dict, blank=True, help_text='Summary column → "automated" (session estimate) or "clinician".'
    )

    class Meta:
        ordering = ("taken_on", "id")
        indexes = (models.Index(fields=("episode", "taken_on")),)

    def __str__(self) -> str:
        return f"{self.episode.patient} · {self.taken_on}"


class AssessmentPhoto(models.Model):
    """One photo of a session: the expression, the stored original and its annotated picture."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="photos")
    expression = models.CharField(max_length=32, choices=EXPRESSION_CHOICES)
    image_sha256 = models.CharField(max_length=64, db_index=True)
    annotated_sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)
    width_px = models.PositiveIntegerField()
    height_px = models.PositiveIntegerField()
    result = models.JSONField(help_text="facenerve.photo/1 document.")
    landmarks = models.JSONField(
        null=True, blank=True,
        help_text="The measuring landmarks (facenerve.landmarks/1) and what re-measuring them needs; a hand "
                  "correction keeps the automatic ones under 'automatic'.",
    )

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(fields=("assessment", "expression"), name="one_photo_per_expression"),
        )


class Treatment(models.Model):
    """One treatment record: a medication course, a therapy session, an injection or a procedure."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="treatments")
    kind = models.CharField(max_length=32, choices=TreatmentKind.choices)
    name = models.CharField(max_length=64, choices=ALL_TREATMENT_NAMES)
    start = models.DateField()
    stop = models.DateField(null=True, blank=True)
    dose = models.CharField(max_length=120, blank=True, default="", help_text="Medication dose, e.g. 50 mg daily.")
    muscle = models.CharField(max_length=32, choices=Muscle.choices, blank=True, default="")
    side = models.CharField(max_length=16, choices=BodySide.choices, blank=True, default="")
    units = models.FloatField(null=True, blank=True, help_text="Botulinum toxin units.")
    notes = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("start", "id")
        indexes = (models.Index(fields=("episode", "start")),)

    def __str__(self) -> str:
        return f"{self.get_name_display()} from {self.start}"


class AlertDismissal(models.Model):
    """A clinician's dismissal of one instance of a care alert for an episode: its rule and the date that names the
    instance (when its condition began, else its due date), so an alert that clears and comes back shows again.

    Only alerts the care pathway marks dismissible can be dismissed; red flags never are, and the pages show them
    whatever rows exist here.
    """

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="alert_dismissals")
    rule = models.CharField(max_length=64)
    instance_on = models.DateField(null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("episode", "rule", "instance_on"),
                                               name="one_dismissal_per_alert_instance"),)
