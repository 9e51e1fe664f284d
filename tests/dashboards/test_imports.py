from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from dashboards.models import ExternalFigure
from dashboards.tasks import rescore_months

HEADER = "grid,month,data_collection,line_loss,fee_recovery\n"


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("figures.csv", (HEADER + text).encode(), content_type="text/csv")


def test_a_manager_imports_a_months_figures_per_grid(client, sam, grid):
    client.force_login(sam)
    response = client.post(reverse("dashboards:import"), {"file": _csv("TQ00001,2026-05,99.95,97.2,100\n")})
    assert response.status_code == 302
    assert ExternalFigure.objects.filter(grid=grid).count() == 3


def test_a_bad_row_is_named_and_nothing_is_imported(client, sam, grid, west_grid):
    client.force_login(sam)
    upload = _csv(
        "TQ00001,2026-05,99.95,97.2,100\nTQ00002,2026-05,99,99,99\nTQ00001,May,1,2,3\nTQ00001,2026-06,120,,\n"
    )
    response = client.post(reverse("dashboards:import"), {"file": upload})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Row 3" in text and "TQ00002" in text  # another unit's 台区
    assert "Row 4" in text and "Row 5" in text
    assert not ExternalFigure.objects.exists()


def test_xlsx_files_import_too_and_appear_on_the_scorecard(client, sam, grid, django_capture_on_commit_callbacks):
    book = Workbook()
    book.active.append(["grid", "month", "data_collection", "line_loss", "fee_recovery"])
    book.active.append(["TQ00001", "2026-06", 99.9, 96.5, 100])
    buffer = BytesIO()
    book.save(buffer)
    client.force_login(sam)
    upload = SimpleUploadedFile("figures.xlsx", buffer.getvalue())
    with django_capture_on_commit_callbacks() as queued:
        assert client.post(reverse("dashboards:import"), {"file": upload}).status_code == 302
    # The import queues the month's rescoring; the worker's run of it, here in the test:
    rescore = [callback for callback in queued if getattr(callback, "func", None) == rescore_months.delay]
    assert [callback.args for callback in rescore] == [(["2026-06-01"],)]
    rescore_months(*rescore[0].args)
    page = client.get(reverse("dashboards:scorecards"), {"period": "month", "on": "2026-06-01"})
    assert "99.90" in [str(c) for c in page.context["tables"][0].rows[0].cells]


def test_a_file_without_the_header_is_refused(client, sam, grid):
    client.force_login(sam)
    upload = SimpleUploadedFile("figures.csv", b"TQ00001,2026-05,1,2,3\n")
    response = client.post(reverse("dashboards:import"), {"file": upload})
    assert response.status_code == 400 and "first row" in response.content.decode()
