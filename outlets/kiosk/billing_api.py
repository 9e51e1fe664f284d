"""Bills and payment at a kiosk (billing, issue 14): the customer of the session reads an account's bills and
starts a payment, which the hall's payment terminal completes through the gateway (its signed callback credits
the account exactly as on the web: billing.callbacks).

- GET /api/v1/kiosk/accounts/<number>/bills/: the balance, what is due now, the last 12 bills;
- POST /api/v1/kiosk/accounts/<number>/payments/ (Idempotency-Key required): start a payment of `amount`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from billing import actions, ledger
from billing.api import BillOutput, PaymentStartedOutput
from billing.gateways import payment_gateway
from billing.models import Bill, PaymentChannel
from outlets.kiosk.api import IDEMPOTENCY_KEY, KEY_REUSED, SESSION, TAG, Conflict, KioskApi, _accounts_of
from outlets.kiosk.auth import session_of
from outlets.kiosk.idempotency import kiosk_idempotent
from services.api import invalid

NUMBER = OpenApiParameter("number", str, OpenApiParameter.PATH)


class BillsApi(KioskApi):
    @extend_schema_serializer(component_name="KioskBills")
    class OutputSerializer(serializers.Serializer):
        balance = serializers.DecimalField(max_digits=14, decimal_places=2)
        to_pay = serializers.DecimalField(max_digits=14, decimal_places=2)
        bills = BillOutput(many=True)

    @extend_schema(
        operation_id="kiosk_account_bills",
        tags=TAG,
        summary=_("An account's balance, what is due now and its last 12 bills"),
        parameters=[SESSION, NUMBER],
        responses={200: OutputSerializer},
    )
    def get(self, request: Request, number: str) -> Response:
        account = get_object_or_404(_accounts_of(session_of(request).customer_id), number=number)
        bills = Bill.objects.filter(account=account).select_related("account", "tariff").order_by("-period")[:12]
        output = {
            "balance": ledger.balance(account),
            "to_pay": ledger.amount_to_pay(account, timezone.localdate()),
            "bills": bills,
        }
        return Response(self.OutputSerializer(output).data)


class PaymentStartApi(KioskApi):
    @extend_schema_serializer(component_name="KioskPaymentStart")
    class InputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))

    @extend_schema(
        operation_id="kiosk_start_payment",
        tags=TAG,
        summary=_("Start a payment into an account; the hall's payment terminal completes it"),
        parameters=[SESSION, IDEMPOTENCY_KEY, NUMBER],
        request=InputSerializer,
        responses={201: PaymentStartedOutput, 409: OpenApiResponse(description=_("The account is closed.")),
                   422: KEY_REUSED},
    )  # fmt: skip
    @kiosk_idempotent
    def post(self, request: Request, number: str) -> Response:
        account = get_object_or_404(_accounts_of(session_of(request).customer_id), number=number)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            payment = actions.start_payment(
                account, by=request.user, amount=serializer.validated_data["amount"], channel=PaymentChannel.KIOSK
            )
        except ValidationError as error:
            raise invalid(error) from error
        except actions.BillingRefused as refusal:
            raise Conflict(detail=str(refusal)) from refusal
        payment.checkout_url = request.build_absolute_uri(payment_gateway().checkout_url(payment))
        return Response(PaymentStartedOutput(payment).data, status=status.HTTP_201_CREATED)
