"""The complaints app's models: the complaint's particulars and reference data (complaints.models.complaints)."""

from complaints.models.complaints import (
    COMPLAINT,
    FEEDBACK_KINDS,
    MISCONDUCT_REPORT,
    OPINION,
    PRAISE,
    SUGGESTION,
    Accountability,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ContactMethod,
    MajorReason,
    RootCause,
)

__all__ = [
    "COMPLAINT",
    "FEEDBACK_KINDS",
    "MISCONDUCT_REPORT",
    "OPINION",
    "PRAISE",
    "SUGGESTION",
    "Accountability",
    "Complaint",
    "ComplaintCategory",
    "ComplaintStatus",
    "ContactMethod",
    "MajorReason",
    "RootCause",
]
