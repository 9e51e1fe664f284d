"""Forms of analysis meetings, improvement actions and the typical-case library (pages; the API has serializers).

Choices are limited to the user's scope: a manager picks departments of their subtree, owners and attendees
among its staff. A case's text fields refuse personal data (complaints.redaction), naming what was found.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import STAFF_ROLES, Department, Role, User
from complaints import permissions
from complaints.meeting_actions import last_month
from complaints.models import AnalysisMeeting, ComplaintCategory, TypicalCase
from complaints.redaction import PersonalDataValidator
from services.models import QUALITY_CHARACTERISTICS

STAFF_ROLE_CHOICES = [(value, label) for value, label in Role.choices if value in STAFF_ROLES]
NUMBERS = re.compile(r"[\s,，、;；]+")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _any(choices: list[tuple[str, object]]) -> list[tuple[str, object]]:
    return [("", _("Any")), *choices]


class MeetingOpenForm(PortalFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), widget=DateInput())

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        first, last = last_month(timezone.localdate())
        kwargs.setdefault("initial", {"period_start": first, "period_end": last, "department": user.department_id})
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = permissions.departments_of(user).order_by("code")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period ends before it starts."))
        if start and end and (end - start).days > 366:
            self.add_error("period_end", _("A meeting covers at most a year."))
        return data


def staff_of(department_id: int) -> forms.models.QuerySet[User]:
    department = Department(pk=department_id)
    subtree = Department.objects.subtree_of(department).values("pk")
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True, department__in=subtree).order_by("full_name")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.get_full_name()} · {user.get_role_display()}"


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        return f"{user.get_full_name()} · {user.get_role_display()}"


class MinutesForm(PortalFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    attendees = StaffMultipleChoiceField(
        label=_("Attendees"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    other_attendees = forms.CharField(
        label=_("Other attendees"), required=False, max_length=300, help_text=_("Guests from outside the portal.")
    )
    conclusions = forms.CharField(label=_("Conclusions"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: object, meeting: AnalysisMeeting, **kwargs: object) -> None:
        initial = {
            "held_on": meeting.held_on or timezone.localdate(),
            "attendees": list(meeting.attendees.values_list("pk", flat=True)),
            "other_attendees": meeting.other_attendees,
            "conclusions": meeting.conclusions,
        }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff_of(meeting.department_id)


class ImprovementActionForm(PortalFormMixin, forms.Form):
    title = forms.CharField(label=_("What"), max_length=200)
    details = forms.CharField(label=_("Details"), required=False, max_length=4000, widget=forms.Textarea({"rows": 3}))
    owner = StaffChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    complaints = forms.CharField(
        label=_("Linked complaints"),
        required=False,
        max_length=1000,
        help_text=_("Work order numbers, separated by spaces or commas."),
    )

    def __init__(self, *args: object, meeting: AnalysisMeeting, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_of(meeting.department_id)

    def clean_due_on(self) -> date:
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date has passed already."))
        return due_on

    def clean_complaints(self) -> list[str]:
        return [number for number in NUMBERS.split(self.cleaned_data["complaints"]) if number][:50]


class CompleteActionForm(PortalFormMixin, forms.Form):
    evidence = forms.CharField(
        label=_("What was done"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"), required=False, help_text=_("A photo (JPEG, PNG, WebP) or a PDF, at most 10 MB.")
    )


class CancelActionForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is dropped"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


def category_choices() -> list[tuple[int, str]]:
    """Top-level categories, each followed by its sub-categories (indented)."""
    categories = ComplaintCategory.objects.filter(is_active=True).select_related("parent")
    tops = sorted((c for c in categories if c.parent_id is None), key=lambda c: (c.position, c.code))
    children = sorted((c for c in categories if c.parent_id), key=lambda c: (c.position, c.code))
    choices = []
    for top in tops:
        choices.append((top.pk, top.label))
        choices += [(c.pk, f"— {c.label}") for c in children if c.parent_id == top.pk]
    return choices


def category_field(*, required: bool = True) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Category"),
        required=required,
        queryset=ComplaintCategory.objects.filter(is_active=True),
        empty_label=None if required else _("Any"),
    )


def _tree(field: forms.ModelChoiceField) -> None:
    """Show the categories as a tree (a top-level one, then its sub-categories)."""
    blank = [] if field.empty_label is None else [("", field.empty_label)]
    field.choices = [*blank, *category_choices()]


class CaseForm(PortalFormMixin, forms.ModelForm):
    """A typical case's text and particulars; every text field refuses personal data."""

    category = category_field()

    class Meta:
        model = TypicalCase
        fields = ["title", "situation", "cause", "measures", "lesson", "characteristic", "category", "department"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ("situation", "cause", "measures", "lesson")}
        help_texts = {
            "situation": _("What happened, without the customer's name, phone, identity or account number."),
            "lesson": _("What every employee should take from it (举一反三)."),
        }

    def __init__(self, *args: object, names: list[str] = (), user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        validator = PersonalDataValidator(names)
        for name in ("title", "situation", "cause", "measures", "lesson"):
            self.fields[name].validators.append(validator)
        self.fields["department"].queryset = Department.objects.order_by("code")
        _tree(self.fields["category"])


class LibraryFilterForm(PortalFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 电表 停电 电费")}),
    )
    category = category_field(required=False)
    characteristic = forms.ChoiceField(
        label=_("Quality characteristic"), required=False, choices=_any(QUALITY_CHARACTERISTICS)
    )
    department = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=Department.objects.order_by("code"), empty_label=_("Any")
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        _tree(self.fields["category"])

    def criteria(self) -> dict[str, object]:
        """The filters for complaints.cases.library; an invalid form filters nothing."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data["q"],
            "category": data["category"],
            "characteristic": data["characteristic"],
            "department": data["department"],
        }


class AssignStudyForm(PortalFormMixin, forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments"),
        required=False,
        queryset=Department.objects.none(),
        help_text=_("Everyone in the department and the units below it."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=STAFF_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("With departments: only these roles there."),
    )
    due_on = forms.DateField(label=_("Read by"), required=False, widget=DateInput())

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = permissions.departments_of(user).order_by("code")

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("departments") and not data.get("roles"):
            raise forms.ValidationError(_("Choose at least one department or role."))
        return data


class StudyForm(PortalFormMixin, forms.Form):
    takeaway = forms.CharField(
        label=_("What I take away"), max_length=200, help_text=_("One line: what you will do differently.")
    )
