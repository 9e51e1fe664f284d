"""Bills and payments in the API, calling the same actions as the pages.

- GET /api/v1/bills/?account=<number>, GET /api/v1/bills/<id>/ (whoever may see the account: 404 otherwise);
- POST /api/v1/payments/ (the account's linked customer; Idempotency-Key), GET /api/v1/payments/<reference>/;
- POST /api/v1/payments/callback/ (the gateway, signed: 400 without a good signature).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http.request import RawPostDataException
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from accounts.models import ElectricityAccount
from billing import actions, callbacks
from billing.gateways import SIGNATURE_HEADER, BadSignature, payment_gateway
from billing.models import Bill, Payment, PaymentChannel
from billing.permissions import may_pay
from services import idempotency
from services.api import IDEMPOTENCY_KEY, Conflict, invalid

LIST_LIMIT = 24


class PaymentThrottle(UserRateThrottle):
    rate = "30/min"


class CallbackThrottle(AnonRateThrottle):
    rate = "600/min"


@extend_schema_serializer(component_name="BillLine")
class LineOutput(serializers.Serializer):
    tier = serializers.IntegerField()
    band = serializers.CharField()
    band_label = serializers.CharField(source="get_band_display")
    kwh = serializers.DecimalField(max_digits=14, decimal_places=4)
    price = serializers.DecimalField(max_digits=8, decimal_places=4)
    amount = serializers.DecimalField(max_digits=16, decimal_places=6)


@extend_schema_serializer(component_name="Bill")
class BillOutput(serializers.Serializer):
    id = serializers.IntegerField()
    account = serializers.CharField(source="account.number")
    period = serializers.DateField()
    tariff = serializers.CharField(source="tariff.code")
    kwh = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    due_on = serializers.DateField()
    paid_on = serializers.DateField(allow_null=True)
    late_fee = serializers.DecimalField(max_digits=12, decimal_places=2)


@extend_schema_serializer(component_name="BillDetail")
class BillDetailOutput(BillOutput):
    lines = LineOutput(many=True, source="lines.all")


@extend_schema_serializer(component_name="Payment")
class PaymentOutput(serializers.Serializer):
    reference = serializers.CharField()
    account = serializers.CharField(source="account.number")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    channel = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="PaymentStarted")
class PaymentStartedOutput(PaymentOutput):
    checkout_url = serializers.CharField()


class BillListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bills_list",
        summary=_("An account's bills, newest first (24)"),
        parameters=[OpenApiParameter("account", str, required=True, description=_("The account number."))],
        responses={200: BillOutput(many=True), 404: OpenApiResponse(description=_("No such account of yours."))},
    )
    def get(self, request: Request) -> Response:
        number = request.query_params.get("account", "")
        if not number:
            raise exceptions.ValidationError({"account": [_("Give the account number.")]})
        account = get_object_or_404(ElectricityAccount.objects.visible_to(request.user), number=number)
        bills = Bill.objects.filter(account=account).select_related("account", "tariff").order_by("-period")
        return Response(BillOutput(bills[:LIST_LIMIT], many=True).data)


class BillDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="bills_retrieve", summary=_("A bill with its lines"), responses={200: BillDetailOutput})
    def get(self, request: Request, id: int) -> Response:
        bill = get_object_or_404(Bill.objects.visible_to(request.user).select_related("account", "tariff"), pk=id)
        return Response(BillDetailOutput(bill).data)


class PaymentStartApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [PaymentThrottle]

    @extend_schema_serializer(component_name="PaymentStart")
    class InputSerializer(serializers.Serializer):
        account = serializers.CharField(max_length=10)
        amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))

    @extend_schema(
        operation_id="payments_create",
        summary=_("Start paying into one of your accounts; finish at the checkout address"),
        parameters=[IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses={201: PaymentStartedOutput, 409: OpenApiResponse(description=_("The account is closed."))},
    )
    @idempotency.idempotent
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = get_object_or_404(
            ElectricityAccount.objects.visible_to(request.user), number=data.validated_data["account"]
        )
        if not may_pay(request.user, account):
            raise exceptions.PermissionDenied
        try:
            payment = actions.start_payment(
                account, by=request.user, amount=data.validated_data["amount"], channel=PaymentChannel.WEB
            )
        except ValidationError as error:
            raise invalid(error) from error
        except actions.BillingRefused as refusal:
            raise Conflict(detail=str(refusal)) from refusal
        payment.checkout_url = request.build_absolute_uri(payment_gateway().checkout_url(payment))
        return Response(PaymentStartedOutput(payment).data, status=status.HTTP_201_CREATED)


class PaymentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="payments_retrieve", summary=_("A payment and its state"), responses={200: PaymentOutput}
    )
    def get(self, request: Request, reference: str) -> Response:
        payment = get_object_or_404(
            Payment.objects.visible_to(request.user).select_related("account"), reference=reference
        )
        return Response(PaymentOutput(payment).data)


class CallbackApi(APIView):
    """The gateway's signed callback: applied once, however many times it is delivered."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [CallbackThrottle]

    @extend_schema_serializer(component_name="PaymentCallback")
    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField()
        gateway_reference = serializers.CharField(required=False)
        amount = serializers.DecimalField(max_digits=12, decimal_places=2)
        status = serializers.ChoiceField(choices=["paid", "failed"])

    @extend_schema(
        operation_id="payments_callback",
        summary=_("The payment gateway's callback (signed in the X-Gateway-Signature header)"),
        parameters=[OpenApiParameter(SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True)],
        request=InputSerializer,
        responses={200: PaymentOutput, 409: OpenApiResponse(description=_("The payment can no longer change so."))},
    )
    def post(self, request: Request) -> Response:
        try:
            body = request.body  # the signature is over the raw bytes, so the body is read as sent
        except RawPostDataException as error:  # a form body, already parsed by the input checks: not a gateway's
            raise exceptions.ValidationError(
                {SIGNATURE_HEADER: [_("The signature does not match the body.")]}
            ) from error
        try:
            payment = callbacks.receive(payment_gateway(), body, request.headers.get(SIGNATURE_HEADER, ""))
        except (BadSignature, ValueError) as error:
            raise exceptions.ValidationError(
                {SIGNATURE_HEADER: [_("The signature does not match the body.")]}
            ) from error
        except Payment.DoesNotExist as error:
            raise exceptions.ValidationError({"reference": [_("No such payment.")]}) from error
        except ValidationError as error:
            raise invalid(error) from error
        except actions.BillingRefused as refusal:
            raise Conflict(detail=str(refusal)) from refusal
        return Response(PaymentOutput(payment).data)
