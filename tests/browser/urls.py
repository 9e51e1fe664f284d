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
ENTER_COMPLAINT = "complaints:enter"
COMPLAINT_QUEUE = "complaints:queue"
COMPLAINT_WATCH = "complaints:watch"
API_ROOT = "api:root"
API_WORK_ORDERS = "api:work-order-list"
API_DOCS = "api-docs"
API_REDOC = "api-redoc"
# outlets (issue 10)
OUTLET_FINDER = "outlets:finder"
OUTLET = "outlets:outlet"
OUTLET_BOARD = "outlets:board"
COUNTER_DESK = "outlets:counter"
COUNTER_ACT = "outlets:counter-act"
TICKET_ACT = "outlets:ticket-act"


def url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def rating_prefix() -> str:
    """The path every return-visit link starts with (the token follows)."""
    return url(RETURN_VISIT, "TOKEN").removesuffix("TOKEN/")


# Pre-sale (issue 11): outage notices, the knowledge base and enquiries, the tariff guide.
NOTICES = "notices:lookup"
NOTICE = "notices:detail"
ASK = "services:ask"
KB_ARTICLE = "kb:article"
KB_HELPFUL = "kb:helpful"
TARIFF_CALCULATOR = "tariffs:calculator"
TARIFF_ACCOUNT = "tariffs:account"
# Self-service kiosks (outlets.kiosk): the API a kiosk calls, and the receipt page it prints.
KIOSK_SESSIONS = "api:kiosk-session-start"
KIOSK_FILE = "api:kiosk-file"
KIOSK_RECEIPT = "kiosk:receipt"
# Complaint analysis meetings and the typical-case library (issue 9).
MEETINGS = "complaints:meetings"
MEETING = "complaints:meeting"
MY_STUDY = "complaints:my-study"
CASE = "complaints:case"
# In-sale (issue 12): a new connection, its documents, a change of use.
APPLY_CONNECTION = "services:apply-connection"
SUPPLY_DOCUMENTS = "services:supply-documents"
ENTER_CONNECTION = "services:enter-connection"  # a clerk enters a paper application at the counter
# Inspections (issue 13).
INSPECTION_WORK = "services:inspection-work"
INSPECTION_FLAGS = "services:inspection-flags"
INSPECTION_THEFT_CASES = "services:inspection-theft-cases"
# Billing (issue 14).
BILLS = "billing:home"
BILLS_OF_ACCOUNT = "billing:account"
BILL = "billing:bill"
# Managers' dashboards (issue 15).
DASHBOARD = "dashboards:dashboard"
SCORECARDS = "dashboards:scorecards"
MONTHLY_REPORT = "dashboards:report"
TARGETS = "dashboards:targets"
MY_SCORECARD = "dashboards:my-scorecard"
DASHBOARD_IMPORT = "dashboards:import"
