"""The tariff guide in the API: the public calculator and an account's comparison.

- GET /api/v1/tariffs/calculator/?province=ZJ&monthly_kwh=250&valley_percent=30 (open to anyone);
- GET /api/v1/tariffs/accounts/<number>/ (whoever may see the account: 404 otherwise).
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ElectricityAccount
from services.notices.api import PublicThrottle
from services.tariffs import guide
from services.tariffs.forms import CalculatorForm
from services.tariffs.guide import Comparison
from services.tariffs.views import explain


@extend_schema_serializer(component_name="TariffOption")
class OptionSerializer(serializers.Serializer):
    code = serializers.CharField(source="tariff.code")
    name = serializers.CharField(source="tariff.name")
    is_current = serializers.BooleanField()
    year = serializers.DecimalField(max_digits=12, decimal_places=2)
    months = serializers.ListField(child=serializers.DecimalField(max_digits=12, decimal_places=2))


@extend_schema_serializer(component_name="TariffComparison")
class ComparisonOutput(serializers.Serializer):
    periods = serializers.ListField(child=serializers.DateField())
    kwh = serializers.ListField(child=serializers.DecimalField(max_digits=12, decimal_places=2))
    options = OptionSerializer(many=True)
    cheapest = serializers.CharField(allow_null=True)
    saving_per_year = serializers.DecimalField(max_digits=12, decimal_places=2)
    shift_saving_per_year = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    explanation = serializers.ListField(child=serializers.CharField())


def output(comparison: Comparison) -> dict:
    return ComparisonOutput(
        {
            "periods": [usage.period for usage in comparison.usage],
            "kwh": [usage.total for usage in comparison.usage],
            "options": [
                {
                    "tariff": option.tariff,
                    "is_current": option.is_current,
                    "year": option.year,
                    "months": [bill.amount for bill in option.bills],
                }
                for option in comparison.options
            ],  # fmt: skip
            "cheapest": comparison.cheapest.tariff.code if comparison.cheapest else None,
            "saving_per_year": comparison.saving,
            "shift_saving_per_year": comparison.shift_saving,
            "explanation": explain(comparison),
        }
    ).data


class CalculatorApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]

    @extend_schema(
        operation_id="tariffs_calculator",
        summary=_("A year's bills for a typed monthly kWh under each residential tariff"),
        parameters=[
            OpenApiParameter("province", str, required=True, description=_("ZJ, SH or BJ.")),
            OpenApiParameter("monthly_kwh", float, required=True),
            OpenApiParameter("valley_percent", float, required=True),
        ],
        responses={200: ComparisonOutput},
    )
    def get(self, request: Request) -> Response:
        form = CalculatorForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        data = form.cleaned_data
        return Response(
            output(guide.compare_typed(data["province"], data["monthly_kwh"], data["valley_percent"] / 100))
        )


class AccountComparisonApi(APIView):
    @extend_schema(
        operation_id="tariffs_account_comparison",
        summary=_("An account's last 12 months priced under each tariff it may choose"),
        parameters=[OpenApiParameter("number", str, OpenApiParameter.PATH)],
        responses={200: ComparisonOutput},
    )
    def get(self, request: Request, number: str) -> Response:
        account = get_object_or_404(ElectricityAccount.objects.visible_to(request.user), number=number)
        return Response(output(guide.compare_account(account)))
