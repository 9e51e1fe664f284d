"""Every URL name the browser suite reverses, in one place.

A kind's own pages (services/repair/, services/applications/) are named in the `services` namespace like the
backbone's; if a name changes, only this table does. The walk itself clicks the
links and buttons a person would, found by these URLs rather than by their words, so it reads the same in
both languages.
"""

from django.urls import reverse

LOGIN = "accounts:login"
HOME = "portal:home"
MY_REQUESTS = "services:my-requests"
REPORT_FAULT = "services:report-fault"
INBOX = "services:inbox"
ORDER = "services:order"
STEP = "services:step"  # a customer's step: chase, and a fault's confirm and dispute
MY_QUEUE = "services:my-queue"
DISPATCH = "services:dispatcher"
ACT = "services:act"
RETURN_VISIT = "services:return-visit"
# Complaints (issue 9).
FILE_COMPLAINT = "complaints:file"
COMPLAINT_QUEUE = "complaints:queue"
COMPLAINT_WATCH = "complaints:watch"
API_ROOT = "api:root"
API_WORK_ORDERS = "api:work-order-list"
API_DOCS = "api-docs"
API_REDOC = "api-redoc"


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def rating_prefix() -> str:
    """The path every return-visit link starts with (the token follows)."""
    return url(RETURN_VISIT, "TOKEN").removesuffix("TOKEN/")


# Complaint analysis meetings and the typical-case library (issue 9).
MEETINGS = "complaints:meetings"
MEETING = "complaints:meeting"
MY_STUDY = "complaints:my-study"
CASE = "complaints:case"
