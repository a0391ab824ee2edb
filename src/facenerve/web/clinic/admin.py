"""Django admin for the clinic records."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from django.contrib import admin

from facenerve.web.clinic.models import (
    AlertDismissal,
    Assessment,
    AssessmentPhoto,
    CareTeam,
    CareTeamMember,
    Episode,
    Patient,
    Treatment,
)


class MemberInline(admin.TabularInline):
    model = CareTeamMember
    extra = 1


@admin.register(CareTeam)
class CareTeamAdmin(admin.ModelAdmin):
    inlines = (MemberInline,)
    search_fields = ("name",)


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ("identifier", "birth_date", "sex", "care_team")
    list_filter = ("care_team",)
    search_fields = ("identifier",)


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ("patient", "onset_date", "side", "cause", "complete_at_onset", "recurrence")
    list_select_related = ("patient",)


class PhotoInline(admin.TabularInline):
    model = AssessmentPhoto
    extra = 0
    readonly_fields = ("expression", "image_sha256", "annotated_sha256", "width_px", "height_px")
    exclude = ("result",)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("episode", "taken_on", "asymmetry_index_mm", "house_brackmann", "sunnybrook_composite")
    list_select_related = ("episode__patient",)
    inlines = (PhotoInline,)


@admin.register(Treatment)
class TreatmentAdmin(admin.ModelAdmin):
    list_display = ("episode", "kind", "name", "start", "stop")
    list_filter = ("kind",)
    list_select_related = ("episode__patient",)


@admin.register(AlertDismissal)
class AlertDismissalAdmin(admin.ModelAdmin):
    list_display = ("episode", "rule", "instance_on", "dismissed_by", "dismissed_at")
    list_select_related = ("episode__patient", "dismissed_by")
