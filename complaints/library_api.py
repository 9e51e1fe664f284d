"""The JSON API of analysis meetings, improvement actions and the case library under /api/v1/complaints/.

The same visibility, permissions and functions as the pages (complaints.library_views): an object the caller
may not see is 404, an action their role or scope may not take 403, a move its table refuses 409, bad input
400 by field. Every POST takes an Idempotency-Key and counts against the user's write limit (429).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Department, User
from complaints import cases, library_limits, meeting_actions, permissions
from complaints.library_forms import STAFF_ROLE_CHOICES, staff_of
from complaints.library_states import Refused
from complaints.meetings import prepare
from complaints.models import (
    ActionStatus,
    AnalysisMeeting,
    CaseStatus,
    Complaint,
    ComplaintCategory,
    ImprovementAction,
    MeetingStatus,
    TypicalCase,
)
from services import idempotency
from services.api import IDEMPOTENCY_KEY, KEY_REUSED, Conflict, invalid, named_choice_field
from services.models import QUALITY_CHARACTERISTICS

TAGS = ["complaint meetings and cases"]
ID_IN_PATH = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("The id."))
REFUSED = OpenApiResponse(description=_("Its status does not allow this now; nothing changed."))
ActionStatusField = named_choice_field(ActionStatus.choices, "ImprovementActionStatusEnum")
CaseStatusField = named_choice_field(CaseStatus.choices, "TypicalCaseStatusEnum")
CharacteristicField = named_choice_field(QUALITY_CHARACTERISTICS, "QualityCharacteristicEnum")
StaffRoleField = named_choice_field(STAFF_ROLE_CHOICES, "StaffRoleEnum")
LIMITED = OpenApiResponse(description=_("Too many writes: try again after Retry-After seconds."))


def _may(what: str) -> type[BasePermission]:
    class May(BasePermission):
        def has_permission(self, request: Request, view: APIView) -> bool:
            return permissions.may(request.user, what)

    May.__name__ = f"May_{what}"
    return May


def validated_input(view: APIView, request: Request, *, may: str | None = None) -> serializers.Serializer:
    """The prelude every write here shares: the rule of who may (403), then the body (400)."""
    if may is not None and not permissions.may(request.user, may):
        raise exceptions.PermissionDenied
    data = view.InputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data


def run(step: Callable[[], object]) -> object:
    """Run a function of meeting_actions or cases in one transaction: refusals as 409, bad input as 400."""
    try:
        with transaction.atomic():
            return step()
    except Refused as refusal:
        raise Conflict(detail=refusal.message) from refusal
    except ValidationError as error:
        raise invalid(error) from error


def writes(summary: str, operation_id: str, request: object, response: object, **extra: object) -> Callable:
    """The schema every POST here shares: the idempotency key, the refusals, the limit."""
    responses = {
        200: response,
        400: OpenApiResponse(description=_("Bad input.")),
        403: OpenApiResponse(description=_("Your role or scope may not do this.")),
        409: REFUSED,
        422: KEY_REUSED,
        429: LIMITED,
    }
    return extend_schema(
        operation_id=operation_id,
        tags=TAGS,
        summary=summary,
        request=request,
        responses=responses,
        parameters=[IDEMPOTENCY_KEY, *extra.pop("parameters", [])],
        **extra,
    )


class WriteApi(APIView):
    throttle_classes = [library_limits.LibraryWriteThrottle]


# --- Meetings ------------------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="MeetingRow")
class MeetingRow(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.name")
    department_id = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    status = named_choice_field(MeetingStatus.choices, "MeetingStatusEnum")()
    held_on = serializers.DateField(allow_null=True)
    open_actions = serializers.IntegerField()


def meetings_of(user: User) -> QuerySet[AnalysisMeeting]:
    return AnalysisMeeting.objects.filter(permissions.meeting_filter(user)).select_related("department")


class MeetingListApi(ListAPIView, WriteApi):
    permission_classes = [_may("see_meetings")]
    serializer_class = MeetingRow
    queryset = AnalysisMeeting.objects.none()

    @extend_schema_serializer(component_name="MeetingOpenInput")
    class InputSerializer(serializers.Serializer):
        department = serializers.IntegerField(help_text=_("The department's id: yours or one below it."))
        period_start = serializers.DateField()
        period_end = serializers.DateField()

    def get_queryset(self) -> QuerySet[AnalysisMeeting]:
        rows = meetings_of(self.request.user).annotate(
            open_actions=Count("actions", filter=Q(actions__status=ActionStatus.OPEN))
        )
        return rows.order_by("-period_start", "department__code", "pk")

    @extend_schema(operation_id="complaint_meetings_list", tags=TAGS, summary=_("The analysis meetings you see"))
    def get(self, request: Request) -> Response:
        return super().get(request)

    @writes(
        _("Open an analysis meeting (or get the one open for that department and period)"),
        "complaint_meetings_open",
        InputSerializer,
        MeetingRow,
    )
    @idempotency.idempotent
    def post(self, request: Request) -> Response:
        data = validated_input(self, request, may="open_meeting")
        fields = dict(data.validated_data)
        department = Department.objects.filter(pk=fields.pop("department")).first()
        if department is None or not permissions.in_scope(request.user, department.pk):
            raise exceptions.ValidationError({"department": [_("Choose a department of your units.")]})
        meeting = run(lambda: meeting_actions.open_meeting(by=request.user, department=department, **fields))
        meeting.open_actions = meeting.actions.filter(status=ActionStatus.OPEN).count()
        return Response(MeetingRow(meeting).data)


@extend_schema_serializer(component_name="MeetingFigure")
class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    current = serializers.IntegerField()
    previous = serializers.IntegerField()


@extend_schema_serializer(component_name="ImprovementAction")
class ActionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meeting = serializers.IntegerField(source="meeting_id")
    title = serializers.CharField()
    details = serializers.CharField()
    owner = serializers.CharField(source="owner.get_full_name")
    owner_id = serializers.IntegerField()
    due_on = serializers.DateField()
    status = ActionStatusField()
    is_overdue = serializers.SerializerMethodField()
    evidence = serializers.CharField()
    has_evidence_file = serializers.SerializerMethodField()
    done_at = serializers.DateTimeField(allow_null=True)

    def get_is_overdue(self, action: ImprovementAction) -> bool:
        return action.is_overdue(timezone.localdate())

    def get_has_evidence_file(self, action: ImprovementAction) -> bool:
        return bool(action.evidence_file)


@extend_schema_serializer(component_name="OverdueComplaint")
class OverdueSerializer(serializers.Serializer):
    number = serializers.CharField(source="order.number")
    category = serializers.CharField(source="category.label", allow_null=True, default=None)
    received_at = serializers.DateTimeField()
    status = serializers.CharField(source="order.status")


@extend_schema_serializer(component_name="MeetingDetail")
class MeetingDetailSerializer(serializers.Serializer):
    meeting = MeetingRow()
    conclusions = serializers.CharField(source="meeting.conclusions")
    attendees = serializers.SerializerMethodField()
    previous_start = serializers.DateField(source="previous.first")
    previous_end = serializers.DateField(source="previous.last")
    totals = serializers.SerializerMethodField()
    by_category = FigureSerializer(many=True)
    by_root_cause = FigureSerializer(many=True)
    by_unit = FigureSerializer(many=True)
    overdue = OverdueSerializer(many=True)
    actions = ActionSerializer(many=True)
    open_actions = ActionSerializer(many=True)

    def get_attendees(self, data: object) -> list[str]:
        return [user.get_full_name() for user in data.attendees]

    def get_totals(self, data: object) -> dict[str, dict[str, int]]:
        return {name: {"current": row.current, "previous": row.previous} for name, row in data.totals.items()}


def _meeting(user: User, pk: int) -> AnalysisMeeting:
    return get_object_or_404(meetings_of(user).select_related("opened_by"), pk=pk)


def meeting_detail(meeting: AnalysisMeeting) -> dict:
    data = prepare(meeting)
    meeting.open_actions = sum(1 for a in data.actions if a.status == ActionStatus.OPEN)
    return MeetingDetailSerializer(data).data


class MeetingDetailApi(APIView):
    permission_classes = [_may("see_meetings")]

    @extend_schema(
        operation_id="complaint_meetings_detail",
        tags=TAGS,
        summary=_("An analysis meeting, prepared from the period's data"),
        parameters=[ID_IN_PATH],
        responses={200: MeetingDetailSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(meeting_detail(_meeting(request.user, pk)))


class MinutesApi(WriteApi):
    permission_classes = [_may("record_minutes")]

    @extend_schema_serializer(component_name="MeetingMinutesInput")
    class InputSerializer(serializers.Serializer):
        held_on = serializers.DateField()
        attendees = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
        other_attendees = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
        conclusions = serializers.CharField(max_length=8000)

    @writes(
        _("Record (or amend) a meeting's minutes"),
        "complaint_meetings_minutes",
        InputSerializer,
        MeetingDetailSerializer,
        parameters=[ID_IN_PATH],
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int) -> Response:
        meeting = _meeting(request.user, pk)
        data = validated_input(self, request)
        fields = dict(data.validated_data)
        ids = set(fields.pop("attendees"))
        attendees = list(staff_of(meeting.department_id).filter(pk__in=ids))
        if len(attendees) != len(ids):
            raise exceptions.ValidationError({"attendees": [_("Attendees are staff of the meeting's units.")]})
        run(lambda: meeting_actions.record_minutes(meeting, by=request.user, attendees=attendees, **fields))
        return Response(meeting_detail(_meeting(request.user, pk)))


class MeetingActionApi(WriteApi):
    permission_classes = [_may("add_action")]

    @extend_schema_serializer(component_name="ImprovementActionInput")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        details = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
        owner = serializers.IntegerField(help_text=_("The owner's user id: staff of the meeting's units."))
        due_on = serializers.DateField()
        complaints = serializers.ListField(
            child=serializers.CharField(max_length=20),
            required=False,
            default=list,
            max_length=50,
            help_text=_("Work order numbers of the meeting's complaints."),
        )

    @writes(
        _("Record an improvement action from a meeting"),
        "complaint_meetings_add_action",
        InputSerializer,
        ActionSerializer,
        parameters=[ID_IN_PATH],
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int) -> Response:
        meeting = _meeting(request.user, pk)
        data = validated_input(self, request)
        fields = dict(data.validated_data)
        owner = staff_of(meeting.department_id).filter(pk=fields.pop("owner")).first()
        if owner is None:
            raise exceptions.ValidationError({"owner": [_("The owner is staff of the meeting's units.")]})
        if fields["due_on"] < timezone.localdate():
            raise exceptions.ValidationError({"due_on": [_("The due date has passed already.")]})

        def add() -> ImprovementAction:
            linked = meeting_actions.linkable_complaints(meeting, fields.pop("complaints"))
            return meeting_actions.add_action(meeting, by=request.user, owner=owner, complaints=linked, **fields)

        action = run(add)
        return Response(ActionSerializer(action).data, status=status.HTTP_201_CREATED)


# --- Improvement actions ---------------------------------------------------------------------------------------------


def actions_of(user: User) -> QuerySet[ImprovementAction]:
    mine = Q(owner=user)
    if permissions.may(user, "see_meetings"):
        mine |= Q(meeting__in=meetings_of(user).values("pk"))
    return ImprovementAction.objects.filter(mine).select_related("owner", "meeting__department")


class ActionListApi(ListAPIView):
    permission_classes = [_may("complete_action")]
    serializer_class = ActionSerializer
    queryset = ImprovementAction.objects.none()

    def get_queryset(self) -> QuerySet[ImprovementAction]:
        params = self.request.query_params
        rows = actions_of(self.request.user)
        if params.get("mine") == "1":
            rows = rows.filter(owner=self.request.user)
        state = params.get("state", "")
        if state == "overdue":
            rows = rows.overdue(timezone.localdate())
        elif state in ActionStatus.values:
            rows = rows.filter(status=state)
        return rows.order_by("due_on", "pk")

    @extend_schema(
        operation_id="complaint_actions_list",
        tags=TAGS,
        summary=_("Improvement actions: yours, and those of the meetings you see"),
        parameters=[
            OpenApiParameter("mine", str, enum=["1"], description=_("Only your own.")),
            OpenApiParameter("state", str, enum=[*ActionStatus.values, "overdue"]),
        ],
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


def _action(user: User, pk: int) -> ImprovementAction:
    return get_object_or_404(actions_of(user), pk=pk)


class ActionDetailApi(APIView):
    permission_classes = [_may("complete_action")]

    @extend_schema(
        operation_id="complaint_actions_detail",
        tags=TAGS,
        summary=_("An improvement action"),
        parameters=[ID_IN_PATH],
        responses={200: ActionSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ActionSerializer(_action(request.user, pk)).data)


class ActionDoneApi(WriteApi):
    permission_classes = [_may("complete_action")]

    @extend_schema_serializer(component_name="ImprovementActionDoneInput")
    class InputSerializer(serializers.Serializer):
        evidence = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
        evidence_file = serializers.FileField(required=False, help_text=_("A photo or a PDF (multipart)."))

    @writes(
        _("Report an improvement action done, with evidence"),
        "complaint_actions_done",
        InputSerializer,
        ActionSerializer,
        parameters=[ID_IN_PATH],
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int) -> Response:
        action = _action(request.user, pk)
        data = validated_input(self, request)
        fields = data.validated_data
        upload = fields.get("evidence_file")
        run(
            lambda: meeting_actions.complete_action(action, by=request.user, evidence=fields["evidence"], upload=upload)
        )
        return Response(ActionSerializer(_action(request.user, pk)).data)


class ActionCancelApi(WriteApi):
    permission_classes = [_may("cancel_action")]

    @extend_schema_serializer(component_name="ImprovementActionCancelInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=1000)

    @writes(
        _("Drop an improvement action"),
        "complaint_actions_cancel",
        InputSerializer,
        ActionSerializer,
        parameters=[ID_IN_PATH],
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int) -> Response:
        action = _action(request.user, pk)
        data = validated_input(self, request)
        run(lambda: meeting_actions.cancel_action(action, by=request.user, reason=data.validated_data["reason"]))
        return Response(ActionSerializer(_action(request.user, pk)).data)


# --- The case library ------------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="TypicalCase")
class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    situation = serializers.CharField()
    cause = serializers.CharField()
    measures = serializers.CharField()
    lesson = serializers.CharField()
    characteristic = CharacteristicField()
    category = serializers.CharField(source="category.label")
    category_id = serializers.IntegerField()
    department = serializers.CharField(source="department.name")
    department_id = serializers.IntegerField()
    status = CaseStatusField()
    published_at = serializers.DateTimeField(allow_null=True)


class CaseListApi(ListAPIView, WriteApi):
    permission_classes = [_may("read_library")]
    serializer_class = CaseSerializer
    queryset = TypicalCase.objects.none()

    @extend_schema_serializer(component_name="TypicalCaseInput")
    class InputSerializer(serializers.Serializer):
        complaint = serializers.CharField(max_length=20, help_text=_("The closed complaint's work order number."))
        title = serializers.CharField(max_length=120)
        situation = serializers.CharField(max_length=4000)
        cause = serializers.CharField(max_length=4000)
        measures = serializers.CharField(max_length=4000)
        lesson = serializers.CharField(max_length=4000)
        characteristic = CharacteristicField()
        category = serializers.PrimaryKeyRelatedField(queryset=ComplaintCategory.objects.filter(is_active=True))
        department = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all())

    def get_queryset(self) -> QuerySet[TypicalCase]:
        params = self.request.query_params
        category = ComplaintCategory.objects.filter(pk=_int(params.get("category"))).first()
        department = Department.objects.filter(pk=_int(params.get("department"))).first()
        characteristic = params.get("characteristic", "")
        return cases.library(
            self.request.user,
            query=params.get("q", "")[:100],
            category=category,
            characteristic=characteristic if characteristic in dict(QUALITY_CHARACTERISTICS) else "",
            department=department,
            drafts=params.get("drafts") == "1",
        )

    @extend_schema(
        operation_id="complaint_cases_list",
        tags=TAGS,
        summary=_("Search the typical-case library (Chinese full text, best match first)"),
        parameters=[
            OpenApiParameter("q", str, description=_("Words to search for, e.g. 电表 停电.")),
            OpenApiParameter("category", int),
            OpenApiParameter("characteristic", str, enum=[code for code, _label in QUALITY_CHARACTERISTICS]),
            OpenApiParameter("department", int),
            OpenApiParameter("drafts", str, enum=["1"], description=_("Drafts and withdrawn cases you may see.")),
        ],
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    @writes(
        _("Write a typical case from a closed complaint (a draft)"),
        "complaint_cases_write",
        InputSerializer,
        CaseSerializer,
    )
    @idempotency.idempotent
    def post(self, request: Request) -> Response:
        data = validated_input(self, request, may="write_case")
        fields = dict(data.validated_data)
        complaint = Complaint.objects.select_related("order").filter(order__number=fields.pop("complaint")).first()
        if complaint is None or complaint.order.kind != "complaint":
            raise exceptions.ValidationError({"complaint": [_("No complaint has this number.")]})
        case = run(lambda: cases.write_case(complaint, by=request.user, **fields))
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _case(user: User, pk: int) -> TypicalCase:
    visible = cases.cases_visible_to(user).select_related("category__parent", "department")
    return get_object_or_404(visible, pk=pk)


class CaseDetailApi(APIView):
    permission_classes = [_may("read_library")]

    @extend_schema(
        operation_id="complaint_cases_detail",
        tags=TAGS,
        summary=_("A typical case"),
        parameters=[ID_IN_PATH],
        responses={200: CaseSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(CaseSerializer(_case(request.user, pk)).data)


def _case_move(name: str, move: Callable[..., TypicalCase], summary: str) -> type[APIView]:
    class CaseMoveApi(WriteApi):
        permission_classes = [_may("publish_case")]

        @writes(summary, f"complaint_cases_{name}", None, CaseSerializer, parameters=[ID_IN_PATH])
        @idempotency.idempotent
        def post(self, request: Request, pk: int) -> Response:
            case = _case(request.user, pk)
            if not permissions.may_publish_case(request.user, case):
                raise exceptions.PermissionDenied
            run(lambda: move(case, by=request.user))
            return Response(CaseSerializer(_case(request.user, pk)).data)

    CaseMoveApi.__name__ = f"Case{name.title()}Api"
    return CaseMoveApi


CasePublishApi = _case_move("publish", cases.publish_case, _("Publish a typical case in the library"))
CaseWithdrawApi = _case_move("withdraw", cases.withdraw_case, _("Withdraw a typical case from the library"))


@extend_schema_serializer(component_name="StudyAssignment")
class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    role = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)


class CaseAssignApi(WriteApi):
    permission_classes = [_may("assign_study")]

    @extend_schema_serializer(component_name="StudyAssignmentInput")
    class InputSerializer(serializers.Serializer):
        departments = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list, max_length=100
        )
        roles = serializers.ListField(child=StaffRoleField(), required=False, default=list, max_length=10)
        due_on = serializers.DateField(required=False, allow_null=True, default=None)

    @writes(
        _("Assign a published case for study to departments and/or roles"),
        "complaint_cases_assign",
        InputSerializer,
        AssignmentSerializer(many=True),
        parameters=[ID_IN_PATH],
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request.user, pk)
        data = validated_input(self, request)
        fields = dict(data.validated_data)
        ids = set(fields.pop("departments"))
        departments = list(permissions.departments_of(request.user).filter(pk__in=ids))
        if len(departments) != len(ids):
            raise exceptions.ValidationError({"departments": [_("Choose departments of your units.")]})
        run(lambda: cases.assign_study(case, by=request.user, departments=departments, **fields))
        return Response(AssignmentSerializer(case.assignments.select_related("department"), many=True).data)


class CaseReadApi(WriteApi):
    permission_classes = [_may("read_library")]

    @extend_schema_serializer(component_name="StudyRecordInput")
    class InputSerializer(serializers.Serializer):
        takeaway = serializers.CharField(max_length=200)

    @extend_schema_serializer(component_name="StudyRecord")
    class OutputSerializer(serializers.Serializer):
        case = serializers.IntegerField(source="case_id")
        takeaway = serializers.CharField()
        read_at = serializers.DateTimeField()

    @writes(
        _("Mark a case read, with a one-line takeaway"),
        "complaint_cases_read",
        InputSerializer,
        OutputSerializer,
        parameters=[ID_IN_PATH],
    )
    @idempotency.idempotent
    def post(self, request: Request, pk: int) -> Response:
        case = _case(request.user, pk)
        data = validated_input(self, request)
        record = run(lambda: cases.mark_read(case, by=request.user, takeaway=data.validated_data["takeaway"]))
        return Response(self.OutputSerializer(record).data)


@extend_schema_serializer(component_name="StudyReader")
class ReaderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    department = serializers.CharField(source="department.name", allow_null=True, default=None)
    role = StaffRoleField()
    read_at = serializers.DateTimeField(allow_null=True)
    takeaway = serializers.CharField(allow_null=True)


class CaseStudyApi(ListAPIView):
    """Who of the case's audience in your units has read it, unread first; the totals in the headers."""

    permission_classes = [_may("see_study_status")]
    serializer_class = ReaderSerializer
    queryset = User.objects.none()

    def get_queryset(self) -> QuerySet[User]:
        case = _case(self.request.user, self.kwargs["pk"])
        self.status = cases.study_status(case, viewer=self.request.user)
        return self.status.readers

    @extend_schema(
        operation_id="complaint_cases_study_status",
        tags=TAGS,
        summary=_("Who has and has not read an assigned case"),
        parameters=[ID_IN_PATH],
    )
    def get(self, request: Request, pk: int) -> Response:
        response = super().get(request, pk)
        response["X-Study-Assigned"], response["X-Study-Read"] = self.status.total, self.status.read
        return response


@extend_schema_serializer(component_name="StudyListCase")
class StudyListSerializer(CaseSerializer):
    read_at = serializers.DateTimeField(allow_null=True)
    takeaway = serializers.CharField(allow_null=True)
    due_on = serializers.DateField(allow_null=True)


class StudyListApi(ListAPIView):
    permission_classes = [_may("read_library")]
    serializer_class = StudyListSerializer
    queryset = TypicalCase.objects.none()

    def get_queryset(self) -> QuerySet[TypicalCase]:
        return cases.study_list(self.request.user)

    @extend_schema(operation_id="complaint_cases_my_study", tags=TAGS, summary=_("The cases assigned to you for study"))
    def get(self, request: Request) -> Response:
        return super().get(request)
