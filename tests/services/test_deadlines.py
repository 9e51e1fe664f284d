from datetime import datetime
from zoneinfo import ZoneInfo

from services.templatetags.deadlines import deadline

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_working_day_limit_ending_at_midnight_reads_as_24_00_of_the_day_before():
    assert deadline(datetime(2026, 10, 14, tzinfo=SHANGHAI)) == "2026-10-13 24:00"
    assert deadline(datetime(2026, 10, 14, tzinfo=SHANGHAI), "short") == "10-13 24:00"


def test_any_other_time_reads_as_itself_in_local_time():
    assert deadline(datetime(2026, 11, 27, 10, 45, tzinfo=ZoneInfo("UTC"))) == "2026-11-27 18:45"
    assert deadline(None) == ""
