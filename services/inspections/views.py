"""The inspector's page (checklist, findings, completion: one page that works on a phone), the plans, the
anomaly flags with their review and the rules' precision, and the confidential theft cases."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import only_for
from services import permissions as order_permissions
from services.actions import TransitionRefused
from services.inspections import actions, anomalies
from services.inspections.forms import (
    ChecklistForm,
    CloseTheftCaseForm,
    DismissForm,
    FindingForm,
    FlagFilterForm,
    OpenInspectionForm,
)
from services.inspections.limits import allow_write, refusal_message
from services.inspections.models import (
    INSPECTION,
    AnomalyFlag,
    FindingCategory,
    FlagStatus,
    Inspection,
    InspectionPlan,
)
from services.inspections.permissions import may, theft_cases_for
from services.models import WorkOrder
from services.queues import CappedPaginator


def inspection_of(user: object, number: str) -> WorkOrder:
    """The inspection order `number` if the user may work it (else 404 for what they may not see)."""
    orders = WorkOrder.objects.visible_to(user).filter(kind=INSPECTION).select_related("grid", "department", "account")
    order = get_object_or_404(orders, number=number)
    if not order_permissions.may_act_on(order, user):
        raise PermissionDenied
    return order


def findings_visible(inspection: Inspection, user: object) -> QuerySet:
    findings = inspection.findings.select_related("rectification__legal_basis", "theft_case")
    return findings if may(user, "see_theft") else findings.exclude(category=FindingCategory.THEFT)


@only_for(lambda user: may(user, "work"))
def work(request: HttpRequest, number: str) -> HttpResponse:
    order = inspection_of(request.user, number)
    inspection = Inspection.objects.select_related("checklist", "plan").get(pk=order.pk)
    checklist, finding_form, status = ChecklistForm(inspection=inspection), FindingForm(), 200
    if request.method == "POST":
        if not allow_write(request.user):
            messages.error(request, refusal_message())
            return redirect("services:inspection-work", number)
        if "finding" in request.POST:
            finding_form = FindingForm(request.POST)
            status = _attempt(
                request,
                finding_form,
                lambda: actions.record_finding(order, by=request.user, finding=finding_form.finding()),
                _("Finding recorded."),
            )
        else:
            checklist = ChecklistForm(request.POST, request.FILES, inspection=inspection)
            status = _attempt(
                request,
                checklist,
                lambda: actions.record_results(order, by=request.user, results=checklist.results()),
                _("Checklist saved."),
            )
        if status == 302:
            return redirect("services:inspection-work", number)
    order.refresh_from_db()
    context = {
        "order": order,
        "inspection": inspection,
        "checklist": checklist,
        "finding_form": finding_form,
        "findings": findings_visible(inspection, request.user),
    }
    return render(request, "inspections/work.html", context, status=status)


def _attempt(request: HttpRequest, form: object, perform: object, done: str) -> int:
    """Validate the form and perform; 302 on success, else the page again with the errors (400, or 409)."""
    if not form.is_valid():
        return 400
    try:
        perform()
    except (TransitionRefused, actions.TheftCaseClosed) as refusal:
        messages.error(request, refusal.message)
        return 409
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return 400
    messages.success(request, done)
    return 302


@only_for(lambda user: may(user, "see_plans"))
def plans(request: HttpRequest) -> HttpResponse:
    rows = InspectionPlan.objects.select_related("checklist", "grid", "department").annotate(
        order_count=Count("inspections")
    )
    return render(request, "inspections/plans.html", {"plans": rows})


@only_for(lambda user: may(user, "see_flags"))
def flags(request: HttpRequest) -> HttpResponse:
    form = FlagFilterForm(request.GET or {"status": FlagStatus.OPEN})
    rows = AnomalyFlag.objects.select_related("account__grid").order_by("-period", "rule", "pk")
    if form.is_valid():
        if form.cleaned_data["rule"]:
            rows = rows.filter(rule=form.cleaned_data["rule"])
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
    page = CappedPaginator(rows, 25).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "precision": anomalies.precision()}
    return render(request, "inspections/flags.html", context)


@only_for(lambda user: may(user, "see_flags"))
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(AnomalyFlag.objects.select_related("account__grid", "inspection__order"), pk=pk)
    figures = [(anomalies.FIGURE_LABELS.get(key, key), value) for key, value in row.figures.items()]
    context = {"flag": row, "figures": figures, "dismiss": DismissForm(), "open_form": OpenInspectionForm()}
    return render(request, "inspections/flag.html", context)


@require_POST
@only_for(lambda user: may(user, "review_flags"))
def review_flag(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in ("dismiss", "open"):
        raise Http404
    row = get_object_or_404(AnomalyFlag, pk=pk)
    if not allow_write(request.user):
        messages.error(request, refusal_message())
        return redirect("services:inspection-flag", pk)
    if decision == "dismiss":
        form = DismissForm(request.POST)
        perform = lambda: actions.dismiss_flag(row, by=request.user, reason=form.cleaned_data["reason"])  # noqa: E731
    else:
        form = OpenInspectionForm(request.POST)
        perform = lambda: actions.open_inspection_from_flag(  # noqa: E731
            row, by=request.user, checklist=form.cleaned_data["checklist"], note=form.cleaned_data["note"]
        )
    status = _attempt(request, form, perform, _("Flag reviewed."))
    if status == 302:
        return redirect("services:inspection-flag", pk)
    figures = [(anomalies.FIGURE_LABELS.get(key, key), value) for key, value in row.figures.items()]
    context = {"flag": row, "figures": figures, "dismiss": DismissForm(), "open_form": OpenInspectionForm()}
    context["dismiss" if decision == "dismiss" else "open_form"] = form
    return render(request, "inspections/flag.html", context, status=status)


THEFT_CASE_PARTS = ("account", "department", "finding__inspection__order", "closed_by")


@only_for(lambda user: may(user, "see_theft"))
def theft_cases(request: HttpRequest) -> HttpResponse:
    """The cases of the user's unit and below, open ones first."""
    rows = (
        theft_cases_for(request.user)
        .select_related(*THEFT_CASE_PARTS)
        .order_by(F("closed_at").desc(nulls_first=True), "-opened_at")
    )
    page = CappedPaginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "inspections/theft_cases.html", {"page": page})


@only_for(lambda user: may(user, "see_theft"))
def theft_case(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: the finding behind it and, for a manager while it is open, the form that concludes it."""
    case = get_object_or_404(theft_cases_for(request.user).select_related(*THEFT_CASE_PARTS, "finding"), pk=pk)
    form, status = CloseTheftCaseForm(), 200
    if request.method == "POST":
        if not may(request.user, "close_theft"):
            raise PermissionDenied
        if not allow_write(request.user):
            messages.error(request, refusal_message())
            return redirect("services:inspection-theft-case", pk)
        form = CloseTheftCaseForm(request.POST)
        perform = lambda: actions.close_theft_case(  # noqa: E731
            case,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            recovered_kwh=form.cleaned_data["recovered_kwh"],
            note=form.cleaned_data["note"],
        )
        status = _attempt(request, form, perform, _("The case is closed."))
        if status == 302:
            return redirect("services:inspection-theft-case", pk)
    may_close = may(request.user, "close_theft") and not case.is_closed
    return render(
        request, "inspections/theft_case.html", {"case": case, "form": form, "may_close": may_close}, status=status
    )
