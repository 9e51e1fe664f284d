"""Outage notices in the API (/api/v1/notices/): the public list by area or 台区, and one notice.

Open to anyone, as the public pages are (a kiosk or app shows them without a login); drafts never appear.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny
from rest_framework.throttling import AnonRateThrottle

from services.api import named_choice_field
from services.notices.models import NoticeKind, NoticeStatus, OutageNotice
from services.notices.views import public_notices, with_grids


class PublicThrottle(AnonRateThrottle):
    rate = "120/min"


@extend_schema_serializer(component_name="NoticeGrid")
class GridSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema_serializer(component_name="OutageNotice")
class NoticeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = named_choice_field(NoticeKind.choices, "OutageNoticeKindEnum")()
    status = named_choice_field(NoticeStatus.choices, "OutageNoticeStatusEnum")()
    phase = named_choice_field(
        [(p, p) for p in ("upcoming", "live", "cancelled", "restored")], "OutageNoticePhaseEnum"
    )()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    restored_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    area = serializers.CharField()
    grids = GridSerializer(many=True, source="grids.all")


class NoticeListApi(ListAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    serializer_class = NoticeOutput

    @extend_schema(
        operation_id="notices_list",
        summary=_("Outage notices: live, upcoming and recently closed"),
        parameters=[
            OpenApiParameter("q", str, description=_("Words of the area, a 台区's name or its code.")),
            OpenApiParameter("grid", str, description=_("Only notices covering this 台区 code.")),
        ],
    )
    def get(self, request: object, *args: object, **kwargs: object) -> object:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[OutageNotice]:
        notices = public_notices(self.request.query_params.get("q", "")[:100])
        grid = self.request.query_params.get("grid", "")[:20]
        if grid:
            notices = notices.filter(notice_grids__grid__code=grid)
        return with_grids(notices)


class NoticeDetailApi(RetrieveAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    serializer_class = NoticeOutput

    @extend_schema(operation_id="notices_retrieve", summary=_("One outage notice"))
    def get(self, request: object, *args: object, **kwargs: object) -> object:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> OutageNotice:
        return get_object_or_404(with_grids(OutageNotice.objects.published()), pk=self.kwargs["pk"])
