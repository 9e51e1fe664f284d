from datetime import date

from dashboards import reports
from services.models import Notification


def test_the_monthly_report_goes_to_each_units_managers_on_the_first_working_day_once(db, sam, mona):
    assert reports.first_working_day(date(2026, 10, 15)) == date(2026, 10, 8)  # after the National Day holiday
    assert reports.send_monthly_reports(date(2026, 10, 7)) == 0
    sent = reports.send_monthly_reports(date(2026, 10, 8))
    assert sent > 0
    assert reports.send_monthly_reports(date(2026, 10, 8)) == 0
    row = Notification.objects.filter(recipient=sam, template="monthly_quality_report").first()
    assert row.context["month"] == "2026-09" and "unit=C0001-01" in row.context["link"]
    assert row.context["pdf_link"] == row.context["link"] + "&format=pdf"
