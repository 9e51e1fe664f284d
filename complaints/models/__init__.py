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
    Reporter,
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
    "Reporter",
    "RootCause",
]

# Analysis meetings, improvement actions and the typical-case library (complaints.models.meetings, .cases).
from complaints.models.cases import CaseStatus, StudyAssignment, StudyRecord, TypicalCase
from complaints.models.meetings import (
    ActionStatus,
    AnalysisMeeting,
    ImprovementAction,
    MeetingStatus,
    MonthlyComplaintFigures,
)

__all__ += [
    "ActionStatus",
    "AnalysisMeeting",
    "CaseStatus",
    "ImprovementAction",
    "MeetingStatus",
    "MonthlyComplaintFigures",
    "StudyAssignment",
    "StudyRecord",
    "TypicalCase",
]
