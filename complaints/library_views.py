"""Pages of analysis meetings, improvement actions and the typical-case library.

Each view loads its object through what the user may see (404 otherwise), asks complaints.permissions for
the action (403), validates a form and calls one function of complaints.meeting_actions or complaints.cases.
A refused move is the page again with its message and 409; a write past the user's limit is 429. Forms that
create something carry a one-time token, so a double click creates it once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Model, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import only_for
from complaints import cases, library_limits, meeting_actions, permissions
from complaints.library_forms import (
    AssignStudyForm,
    CancelActionForm,
    CaseForm,
    CompleteActionForm,
    ImprovementActionForm,
    LibraryFilterForm,
    MeetingOpenForm,
    MinutesForm,
    StudyForm,
)
from complaints.library_states import Refused
from complaints.meetings import prepare
from complaints.models import ActionStatus, AnalysisMeeting, CaseStatus, Complaint, ImprovementAction, TypicalCase
from services import idempotency
from services.models.orders import CLOSED
from services.views import SUBMISSION, SUBMISSION_FORMAT

PAGE_SIZE = 20


def _may(what: str) -> Callable[..., bool]:
    return lambda user: permissions.may(user, what)


def _page(request: HttpRequest, rows: QuerySet) -> object:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _token(request: HttpRequest) -> str:
    token = request.POST.get(SUBMISSION, "")
    return token if SUBMISSION_FORMAT.fullmatch(token) else uuid.uuid4().hex


def _limited(request: HttpRequest, template: str, context: dict) -> HttpResponse | None:
    """The page with the limit's message and 429 once the user's writes are used up; else None."""
    if library_limits.allow(request.user):
        return None
    messages.error(request, library_limits.refusal_message())
    return render(request, template, context, status=429)


def _once(request: HttpRequest, create: Callable[[], Model], location: Callable[[Model], str]) -> str:
    """Create once per form token; return where to go (the first answer's place for a repeated token)."""
    token = request.POST.get(SUBMISSION, "")
    if not SUBMISSION_FORMAT.fullmatch(token):
        return location(create())
    owner, fingerprint = f"user:{request.user.pk}", idempotency.fingerprint(request.path)
    try:
        with idempotency.once(owner=owner, key=f"form:{token}", fingerprint=fingerprint) as record:
            record.status_code, record.location = 302, location(create())
            record.save(update_fields=["status_code", "location"])
    except idempotency.AlreadyDone as done:
        return done.record.location
    except idempotency.KeyReused as reused:
        raise ValidationError(_("This form was sent from another page; reload the page and send it again.")) from reused
    return record.location


# --- Meetings ---------------------------------------------------------------------------------------------------


def meetings_visible_to(request: HttpRequest) -> QuerySet[AnalysisMeeting]:
    return AnalysisMeeting.objects.filter(permissions.meeting_filter(request.user))


@only_for(_may("see_meetings"))
def meeting_list(request: HttpRequest) -> HttpResponse:
    rows = (
        meetings_visible_to(request)
        .select_related("department")
        .annotate(
            open_actions=Count("actions", filter=Q(actions__status=ActionStatus.OPEN)),
            overdue_actions=Count(
                "actions", filter=Q(actions__status=ActionStatus.OPEN, actions__due_on__lt=timezone.localdate())
            ),
        )
    )
    context = {"page": _page(request, rows.order_by("-period_start", "department__code", "pk"))}
    context["may_open"] = permissions.may(request.user, "open_meeting")
    return render(request, "complaints/library/meeting_list.html", context)


@only_for(_may("open_meeting"))
def meeting_open(request: HttpRequest) -> HttpResponse:
    form = MeetingOpenForm(request.POST or None, user=request.user)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        if limited := _limited(request, "complaints/library/meeting_open.html", context):
            return limited
        meeting = meeting_actions.open_meeting(by=request.user, **form.cleaned_data)
        messages.success(request, _("The meeting is open; its page is prepared from the data."))
        return redirect("complaints:meeting", pk=meeting.pk)
    return render(request, "complaints/library/meeting_open.html", context)


def _meeting(request: HttpRequest, pk: int) -> AnalysisMeeting:
    meetings = meetings_visible_to(request).select_related("department", "opened_by", "minutes_by")
    return get_object_or_404(meetings, pk=pk)


def _meeting_page(request: HttpRequest, meeting: AnalysisMeeting, status: int = 200, **forms: object) -> HttpResponse:
    manages = permissions.may_manage_meeting(request.user, meeting.department_id)
    context = {"data": prepare(meeting), "meeting": meeting, "manages": manages, SUBMISSION: _token(request)}
    context["today"] = timezone.localdate()
    if manages:
        context["minutes_form"] = forms.get("minutes_form") or MinutesForm(meeting=meeting)
        context["action_form"] = forms.get("action_form") or ImprovementActionForm(meeting=meeting)
    return render(request, "complaints/library/meeting.html", context, status=status)


@only_for(_may("see_meetings"))
def meeting_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, _meeting(request, pk))


