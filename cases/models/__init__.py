"""The cases app's models, one module per concern; everything is importable from ``cases.models``."""

from cases.models.accreditation import AnnualCaseload
from cases.models.case import (
    Biomarker,
    Case,
    CaseRepresentation,
    CaseTransition,
    Comment,
    Document,
    GenomicVariant,
    Medication,
    Patient,
    Pharmacogenomic,
    StagingRecord,
    TreatmentCourse,
    _document_path,
    body_surface_area,
)
from cases.models.imports import CaseImport
from cases.models.packets import MeetingPacket, Packet, PacketVersion, _meeting_packet_pdf_path, _packet_pdf_path
from cases.models.plans import (
    PATHOLOGY_FIELDS,
    STAGING_FIELDS,
    ChangeRecord,
    FollowUp,
    FollowUpReminder,
    Plan,
    PlanComponent,
    ProfileRevision,
    Review,
    RevisedField,
)
from cases.models.review_tasks import ReviewTask
from cases.models.second_opinions import (
    SecondOpinion,
    SecondOpinionReport,
    SecondOpinionTransition,
    _report_pdf_path,
)
from cases.models.trials import Trial

__all__ = [
    "PATHOLOGY_FIELDS",
    "STAGING_FIELDS",
    "AnnualCaseload",
    "Biomarker",
    "Case",
    "CaseImport",
    "CaseRepresentation",
    "CaseTransition",
    "ChangeRecord",
    "Comment",
    "Document",
    "FollowUp",
    "FollowUpReminder",
    "GenomicVariant",
    "Medication",
    "MeetingPacket",
    "Packet",
    "PacketVersion",
    "Patient",
    "Pharmacogenomic",
    "Plan",
    "PlanComponent",
    "ProfileRevision",
    "Review",
    "ReviewTask",
    "RevisedField",
    "SecondOpinion",
    "SecondOpinionReport",
    "SecondOpinionTransition",
    "StagingRecord",
    "TreatmentCourse",
    "Trial",
    "_document_path",
    "_meeting_packet_pdf_path",
    "_packet_pdf_path",
    "_report_pdf_path",
    "body_surface_area",
]
