"""Clinic page URLs."""

from django.urls import path

from facenerve.web.clinic import views, views_correction, views_exports, views_records, views_visits

app_name = "clinic"
urlpatterns = [
    path("", views.home, name="home"),
    path("patients/", views.dashboard, name="dashboard"),
    path("patients/new/", views.patient_new, name="patient_new"),
    path("patients/<int:pk>/", views.patient_detail, name="patient"),
    path("patients/<int:pk>/episodes/new/", views.episode_new, name="episode_new"),
    path("patients/<int:pk>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("patients/<int:pk>/treatments/new/", views.treatment_new, name="treatment_new"),
    path("patients/<int:pk>/alerts/dismiss/", views.alert_dismiss, name="alert_dismiss"),
    path("patients/<int:pk>/alerts/undismiss/", views.alert_undismiss, name="alert_undismiss"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/scales/<slug:scale>/", views.scale_entry, name="scale"),
    path("assessments/<int:pk>/observations/", views.observations, name="observations"),
    path("images/<str:sha256>", views.stored_image, name="image"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("patients/<int:pk>/compare/", views_visits.compare_visits, name="compare"),
    path("patients/<int:pk>/report/", views_visits.report, name="report"),
    path("patients/<int:pk>/report.pdf", views_visits.report_pdf, name="report_pdf"),
    path("patients/<int:pk>/export.csv", views_exports.export_csv, name="export_csv"),
    path("patients/<int:pk>/export.xlsx", views_exports.export_xlsx, name="export_xlsx"),
    path("photos/<int:pk>/landmarks/", views_correction.landmarks, name="landmarks"),
    path("photos/<int:pk>/aligned.png", views_visits.photo_aligned, name="photo_aligned"),
    path("photos/<int:pk>/landmarks/reset/", views_correction.landmarks_reset, name="landmarks_reset"),
    path("patients/<int:pk>/edit/", views_records.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/delete/", views_records.patient_delete, name="patient_delete"),
    path("episodes/<int:pk>/edit/", views_records.episode_edit, name="episode_edit"),
    path("episodes/<int:pk>/delete/", views_records.episode_delete, name="episode_delete"),
    path("assessments/<int:pk>/edit/", views_records.assessment_edit, name="assessment_edit"),
    path("assessments/<int:pk>/delete/", views_records.assessment_delete, name="assessment_delete"),
    path("treatments/<int:pk>/edit/", views_records.treatment_edit, name="treatment_edit"),
    path("treatments/<int:pk>/delete/", views_records.treatment_delete, name="treatment_delete"),
]
