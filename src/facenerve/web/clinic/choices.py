"""Choice lists for the clinic models (names only; no clinical thresholds live here)."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

from django.db import models

from facenerve import labels as _labels
from facenerve.care.facts import CAUSE_LABELS
from facenerve.care.facts import Cause as CareCause


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not recorded"


class Comorbidity(models.TextChoices):
    DIABETES = "diabetes", "Diabetes"
    HYPERTENSION = "hypertension", "Hypertension"
    PREGNANCY = "pregnancy", "Pregnancy"
    DRY_EYE = "dry_eye", "Dry eye"
    DYSACUSIS = "dysacusis", "Dysacusis"


class PalsySide(models.TextChoices):
    """The patient's side."""

    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Bilateral"


class BodySide(models.TextChoices):
    """The patient's side, for injections."""

    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class Cause(models.TextChoices):
    """The care pathway's causes, with their labels (``facenerve.care.facts.CAUSE_LABELS``)."""

    BELLS = "bells", CAUSE_LABELS[CareCause.BELLS]
    RAMSAY_HUNT = "ramsay_hunt", CAUSE_LABELS[CareCause.RAMSAY_HUNT]
    TRAUMA = "trauma", CAUSE_LABELS[CareCause.TRAUMA]
    TUMOUR_OR_SURGERY = "tumour_or_surgery", CAUSE_LABELS[CareCause.TUMOUR_OR_SURGERY]
    CENTRAL = "central", CAUSE_LABELS[CareCause.CENTRAL]
    CONGENITAL = "congenital", CAUSE_LABELS[CareCause.CONGENITAL]
    OTHER = "other", CAUSE_LABELS[CareCause.OTHER]


class TeamRole(models.TextChoices):
    NEUROLOGIST = "neurologist", "Neurologist"
    ENT = "ent", "ENT surgeon"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    PLASTIC_SURGEON = "plastic_surgeon", "Plastic surgeon"


class TreatmentKind(models.TextChoices):
    MEDICATION = "medication", "Medication"
    THERAPY = "therapy", "Therapy session"
    BOTULINUM_TOXIN = "botulinum_toxin", "Botulinum toxin injection"
    PROCEDURE = "procedure", "Procedure"


#: Treatment names offered per kind: defined once, with their labels, in facenerve.labels; "other" names are free
#: text.
TREATMENT_NAMES = _labels.TREATMENT_NAMES
ALL_TREATMENT_NAMES = tuple(name for names in TREATMENT_NAMES.values() for name in names)
TREATMENT_NAME_LABELS = dict(ALL_TREATMENT_NAMES)


class Muscle(models.TextChoices):
    """Botulinum toxin targets named in the reference [S60, S65, S68]."""

    ORBICULARIS_OCULI = "orbicularis_oculi", "Orbicularis oculi"
    ZYGOMATICUS = "zygomaticus", "Zygomaticus"
    MENTALIS = "mentalis", "Mentalis"
    PLATYSMA = "platysma", "Platysma"
    DEPRESSOR_ANGULI_ORIS = "depressor_anguli_oris", "Depressor anguli oris"
    BUCCINATOR = "buccinator", "Buccinator"
    FRONTALIS = "frontalis", "Frontalis"
    OTHER = "other", "Other"


#: ``Assessment.summary_sources`` of a figure read from a FHIR Bundle, by the Bundle's method for it (``automated``,
#: ``clinician`` or none stated): shown as imported (:data:`facenerve.labels.SOURCES`), exported with that method.
IMPORTED_SOURCES: dict[str, str] = {"automated": "imported", "clinician": "imported_clinician", "": "imported_unstated"}
#: The Bundle method each imported source goes back to on export (none for ``imported_unstated``).
IMPORTED_METHODS: dict[str, str] = {"imported": "automated", "imported_clinician": "clinician"}
#: Sources the care pathway reads as automated estimates: they may raise a concern but never settle one. An imported
#: figure whose method was automated, or not stated, is one of them.
AUTOMATED_SOURCES = frozenset({"automated", "imported", "imported_unstated"})
