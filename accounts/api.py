"""The JSON API of accounts under /api/v1/: who is calling, and the electricity accounts they may see.

Views stay thin: reads go through `ElectricityAccount.objects.visible_to()`, writes through
`accounts.actions`, and each endpoint has its own small Input/Output serializers (STYLE.md). An account the
caller may not see answers 404; an action the caller may not take answers 403 (accounts.permissions).
The identity number leaves only in its masked form: no serializer here names anything else of it.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts.actions import LinkRefused, link_account, unlink_account
from accounts.consumption import READING_MONTHS
from accounts.identity import NUMBER_LENGTH
from accounts.models import (
    AccountStatus,
    AreaType,
    CustomerClass,
    ElectricityAccount,
    ElectricityAccountQuerySet,
    MeterReading,
    Role,
    User,
    VoltageLevel,
    account_number_validator,
)
from accounts.permissions import IsCustomer

NUMBER_IN_PATH = OpenApiParameter(
    "number", str, OpenApiParameter.PATH, description=_("The 10-digit electricity account number (户号).")
)


def accounts_for_detail(user: User) -> ElectricityAccountQuerySet:
    """The accounts `user` may see, each with its customer, 台区 and recent readings in three queries."""
    recent = MeterReading.objects.latest(READING_MONTHS).order_by("-period")
    return (
        ElectricityAccount.objects.visible_to(user)
        .select_related("customer", "grid")
        .prefetch_related(Prefetch("readings", queryset=recent, to_attr="recent_readings"))
    )


class MeApi(APIView):
    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="MeDepartment")
        class DepartmentSerializer(serializers.Serializer):
            id = serializers.IntegerField()
            code = serializers.CharField()
            name = serializers.CharField()

        username = serializers.CharField()
        full_name = serializers.CharField()
        role = serializers.ChoiceField(choices=Role.choices)
        role_label = serializers.CharField(source="get_role_display")
        department = DepartmentSerializer(allow_null=True)
        language = serializers.CharField()
        is_employee = serializers.BooleanField()

    @extend_schema(
        operation_id="me_retrieve",
        tags=["users"],
        summary=_("The signed-in user"),
        responses={200: OutputSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(request.user).data)


class AccountFilter(filters.FilterSet):
    q = filters.CharFilter(method="search_accounts", max_length=100, label=_("Account number prefix or customer name"))
    status = filters.ChoiceFilter(choices=AccountStatus.choices, label=_("Status"))
    customer_class = filters.ChoiceFilter(choices=CustomerClass.choices, label=_("Customer class"))
    grid = filters.CharFilter(field_name="grid__code", max_length=20, label=_("Service grid (台区) code"))

    class Meta:
        model = ElectricityAccount
        fields = ["q", "status", "customer_class", "grid"]

    def search_accounts(
        self, queryset: ElectricityAccountQuerySet, name: str, value: str
    ) -> ElectricityAccountQuerySet:
        return queryset.search(value)


class AccountListApi(ListAPIView):
    @extend_schema_serializer(component_name="Account")
    class OutputSerializer(serializers.Serializer):
        @extend_schema_serializer(component_name="AccountGrid")
        class GridSerializer(serializers.Serializer):
            code = serializers.CharField()
            name = serializers.CharField()
            area_type = serializers.ChoiceField(choices=AreaType.choices)

        number = serializers.CharField()
        customer_name = serializers.CharField(source="customer.name")
        id_number_masked = serializers.CharField(source="customer.id_number_masked")
        address = serializers.CharField()
        grid = GridSerializer()
        customer_class = serializers.ChoiceField(choices=CustomerClass.choices)
        voltage_level = serializers.ChoiceField(choices=VoltageLevel.choices)
        contracted_capacity_kva = serializers.DecimalField(max_digits=10, decimal_places=1)
        tariff_code = serializers.CharField()
        is_important = serializers.BooleanField()
        status = serializers.ChoiceField(choices=AccountStatus.choices)
        linked = serializers.SerializerMethodField()

        def get_linked(self, account: ElectricityAccount) -> bool:
            return account.linked_user_id is not None

    # Only so that the schema knows the model; get_queryset() decides what the caller sees.
    queryset = ElectricityAccount.objects.none()
    serializer_class = OutputSerializer
    filterset_class = AccountFilter

    @extend_schema(
        operation_id="accounts_list",
        tags=["accounts"],
        summary=_("The electricity accounts the caller may see"),
        description=_("A customer gets their linked accounts; staff get every account, searchable and filtered."),
    )
    def get(self, request: Request) -> Response:
        return super().get(request)

    def get_queryset(self) -> ElectricityAccountQuerySet:
        return ElectricityAccount.objects.visible_to(self.request.user).select_related("customer", "grid")


class AccountDetailApi(RetrieveAPIView):
    @extend_schema_serializer(component_name="AccountDetail")
    class OutputSerializer(AccountListApi.OutputSerializer):
        @extend_schema_serializer(component_name="MeterReading")
        class ReadingSerializer(serializers.Serializer):
            period = serializers.SerializerMethodField()
            total_kwh = serializers.DecimalField(max_digits=12, decimal_places=2)
            peak_kwh = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
            valley_kwh = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)

            def get_period(self, reading: MeterReading) -> str:
                return f"{reading.period:%Y-%m}"

        readings = ReadingSerializer(many=True, source="recent_readings")

    queryset = ElectricityAccount.objects.none()  # for the schema, as above
    serializer_class = OutputSerializer
    lookup_field = "number"

    @extend_schema(
        operation_id="accounts_retrieve",
        tags=["accounts"],
        summary=_("One electricity account with its last 12 monthly readings"),
        parameters=[NUMBER_IN_PATH],
        responses={200: OutputSerializer, 404: OpenApiResponse(description=_("No such account visible to you."))},
    )
    def get(self, request: Request, number: str) -> Response:
        return super().get(request, number=number)

    def get_queryset(self) -> ElectricityAccountQuerySet:
        return accounts_for_detail(self.request.user)


def link_refusal_error(refusal: LinkRefused) -> exceptions.APIException:
    """Turn a refusal into the answer the API gives: 429 when throttled, else 400 on the refused field."""
    if refusal.throttled:
        return exceptions.Throttled(detail=refusal.message)
    field = api_settings.NON_FIELD_ERRORS_KEY if refusal.field == "__all__" else refusal.field
    return exceptions.ValidationError({field: [refusal.message]})


class AccountLinkApi(APIView):
    permission_classes = [IsCustomer]

    @extend_schema_serializer(component_name="AccountLink")
    class InputSerializer(serializers.Serializer):
        number = serializers.CharField(
            min_length=10,
            max_length=10,
            validators=[account_number_validator],
            help_text=_("The 10-digit number."),
        )
        proof = serializers.RegexField(
            rf"^[0-9A-Za-z]{{{NUMBER_LENGTH}}}$",
            min_length=NUMBER_LENGTH,
            max_length=NUMBER_LENGTH,
            help_text=_(
                "The whole identity number on file for the account's holder: the 18-character ID card number, "
                "or an organisation's unified social credit code."
            ),
        )

    @extend_schema(
        operation_id="accounts_link",
        tags=["accounts"],
        summary=_("Link an electricity account to the signed-in customer"),
        request=InputSerializer,
        responses={
            201: AccountDetailApi.OutputSerializer,
            400: OpenApiResponse(description=_("Malformed input, or the proof or the account was refused.")),
            403: OpenApiResponse(description=_("Only customers link accounts.")),
            429: OpenApiResponse(description=_("Too many wrong proofs recently.")),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            account = link_account(by=request.user, **serializer.validated_data)
        except LinkRefused as refusal:
            raise link_refusal_error(refusal) from refusal
        account = accounts_for_detail(request.user).get(pk=account.pk)
        return Response(AccountDetailApi.OutputSerializer(account).data, status=status.HTTP_201_CREATED)


class AccountUnlinkApi(APIView):
    permission_classes = [IsCustomer]

    @extend_schema(
        operation_id="accounts_unlink",
        tags=["accounts"],
        summary=_("Remove the link between the signed-in customer and one of their accounts"),
        parameters=[NUMBER_IN_PATH],
        request=None,
        responses={
            204: OpenApiResponse(description=_("Unlinked.")),
            403: OpenApiResponse(description=_("Only customers unlink accounts.")),
            404: OpenApiResponse(description=_("No such account linked to you.")),
        },
    )
    def delete(self, request: Request, number: str) -> Response:
        account = get_object_or_404(ElectricityAccount.objects.visible_to(request.user), number=number)
        try:
            unlink_account(account, by=request.user)
        except ElectricityAccount.DoesNotExist as gone:  # a concurrent request unlinked it first
            raise exceptions.NotFound from gone
        return Response(status=status.HTTP_204_NO_CONTENT)
