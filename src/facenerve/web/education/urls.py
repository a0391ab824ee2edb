"""Library URLs, under /learn/."""

from django.urls import path

from facenerve.web.education import editorial, views
from facenerve.web.education.feeds import LatestArticles

app_name = "education"
urlpatterns = [
    path("", views.index, name="index"),
    path("topics/<slug:slug>/", views.category, name="category"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/comments/", views.comment_post, name="comment_post"),
    path("search/", views.search, name="search"),
    path("references/", views.references_page, name="references"),
    path("feed/", LatestArticles(), name="feed"),
    path("display-name/", views.display_name, name="display_name"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("moderation/", editorial.moderation, name="moderation"),
    path("moderation/comments/<int:pk>/", editorial.moderate, name="moderate"),
    path("edit/", editorial.article_list, name="article_list"),
    path("edit/new/", editorial.article_edit, name="article_new"),
    path("edit/<slug:slug>/", editorial.article_edit, name="article_edit"),
]
