"""The REST API v1: one router for every resource of SPEC §6."""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter, SimpleRouter

from cases.api.accreditation import AccreditationView, CaseloadsView
from cases.api.analytics import PlanChangeAnalyticsView, TurnaroundAnalyticsView
from cases.api.checklist import CaseChecklistView
from cases.api.fhir_export import CaseFhirView
from cases.api.fhir_import import FhirImportView
from cases.api.meeting_packets import MeetingPacketPdfView, MeetingPacketView
from cases.api.packets import CasePacketPdfView, CasePacketView
from cases.api.plans import ChangeViewSet, FollowUpViewSet, PlanViewSet, ReviewViewSet
from cases.api.review_tasks import ReviewTaskViewSet
from cases.api.second_opinions import SecondOpinionViewSet
from cases.api.trials import CaseTrialsView, TrialAnalyticsView, TrialViewSet
from cases.api.views import CaseViewSet, CommentViewSet, DocumentViewSet
from scheduling.api.agenda import AgendaViewSet, AttendanceViewSet
from scheduling.api.cme import (
    AttestationCertificateView,
    MeetingCmeAttestView,
    MeetingCmeView,
    MyAttestationsView,
    board_roster_view,
    meeting_roster_view,
)
from scheduling.api.views import BoardViewSet, CalendarFeedView, ICalendarRenderer, MeetingViewSet
from specialists.api.views import (
    InstitutionViewSet,
    MeView,
    SpecialistViewSet,
    TokenDetailView,
    TokensView,
    TokenView,
)
from tumorboard.api.views import UUID_PATTERN, AuditEventViewSet

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False  # no ".json" twin of every route: half the patterns a request is matched against
router.register("cases", CaseViewSet, basename="case")
router.register("institutions", InstitutionViewSet, basename="institution")
router.register("specialists", SpecialistViewSet, basename="specialist")
router.register("boards", BoardViewSet, basename="board")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("second-opinions", SecondOpinionViewSet, basename="second-opinion")
router.register("trials", TrialViewSet, basename="trial")
router.register("audit-events", AuditEventViewSet, basename="audit-event")
router.register("me/tasks", ReviewTaskViewSet, basename="me-task")

case_router = SimpleRouter(trailing_slash=True)
case_router.register("documents", DocumentViewSet, basename="case-document")
case_router.register("comments", CommentViewSet, basename="case-comment")
case_router.register("reviews", ReviewViewSet, basename="case-review")
case_router.register("plans", PlanViewSet, basename="case-plan")
case_router.register("changes", ChangeViewSet, basename="case-change")
case_router.register("follow-up", FollowUpViewSet, basename="case-follow-up")

meeting_router = SimpleRouter(trailing_slash=True)
meeting_router.register("agenda", AgendaViewSet, basename="meeting-agenda")
meeting_router.register("attendance", AttendanceViewSet, basename="meeting-attendance")

ROSTER_SUFFIXES = {"json": r"roster/", "csv": r"roster\.csv", "pdf": r"roster\.pdf"}

# The router's routes first, the cases' first among them: Django tries the patterns in order, and a case's detail,
# the most requested, was matched after some forty (a tenth of its time in Python).
urlpatterns = [
    path("", include(router.urls)),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", TokensView.as_view(), name="auth-tokens"),
    re_path(r"^auth/tokens/(?P<token_id>[A-Za-z0-9]{1,25})/$", TokenDetailView.as_view(), name="auth-token-detail"),
    path("me/", MeView.as_view(), name="me"),
    path("me/calendar/", CalendarFeedView.as_view(), name="me-calendar"),
    path("analytics/plan-changes/", PlanChangeAnalyticsView.as_view(), name="analytics-plan-changes"),
    path("fhir/import/", FhirImportView.as_view(), name="fhir-import"),
    path("analytics/turnaround/", TurnaroundAnalyticsView.as_view(), name="analytics-turnaround"),
    path("analytics/accreditation/", AccreditationView.as_view(), name="analytics-accreditation"),
    path("analytics/accreditation/caseloads/", CaseloadsView.as_view(), name="analytics-accreditation-caseloads"),
    path("analytics/trials/", TrialAnalyticsView.as_view(), name="analytics-trials"),
    path("cme/attestations/", MyAttestationsView.as_view(), name="cme-attestations"),
    re_path(
        rf"^cme/attestations/(?P<id>{UUID_PATTERN})/certificate/$",
        AttestationCertificateView.as_view(),
        name="cme-certificate",
    ),
    # SPEC §6 names it without a trailing slash
    re_path(
        rf"^meetings/(?P<id>{UUID_PATTERN})/invite\.ics$",
        MeetingViewSet.as_view({"get": "invite_ics"}, renderer_classes=[ICalendarRenderer]),
        name="meeting-invite-ics",
    ),
    re_path(rf"^cases/(?P<case_id>{UUID_PATTERN})/checklist/$", CaseChecklistView.as_view(), name="case-checklist"),
    re_path(rf"^cases/(?P<case_id>{UUID_PATTERN})/packet/$", CasePacketView.as_view(), name="case-packet"),
    re_path(rf"^cases/(?P<case_id>{UUID_PATTERN})/fhir/$", CaseFhirView.as_view(), name="case-fhir"),
    re_path(rf"^cases/(?P<case_id>{UUID_PATTERN})/trials/$", CaseTrialsView.as_view(), name="case-trials"),
    re_path(rf"^cases/(?P<case_id>{UUID_PATTERN})/packet/pdf/$", CasePacketPdfView.as_view(), name="case-packet-pdf"),
    re_path(rf"^cases/(?P<case_id>{UUID_PATTERN})/", include(case_router.urls)),
    re_path(rf"^meetings/(?P<meeting_id>{UUID_PATTERN})/packet/$", MeetingPacketView.as_view(), name="meeting-packet"),
    re_path(
        rf"^meetings/(?P<meeting_id>{UUID_PATTERN})/packet/pdf/$",
        MeetingPacketPdfView.as_view(),
        name="meeting-packet-pdf",
    ),
    re_path(rf"^meetings/(?P<meeting_id>{UUID_PATTERN})/cme/$", MeetingCmeView.as_view(), name="meeting-cme"),
    re_path(
        rf"^meetings/(?P<meeting_id>{UUID_PATTERN})/cme/attest/$",
        MeetingCmeAttestView.as_view(),
        name="meeting-cme-attest",
    ),
    *[
        re_path(
            rf"^meetings/(?P<meeting_id>{UUID_PATTERN})/cme/{suffix}$",
            meeting_roster_view(kind).as_view(),
            name=f"meeting-cme-roster-{kind}",
        )
        for kind, suffix in ROSTER_SUFFIXES.items()
    ],
    *[
        re_path(
            rf"^boards/(?P<id>{UUID_PATTERN})/cme/{suffix}$",
            board_roster_view(kind).as_view(),
            name=f"board-cme-roster-{kind}",
        )
        for kind, suffix in ROSTER_SUFFIXES.items()
    ],
    re_path(rf"^meetings/(?P<meeting_id>{UUID_PATTERN})/", include(meeting_router.urls)),
]
