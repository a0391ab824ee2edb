"""Forms: photo session upload, treatment, clinician observations, and scale forms generated from SCALES."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

from typing import Any

from django import forms

from facenerve.labels import FREE_TEXT_MAX
from facenerve.protocol import Expression
from facenerve.web.clinic.choices import (
    TREATMENT_NAMES,
    BodySide,
    Cause,
    Comorbidity,
    Muscle,
    PalsySide,
    Sex,
    TreatmentKind,
)
from facenerve.web.clinic.clock import clinic_today

PHOTO_FIELD_PREFIX = "photo_"
IMAGE_TYPES = "image/jpeg,image/png,image/webp,image/bmp,image/tiff"


def photo_field(expression: Expression) -> str:
    """The form field name of one expression's photo."""
    return PHOTO_FIELD_PREFIX + expression.value


class PhotoSessionForm(forms.Form):
    """One optional photo per standard expression [S78] and the date taken."""

    taken_on = forms.DateField(initial=clinic_today, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for expression in Expression:
            self.fields[photo_field(expression)] = forms.FileField(
                required=False,
                label=expression.value.replace("_", " "),
                widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
            )

    def photo_fields(self) -> list[forms.BoundField]:
        return [self[photo_field(e)] for e in Expression]


class TreatmentForm(forms.Form):
    """A treatment record; the service checks kind-specific fields (name per kind, injection details)."""

    kind = forms.ChoiceField(choices=TreatmentKind.choices)
    name = forms.ChoiceField(choices=[*((dict(TreatmentKind.choices)[kind], list(names))
                                        for kind, names in TREATMENT_NAMES.items()),
                                      ("other", "Other (not listed): type its name")])
    other_name = forms.CharField(required=False, max_length=FREE_TEXT_MAX, label="Other name",
                                 help_text="Free text, shown as such; the care pathway does not read it as a "
                                           "listed drug")
    start = forms.DateField(initial=clinic_today, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    stop = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    dose = forms.CharField(required=False, max_length=120, help_text="Medication only, e.g. 50 mg daily")
    muscle = forms.ChoiceField(required=False, choices=[("", "—"), *Muscle.choices], help_text="Injection only")
    side = forms.ChoiceField(required=False, choices=[("", "—"), *BodySide.choices], help_text="Patient's side")
    units = forms.FloatField(required=False, min_value=0.1, max_value=1000, help_text="Injection units")
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


ONSET_SEVERITY = [("complete", "complete paralysis"), ("incomplete", "incomplete paralysis")]


class EpisodeForm(forms.Form):
    """A palsy episode: onset, the patient's side, cause, severity at onset, recurrence."""

    onset_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    onset_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                 help_text="If known: the 72-hour steroid window ends at this hour")
    side = forms.ChoiceField(choices=PalsySide.choices, help_text="The patient's side")
    cause = forms.ChoiceField(choices=Cause.choices)
    severity_at_onset = forms.ChoiceField(choices=ONSET_SEVERITY, label="At onset")
    recurrence = forms.BooleanField(required=False)


class PatientForm(EpisodeForm):
    """A new patient in one of the clinician's care teams, with their first episode."""

    identifier = forms.CharField(max_length=64, help_text="Clinic identifier (not a name)")
    birth_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN)
    comorbidities = forms.MultipleChoiceField(choices=Comorbidity.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    care_team = forms.TypedChoiceField(coerce=int, choices=())
    field_order = ("identifier", "birth_date", "sex", "comorbidities", "care_team")

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_team"].choices = teams


class PatientEditForm(forms.Form):
    """A patient's own details; the care team can be any of the clinician's teams."""

    identifier = PatientForm.base_fields["identifier"]
    birth_date = PatientForm.base_fields["birth_date"]
    sex = PatientForm.base_fields["sex"]
    comorbidities = PatientForm.base_fields["comorbidities"]
    care_team = forms.TypedChoiceField(coerce=int, choices=(), help_text="Move to another of your care teams")

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["care_team"].choices = teams


class AssessmentEditForm(forms.Form):
    """The date of an assessment and the clinician's notes (photos, scales and observations have their own pages)."""

    taken_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class EyeClosureSelect(forms.NullBooleanSelect):
    """Unknown / complete / incomplete, keeping the selection of a stored value."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("unknown", "not recorded"), ("true", "complete"), ("false", "incomplete")]


#: The largest lagophthalmos (mm) a clinician may record: more than a whole palpebral fissure is a typo.
LAGOPHTHALMOS_RANGE = (0.0, 30.0)


class ObservationForm(forms.Form):
    """Clinician observations the care pathway reads: eye closure and lagophthalmos (mm)."""

    eye_closure_complete = forms.NullBooleanField(required=False, widget=EyeClosureSelect,
                                                  label="Eye closure")
    lagophthalmos_mm = forms.FloatField(required=False, min_value=LAGOPHTHALMOS_RANGE[0],
                                        max_value=LAGOPHTHALMOS_RANGE[1], label="Lagophthalmos (mm)")


def scale_form_class(spec: Any) -> type[forms.Form]:
    """A form with one field per item of ``spec`` (a ``facenerve.scales`` ScaleSpec)."""
    fields: dict[str, forms.Field] = {}
    for item in spec.items:
        label = item.label
        help_text = getattr(item, "help", "") or item.describe_allowed()
        if item.choices:
            choices = [("", "—")] + [(str(points), f"{name} ({points})") for name, points in item.choices]
            fields[_field_name(item.key)] = forms.TypedChoiceField(
                choices=choices, coerce=_number, empty_value=None, required=item.required, label=label,
                help_text=help_text,
            )
        elif item.allowed is not None:
            choices = [("", "—")] + [(str(v), _fmt(v)) for v in sorted(item.allowed)]
            fields[_field_name(item.key)] = forms.TypedChoiceField(
                choices=choices, coerce=_number, empty_value=None, required=item.required, label=label,
                help_text=help_text,
            )
        else:
            fields[_field_name(item.key)] = forms.FloatField(
                required=item.required, min_value=item.minimum, max_value=item.maximum, label=label,
                help_text=help_text,
            )
    return type(f"{spec.name.title()}Form", (forms.Form,), fields)


def scale_data(spec: Any, cleaned: dict[str, Any]) -> dict[str, Any]:
    """The cleaned form values as the scale's item mapping (dotted keys; blanks left out)."""
    data = {}
    for item in spec.items:
        value = cleaned.get(_field_name(item.key))
        if value is not None:
            data[item.key] = value
    return data


def _field_name(key: str) -> str:
    return key.replace(".", "__")


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
