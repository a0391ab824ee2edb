"""Forms: the display name, a comment, a report, and the editor's article form."""

# mypy: allow-subclassing-any
# (Django ships no type hints; its base classes are Any to mypy.)

from __future__ import annotations

import re
from typing import Any, ClassVar

from django import forms
from django.contrib.auth import get_user_model

from facenerve.web.accounts.models import ROLE_CLINICIAN
from facenerve.web.education.articles import unknown_citations
from facenerve.web.education.comments import MAX_LENGTH
from facenerve.web.education.models import Article, Category, Commenter

NAME_PATTERN = re.compile(r"^[\w .'-]{3,40}$")
#: Names that would pass for the site or its staff.
RESERVED = ("admin", "moderator", "editor", "facenerve", "clinician", "doctor", "nurse", "staff")


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).casefold()


class DisplayNameForm(forms.Form):
    """The name shown with a reader's comments: their choice, never their user name or identifier."""

    display_name = forms.CharField(max_length=40, label="Display name",
                                   help_text="3–40 letters, digits, spaces, dots, apostrophes or dashes.")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def _private_words(self) -> list[str]:
        user = self.user
        words = [user.username, user.first_name, user.last_name, user.get_full_name()]
        profile = getattr(user, "profile", None)
        patient = getattr(profile, "patient", None) if profile is not None else None
        if patient is not None:
            words.append(patient.identifier)
        return [_squash(w) for w in words if w and len(_squash(w)) >= 2]

    def clean_display_name(self) -> str:
        name = " ".join(str(self.cleaned_data["display_name"]).split())
        if not NAME_PATTERN.match(name):
            raise forms.ValidationError("Use 3–40 letters, digits, spaces, dots, apostrophes or dashes.")
        squashed = _squash(name)
        if any(private in squashed for private in self._private_words()):
            raise forms.ValidationError("Choose a name that is not your user name, real name or record number.")
        if any(word in squashed for word in RESERVED):
            raise forms.ValidationError("That name is reserved. Please choose another.")
        taken = Commenter.objects.filter(display_name_key=name.casefold()).exclude(user=self.user).exists()
        if taken:
            raise forms.ValidationError("That name is taken. Please choose another.")
        return name


class CommentForm(forms.Form):
    body = forms.CharField(label="Your comment", max_length=MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=f"Plain text; *italic*, **bold**, links and lists work. At most {MAX_LENGTH} "
                                     "characters.")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class ReportForm(forms.Form):
    reason = forms.CharField(label="Why should an editor look at it?", max_length=300, required=False)


class ArticleForm(forms.ModelForm):
    """Title, place, summary, Markdown body and reviewer; sources are read from the body's citations."""

    class Meta:
        model = Article
        fields = ("title", "slug", "category", "summary", "body", "reviewer", "reviewer_name")
        widgets: ClassVar = {"body": forms.Textarea(attrs={"rows": 24}), "summary": forms.Textarea(attrs={"rows": 2})}
        labels: ClassVar = {"reviewer": "Clinician reviewer", "reviewer_name": "Reviewer's name as shown"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["reviewer"].queryset = get_user_model().objects.filter(
            profile__role=ROLE_CLINICIAN).order_by("username")
        self.fields["reviewer"].required = False

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"])
        if missing := unknown_citations(body):
            raise forms.ValidationError(f"Unknown reference keys: {', '.join(missing)}. Cite keys from the "
                                        "references page.")
        return body
