"""The kiosk's one page: a receipt to print (signed link from the API's answers), mounted at /kiosk/."""

from django.urls import path

from outlets.kiosk import receipts

app_name = "kiosk"

urlpatterns = [path("receipts/<str:token>/", receipts.printable, name="receipt")]
