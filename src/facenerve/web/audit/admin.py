"""The audit trail in the Django admin: administrators see, filter and export it; nobody can add, change or delete."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import URLPattern, path

from facenerve.web.accounts.ratelimit import client_address
from facenerve.web.audit.export import csv_lines
from facenerve.web.audit.models import AuditEvent
from facenerve.web.audit.record import record


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "address", "action", "object_type", "object_id", "status", "method", "path")
    list_filter = ("action", "object_type", "status", "at")
    search_fields = ("username", "object_id", "address", "path")
    date_hierarchy = "at"
    list_per_page = 100
    change_list_template = "admin/audit/auditevent/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def get_urls(self) -> list[URLPattern]:
        export = path("export.csv", self.admin_site.admin_view(self.export_csv), name="audit_auditevent_export")
        return [export, *super().get_urls()]

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        """The events the change list shows with the same filters and search, as CSV (the export is audited)."""
        if not self.has_view_permission(request):
            return HttpResponse("Only administrators can export the audit trail.", status=403)
        changelist = self.get_changelist_instance(request)
        events = changelist.get_queryset(request).order_by("at", "id")
        record(request.user, client_address(request), "export", "audit", "", method="GET", path=request.path)
        response = StreamingHttpResponse(csv_lines(events.iterator()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="facenerve-audit.csv"'
        response["Cache-Control"] = "no-store"
        return response
