"""The forms of enquiries and the knowledge base: asking, answering, proposing an article, editing one."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PortalFormMixin
from accounts.models import User
from services.enquiries import actions
from services.enquiries.models import ENQUIRY, INFORMATION_QUERY, Article, Category
from services.forms import CASE_WORKERS, ActionForm, CustomerOrderForm, StaffOrderForm
from services.models import Status

QUESTION_KINDS = [
    (ENQUIRY, _("A question about rules, fees or procedures")),
    (INFORMATION_QUERY, _("A question about my own account or request")),
]


class AskForm(CustomerOrderForm):
    kind = forms.ChoiceField(label=_("What kind of question"), choices=QUESTION_KINDS, initial=ENQUIRY)
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices)
    field_order = ["description", "kind", "category", "account", "contact_phone"]

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["description"].label = _("Your question")
        self.fields["contact_phone"].required = False


class StaffEnquiryForm(StaffOrderForm):
    kind = forms.ChoiceField(label=_("What kind of question"), choices=QUESTION_KINDS, initial=ENQUIRY)
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices)
    field_order = ["channel", "kind", "category", "account", "contact_name", "contact_phone", "description"]


class ArticleField(forms.IntegerField):
    """A live article by its number, as the knowledge-base search inside the order page shows it."""

    def clean(self, value: object) -> Article | None:
        number = super().clean(value)
        if number is None:
            return None
        article = Article.objects.live().filter(pk=number).first()
        if article is None:
            raise forms.ValidationError(_("No published article has this number."))
        return article


class AnswerForm(ActionForm):
    name, label, roles, style = "answer", _("Answer"), CASE_WORKERS, "success"
    from_statuses = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})
    answer = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    article = ArticleField(label=_("Quote article no. (optional)"), required=False, min_value=1, max_value=2**31 - 1)

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return actions.answer_enquiry(self.order, by=by, answer=data["answer"], article=data["article"])


class ProposeArticleForm(ActionForm):
    name, label, roles, style = "propose_article", _("Propose as a knowledge-base article"), CASE_WORKERS, "secondary"
    from_statuses = frozenset({Status.RESOLVED, Status.CLOSED})
    title = forms.CharField(label=_("Article title"), max_length=200)
    body = forms.CharField(label=_("Article text"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: object, order: object, **kwargs: object) -> None:
        super().__init__(*args, order=order, **kwargs)
        enquiry = getattr(order, "enquiry", None)
        if enquiry is not None and not self.is_bound:
            self.initial = {"title": order.description[:60], "body": enquiry.answer}

    def perform(self, by: User) -> object:
        data = self.cleaned_data
        return actions.propose_article(self.order, by=by, title=data["title"], body=data["body"])


ENQUIRY_ACTIONS: tuple[type[ActionForm], ...] = (AnswerForm, ProposeArticleForm)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ArticleForm(PortalFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    body = forms.CharField(label=_("Text"), max_length=20000, widget=forms.Textarea(attrs={"rows": 10}))
    is_public = forms.BooleanField(label=_("Public (untick for staff only)"), required=False, initial=True)
    effective_on = forms.DateField(label=_("Effective from"), widget=DATE)
    review_on = forms.DateField(label=_("Review by"), widget=DATE)
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["effective_on"].initial = today
        self.fields["review_on"].initial = today.replace(year=today.year + 1)


class SearchForm(PortalFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search the knowledge base"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 电费 阶梯 峰谷")}),
    )
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("Any")), *Category.choices])


class HelpfulForm(PortalFormMixin, forms.Form):
    question = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)
