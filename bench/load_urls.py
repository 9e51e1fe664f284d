"""The portal's URLs plus the load benchmark's baseline: a bare DRF endpoint that reads one row."""

from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import ElectricityAccount


class BareApi(APIView):
    """Session authentication, one indexed row read, JSON out: what every API request costs at least."""

    def get(self, request: Request) -> Response:
        number = ElectricityAccount.objects.filter(pk=1).values_list("number", flat=True).first()
        return Response({"number": number})


urlpatterns = [path("bench/bare/", BareApi.as_view()), path("", include("portal.urls"))]