def _meeting_form(request: HttpRequest, pk: int, form_class: type, name: str) -> tuple[object, object, object]:
    """The meeting, its bound form, and the answer if it cannot go on (not valid: 400; over the limit: 429)."""
    meeting = _meeting(request, pk)
    if not permissions.may_manage_meeting(request.user, meeting.department_id):
        raise PermissionDenied
    form = form_class(request.POST, meeting=meeting)
    if not form.is_valid():
        return meeting, form, _meeting_page(request, meeting, 400, **{name: form})
    if not library_limits.allow(request.user):
        messages.error(request, library_limits.refusal_message())
        return meeting, form, _meeting_page(request, meeting, 429, **{name: form})
    return meeting, form, None


@require_POST
@only_for(_may("record_minutes"))
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, form, refused = _meeting_form(request, pk, MinutesForm, "minutes_form")
    if refused:
        return refused
    meeting_actions.record_minutes(meeting, by=request.user, **form.cleaned_data)
    messages.success(request, _("The minutes are recorded."))
    return redirect("complaints:meeting", pk=meeting.pk)


@require_POST
@only_for(_may("add_action"))
def meeting_add_action(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, form, refused = _meeting_form(request, pk, ImprovementActionForm, "action_form")
    if refused:
        return refused
    data = dict(form.cleaned_data)
    try:
        data["complaints"] = meeting_actions.linkable_complaints(meeting, data["complaints"])
        target = _once(
            request,
            lambda: meeting_actions.add_action(meeting, by=request.user, **data),
            lambda action: reverse("complaints:meeting", args=[meeting.pk]) + f"#action-{action.pk}",
        )
    except ValidationError as error:
        _add_errors(form, error)
        return _meeting_page(request, meeting, 400, action_form=form)
    messages.success(request, _("The improvement action is recorded and its owner told."))
    return redirect(target)


def _add_errors(form: object, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Improvement actions -----------------------------------------------------------------------------------------


def actions_visible_to(request: HttpRequest) -> QuerySet[ImprovementAction]:
    """Their own actions for everyone; a meeting reader also those of the meetings they see."""
    mine = Q(owner=request.user)
    if permissions.may(request.user, "see_meetings"):
        mine |= Q(meeting__in=meetings_visible_to(request).values("pk"))
    return ImprovementAction.objects.filter(mine)


def _action_rows(actions: QuerySet[ImprovementAction], state: str) -> QuerySet[ImprovementAction]:
    today = timezone.localdate()
    if state == "overdue":
        actions = actions.filter(status=ActionStatus.OPEN, due_on__lt=today)
    elif state in ActionStatus.values:
        actions = actions.filter(status=state)
    actions = actions.select_related("owner", "meeting__department")
    is_open = ExpressionWrapper(Q(status=ActionStatus.OPEN), output_field=BooleanField())
    return actions.order_by(is_open.desc(), "due_on", "pk")


@only_for(_may("see_meetings"))
def action_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    page = _page(request, _action_rows(actions_visible_to(request), state))
    context = {"page": page, "state": state, "title": _("Improvement actions"), "today": timezone.localdate()}
    return render(request, "complaints/library/action_list.html", context)


@only_for(_may("complete_action"))
def my_actions(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    page = _page(request, _action_rows(ImprovementAction.objects.filter(owner=request.user), state))
    context = {"page": page, "state": state, "title": _("My improvement actions"), "today": timezone.localdate()}
    return render(request, "complaints/library/action_list.html", context)


def _action(request: HttpRequest, pk: int) -> ImprovementAction:
    actions = actions_visible_to(request).select_related("owner", "meeting__department", "done_by", "created_by")
    return get_object_or_404(actions, pk=pk)


def _action_page(request: HttpRequest, action: ImprovementAction, status: int = 200, **forms: object) -> HttpResponse:
    context = {"action": action, "today": timezone.localdate()}
    context["may_see_meeting"] = meetings_visible_to(request).filter(pk=action.meeting_id).exists()
    context["complaints"] = list(action.complaints.select_related("order", "category"))
    if action.status == ActionStatus.OPEN and permissions.may_complete(request.user, action):
        context["complete_form"] = forms.get("complete_form") or CompleteActionForm()
    if action.status == ActionStatus.OPEN and permissions.may_manage_meeting(
        request.user, action.meeting.department_id
    ):
        context["cancel_form"] = forms.get("cancel_form") or CancelActionForm()
    return render(request, "complaints/library/action.html", context, status=status)


@only_for(_may("complete_action"))
def action_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _action_page(request, _action(request, pk))


def _act(
    request: HttpRequest, action: ImprovementAction, form: object, name: str, do: Callable[[], object]
) -> HttpResponse:
    if not form.is_valid():
        return _action_page(request, action, 400, **{name: form})
    if not library_limits.allow(request.user):
        messages.error(request, library_limits.refusal_message())
        return _action_page(request, action, 429, **{name: form})
    try:
        do()
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _action_page(request, action, 409)
    except ValidationError as error:
        _add_errors(form, error)
        return _action_page(request, action, 400, **{name: form})
    messages.success(request, _("The action is updated."))
    return redirect("complaints:action", pk=action.pk)


@require_POST
@only_for(_may("complete_action"))
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    if not permissions.may_complete(request.user, action):
        raise PermissionDenied
    form = CompleteActionForm(request.POST, request.FILES)

    def do() -> object:
        data = form.cleaned_data
        upload = data.get("evidence_file")
        return meeting_actions.complete_action(action, by=request.user, evidence=data["evidence"], upload=upload)

    return _act(request, action, form, "complete_form", do)


@require_POST
@only_for(_may("cancel_action"))
def action_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    if not permissions.may_manage_meeting(request.user, action.meeting.department_id):
        raise PermissionDenied
    form = CancelActionForm(request.POST)
    do = lambda: meeting_actions.cancel_action(action, by=request.user, reason=form.cleaned_data["reason"])  # noqa: E731
    return _act(request, action, form, "cancel_form", do)


@only_for(_may("complete_action"))
def action_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The evidence file, to those who may see the action; 404 to anyone else."""
    action = _action(request, pk)
    if not action.evidence_file:
        raise Http404
    try:
        handle = action.evidence_file.open("rb")
    except FileNotFoundError as gone:
        raise Http404 from gone
    name = meeting_actions.evidence_name(action)
    response = FileResponse(handle, content_type=action.evidence_content_type, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The case library ----------------------------------------------------------------------------------------------


@only_for(_may("read_library"))
def library(request: HttpRequest) -> HttpResponse:
    form = LibraryFilterForm(request.GET or None)
    drafts = request.GET.get("drafts") == "1" and permissions.may(request.user, "write_case")
    rows = cases.library(request.user, drafts=drafts, **form.criteria())
    context = {"form": form, "page": _page(request, rows), "drafts": drafts, "query": form.criteria().get("query", "")}
    context["may_write"] = permissions.may(request.user, "write_case")
    return render(request, "complaints/library/library.html", context)


def _case(request: HttpRequest, pk: int) -> TypicalCase:
    visible = cases.cases_visible_to(request.user).select_related(
        "category__parent", "department", "author", "published_by", "complaint__order"
    )
    return get_object_or_404(visible, pk=pk)


def _case_page(request: HttpRequest, case: TypicalCase, status: int = 200, **forms: object) -> HttpResponse:
    user = request.user
    record = case.study_records.filter(employee=user).first()
    assigned = cases.assignments_reaching(user).filter(case=case).order_by("due_on").first()
    context = {"case": case, "record": record, "assigned": assigned, "query": request.GET.get("q", "")[:100]}
    context["may_edit"] = case.status == CaseStatus.DRAFT and permissions.may_edit_case(user, case)
    context["may_publish"] = permissions.may_publish_case(user, case)
    if case.status == CaseStatus.PUBLISHED:
        context["study_form"] = forms.get("study_form") or StudyForm(
            initial={"takeaway": record.takeaway if record else ""}
        )
    return render(request, "complaints/library/case.html", context, status=status)


@only_for(_may("read_library"))
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case(request, pk))


def _closed_complaint(request: HttpRequest, number: str) -> Complaint:
    complaints = Complaint.objects.select_related(
        "order__customer",
        "order__reported_by",
        "order__created_by",
        "order__assigned_to",
        "order__department",
        "category__parent",
        "root_cause",
        "responsible_department",
        "responsible_employee",
    )
    complaint = get_object_or_404(complaints, order__number=number, order__kind="complaint")
    if not permissions.may_write_case_from(request.user, complaint):
        raise PermissionDenied
    return complaint


@only_for(_may("write_case"))
def case_new(request: HttpRequest, number: str) -> HttpResponse:
    """Write a case from a closed complaint: the draft pre-filled with its personal data removed."""
    complaint = _closed_complaint(request, number)
    existing = TypicalCase.objects.filter(complaint=complaint).first()
    if existing is not None:
        messages.info(request, _("This complaint has a case already; here it is."))
        return redirect("complaints:case", pk=existing.pk)
    if complaint.order.status not in CLOSED:
        messages.error(request, _("A case is written from a closed complaint."))
        return redirect("services:order", number=number)
    names = cases.known_names(complaint)
    form = CaseForm(request.POST or None, names=names, user=request.user, initial=cases.draft_from(complaint))
    context = {"form": form, "complaint": complaint, SUBMISSION: _token(request)}
    if request.method == "POST" and form.is_valid():
        if limited := _limited(request, "complaints/library/case_form.html", context):
            return limited
        try:
            target = _once(
                request,
                lambda: cases.write_case(complaint, by=request.user, **form.cleaned_data),
                lambda case: reverse("complaints:case", args=[case.pk]),
            )
        except Refused as refusal:
            messages.error(request, refusal.message)
            return render(request, "complaints/library/case_form.html", context, status=409)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The case is saved as a draft; a manager publishes it."))
            return redirect(target)
    return render(request, "complaints/library/case_form.html", context, status=400 if form.errors else 200)


@only_for(_may("write_case"))
def case_start(request: HttpRequest) -> HttpResponse:
    """The library's "write a case from complaint number …" box: on to that complaint's draft."""
    number = "".join(ch for ch in request.GET.get("number", "") if ch.isdigit())[:20]
    if not number:
        messages.error(request, _("Enter the number of a closed complaint."))
        return redirect("complaints:library")
    return redirect("complaints:case-new", number=number)


@only_for(_may("write_case"))
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if case.status != CaseStatus.DRAFT or not permissions.may_edit_case(request.user, case):
        raise PermissionDenied
    names = cases.known_names(case.complaint) if case.complaint_id else []
    form = CaseForm(request.POST or None, instance=case, names=names, user=request.user)
    context = {"form": form, "case": case, "complaint": case.complaint}
    if request.method == "POST" and form.is_valid():
        if limited := _limited(request, "complaints/library/case_form.html", context):
            return limited
        fields = {name: form.cleaned_data[name] for name in CaseForm.Meta.fields}
        try:
            cases.update_case(case, by=request.user, **fields)
        except Refused as refusal:
            messages.error(request, refusal.message)
            return render(request, "complaints/library/case_form.html", context, status=409)
        messages.success(request, _("The draft is saved."))
        return redirect("complaints:case", pk=case.pk)
    return render(request, "complaints/library/case_form.html", context, status=400 if form.errors else 200)


def _case_move(request: HttpRequest, pk: int, move: Callable[..., TypicalCase], done: str) -> HttpResponse:
    case = _case(request, pk)
    if not permissions.may_publish_case(request.user, case):
        raise PermissionDenied
    if not library_limits.allow(request.user):
        messages.error(request, library_limits.refusal_message())
        return _case_page(request, case, 429)
    try:
        move(case, by=request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _case_page(request, case, 409)
    messages.success(request, done)
    return redirect("complaints:case", pk=case.pk)


@require_POST
@only_for(_may("publish_case"))
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_move(request, pk, cases.publish_case, _("The case is published in the library."))


@require_POST
@only_for(_may("publish_case"))
def case_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_move(request, pk, cases.withdraw_case, _("The case is withdrawn from the library."))


@require_POST
@only_for(_may("read_library"))
def case_read(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = StudyForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, 400, study_form=form)
    if not library_limits.allow(request.user):
        messages.error(request, library_limits.refusal_message())
        return _case_page(request, case, 429, study_form=form)
    try:
        cases.mark_read(case, by=request.user, takeaway=form.cleaned_data["takeaway"])
    except Refused as refusal:
        messages.error(request, refusal.message)
        return _case_page(request, case, 409)
    messages.success(request, _("Marked read. Thank you."))
    return redirect("complaints:case", pk=case.pk)


@only_for(_may("assign_study"))
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if not permissions.may_publish_case(request.user, case):
        raise PermissionDenied
    form = AssignStudyForm(request.POST or None, user=request.user)
    context = {"form": form, "case": case, "assignments": case.assignments.select_related("department")}
    if request.method == "POST" and form.is_valid():
        if limited := _limited(request, "complaints/library/case_assign.html", context):
            return limited
        try:
            new = cases.assign_study(case, by=request.user, **form.cleaned_data)
        except Refused as refusal:
            messages.error(request, refusal.message)
            return render(request, "complaints/library/case_assign.html", context, status=409)
        messages.success(request, _("Assigned for study: %(count)s new audiences.") % {"count": len(new)})
        return redirect("complaints:case-study", pk=case.pk)
    return render(request, "complaints/library/case_assign.html", context, status=400 if form.errors else 200)


@only_for(_may("see_study_status"))
def case_study(request: HttpRequest, pk: int) -> HttpResponse:
    """Who of the case's audience in the manager's scope has read it (and their takeaway), unread first."""
    case = _case(request, pk)
    status = cases.study_status(case, viewer=request.user)
    context = {"case": case, "status": status, "page": _page(request, status.readers)}
    return render(request, "complaints/library/case_study.html", context)


@only_for(_may("read_library"))
def my_study(request: HttpRequest) -> HttpResponse:
    page = _page(request, cases.study_list(request.user))
    return render(request, "complaints/library/my_study.html", {"page": page})
