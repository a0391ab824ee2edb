"""Django admin: sections, articles with their versions, editors, comments, reports."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from django.contrib import admin

from facenerve.web.education.models import Article, ArticleVersion, Category, Comment, Commenter, Editor, Report


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "position")


class VersionInline(admin.TabularInline):
    model = ArticleVersion
    fields = ("number", "title", "status", "edited_by", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "category", "status", "published_at", "updated_at")
    list_filter = ("status", "category")
    search_fields = ("title", "slug")
    readonly_fields = ("sources", "published_at", "updated_at")
    inlines = (VersionInline,)


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ("user", "granted_at")


@admin.register(Commenter)
class CommenterAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user")
    search_fields = ("display_name",)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("pk", "article", "display_name", "by_clinician", "status", "deleted", "created_at")
    list_filter = ("status", "deleted", "by_clinician")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("comment", "reason", "created_at", "outcome")
