from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cases.views import packet_page, second_opinion_join_page
from scheduling.views import calendar_feed, rsvp
from tumorboard.api.views import healthz, readyz

urlpatterns = [
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's settings as a script file: the page runs no inline script (CSP)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("cases/<uuid:case_id>/packet/", packet_page, name="case-packet-page"),
    path("second-opinions/<uuid:request_id>/join/", second_opinion_join_page, name="second-opinion-join"),
    path("rsvp/<str:token>/", rsvp, name="rsvp"),
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    path("admin/", admin.site.urls),
    # web pages (SPEC §5.6)
    path("", include("scheduling.pages")),
    path("", include("cases.pages.case_list")),
    path("", include("cases.pages.case_new")),
    path("", include("cases.pages.fhir_import")),
    path("", include("cases.pages.case")),
    path("", include("cases.pages.meeting_packet")),
    path("", include("cases.pages.profile")),
    path("", include("cases.pages.inbox")),
    path("", include("cases.pages.follow_up")),
    path("", include("cases.pages.review_tasks")),
    path("", include("cases.pages.portal")),
    path("", include("cases.pages.analytics")),
    path("", include("cases.pages.accreditation")),
    path("", include("cases.pages.trials")),
    path("accounts/", include("allauth.urls")),
]

handler404 = "tumorboard.views.not_found"
handler403 = "tumorboard.views.forbidden"
handler500 = "tumorboard.views.server_error"
