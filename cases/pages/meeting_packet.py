"""The meeting's packet on the meeting page (scheduling/pages/meeting.py includes its fragment): its state, a
button that asks for it and, once built, its download. The board's members only; the fragment polls itself while
the packet is pending or building. Status only: no patient data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from cases import selectors
from cases.codes import PacketStatus
from cases.services import meeting_packets
from scheduling.models import Meeting
from specialists.access import is_board_member

FRAGMENT = "cases/pages/_meeting_packet.html"


def meeting_packet_context(user, meeting: Meeting) -> dict:
    """The meeting page's packet part: ``meeting_packet_shown`` is False for who is not a member of the board."""
    if not is_board_member(user, meeting.board_id):
        return {"meeting_packet_shown": False}
    packet = selectors.meeting_packet_of(meeting)
    if packet is not None:
        packet.meeting = meeting
    return {
        "meeting_packet_shown": True,
        "meeting": meeting,
        "meeting_packet": packet,
        "meeting_packet_busy": packet is not None and packet.status in {PacketStatus.PENDING, PacketStatus.BUILDING},
        "meeting_packet_pdf_url": meeting_packets.meeting_packet_pdf_url(packet) if packet and packet.pdf else "",
    }


@login_required
@require_POST
def meeting_packet_build_page(request, meeting_id):
    """Build the meeting's packet now: the same service as ``POST /api/v1/meetings/{id}/packet/``."""
    meeting = selectors.meeting_packet_meeting(request.user, meeting_id)
    meeting_packets.meeting_packet_request(meeting=meeting, by=request.user, reason="on demand")
    if request.htmx:
        return render(request, FRAGMENT, meeting_packet_context(request.user, meeting))
    messages.success(request, "The meeting's packet is being assembled.")
    return redirect(reverse("meeting-page", args=[meeting.public_id]) + "#meeting-packet")


@login_required
@require_GET
def meeting_packet_status_page(request, meeting_id):
    """The packet's build state, polled every 2 s while it is pending or building."""
    meeting = selectors.meeting_packet_meeting(request.user, meeting_id)
    return render(request, FRAGMENT, meeting_packet_context(request.user, meeting))


urlpatterns = [
    path("meetings/<uuid:meeting_id>/packet/build/", meeting_packet_build_page, name="meeting-packet-build"),
    path("meetings/<uuid:meeting_id>/packet/status/", meeting_packet_status_page, name="meeting-packet-status"),
]
