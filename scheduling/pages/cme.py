"""Continuing-education credit on the pages: the member attests from the meeting page's "CME" section (the
certificate is the API's audited download), and the board's coordinators read the attendance roster of a meeting or
of a period (``/cme/roster/``), with links to its CSV and PDF. The rules are scheduling.cme's."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from scheduling import cme
from scheduling.models import Attendance, Meeting, MeetingStatus
from scheduling.pages.common import coordinated_boards, meeting_of
from scheduling.pages.forms import RosterForm
from scheduling.selectors import boards_visible_to
from specialists.access import is_board_coordinator
from tumorboard.web import attempt


def cme_context(user, meeting: Meeting, attendances: list[Attendance]) -> dict:
    """The meeting page's "CME" section, for a meeting that carries credit: the credit, the member's attestation or
    the form to make it, and for the board's coordinators, once the meeting is held, the links to its roster."""
    state = cme.cme_state(user, meeting, attendances)
    coordinator = is_board_coordinator(user, meeting.board_id)
    attestation = state["attestation"]
    held = meeting.status in (MeetingStatus.IN_PROGRESS, MeetingStatus.COMPLETED)
    return {
        "cme": state,
        "cme_shown": state["credit"] is not None,
        "cme_roster": _downloads("meeting", meeting_id=meeting.public_id) if coordinator and held else None,
        "cme_certificate_url": reverse("cme-certificate", kwargs={"id": attestation.public_id}) if attestation else "",
    }


def _downloads(scope: str, query: dict | None = None, **kwargs) -> dict:
    """The roster's page, CSV and PDF addresses (the files are the API's audited downloads)."""
    suffix = f"?{urlencode(query)}" if query else ""
    page = {"meeting": kwargs.get("meeting_id")} if scope == "meeting" else {"board": kwargs["id"], **(query or {})}
    return {
        "page": f"{reverse('cme-roster-page')}?{urlencode(page)}",
        "csv": reverse(f"{scope}-cme-roster-csv", kwargs=kwargs) + suffix,
        "pdf": reverse(f"{scope}-cme-roster-pdf", kwargs=kwargs) + suffix,
    }


@login_required
@require_GET
def cme_roster_page(request):
    """A meeting's roster (``?meeting=``) or a board's over a period (``?board=&from=&to=``): the board's
    coordinators only (403 for its other members, 404 for what the user cannot see)."""
    form = RosterForm(request.GET)
    boards = list(coordinated_boards(request.user).order_by("name"))
    context = {"form": form, "boards": boards, "values": request.GET, "errors": {}}
    if not {"meeting", "from", "to"} & set(request.GET):  # the period form, not filled in yet
        return render(request, "scheduling/pages/cme_roster.html", context)
    outcome = attempt(_roster, request.user, form)
    if not outcome.ok:
        context["errors"] = outcome.by_field()
        return render(request, "scheduling/pages/cme_roster.html", context, status=outcome.status)
    roster = outcome.value
    if roster.start is None:
        downloads = _downloads("meeting", meeting_id=roster.meetings[0].meeting.public_id)
    else:
        downloads = _downloads("board", {"from": roster.start, "to": roster.end}, id=roster.board.public_id)
    context.update(cme.roster_context(roster), downloads=downloads)
    return render(request, "scheduling/pages/cme_roster.html", context)


def _roster(user, form: RosterForm) -> cme.Roster:
    params = form.cleaned_or_raise()
    if params.get("meeting"):
        return cme.cme_roster(user, meeting=meeting_of(user, params["meeting"]))
    if not params.get("board"):
        form.add_error("board", "Please choose a board.")
        return form.cleaned_or_raise()
    board = get_object_or_404(boards_visible_to(user), public_id=params["board"])
    return cme.cme_roster(user, board=board, start=params.get("from"), end=params.get("to"))


urlpatterns = [
    path("cme/roster/", cme_roster_page, name="cme-roster-page"),
]
