"""The meeting's packet (issue 18): one PDF of every case on a meeting's agenda, in agenda order, after a cover page
(the meeting, its attendees, the quorum), so a board member can read or print the whole meeting at once.

A rendered document of cases/builds.py: ``MeetingPacket`` is the row users wait on (pending → building → ready |
failed). A build whose canonical content hashes as the last one did changes nothing; any other is the next version
(the agenda changed, a case changed). The agenda's steps (cases/lifecycle/agenda.py) ask for a rebuild of a packet
that exists; a user asks on demand."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cases import builds
from cases.models import Case, MeetingPacket
from cases.services.packets import canonical, iso, packet_content, packet_queryset
from cases.trials import trials_attach
from scheduling.models import AgendaItem, AgendaItemStatus, Meeting
from scheduling.quorum import meeting_quorum
from tumorboard.audit import audit_write
from tumorboard.models import AuditAction
from tumorboard.queue import enqueue

CONTENT_SCHEMA = 1
ON_THE_AGENDA = [AgendaItemStatus.SCHEDULED, AgendaItemStatus.PRESENTED]


def meeting_packet_items(meeting: Meeting):
    """The agenda the packet holds: the cases scheduled or presented, in agenda order."""
    return AgendaItem.objects.filter(meeting=meeting, status__in=ON_THE_AGENDA).order_by("position", "id")


def meeting_packet_content(meeting: Meeting) -> dict[str, Any]:
    """The cover (meeting, attendees, quorum, agenda) and each case's packet content, in agenda order."""
    items = list(meeting_packet_items(meeting).select_related("case__patient"))
    cases = packet_queryset().in_bulk([item.case_id for item in items])
    trials_attach(cases.values())  # the open trials of every case's institution in one query
    attendances = list(meeting.attendances.select_related("user").order_by("user__last_name", "user__first_name"))
    quorum = meeting_quorum(meeting, attendances)
    return {
        "schema": CONTENT_SCHEMA,
        "meeting": {
            "id": str(meeting.public_id),
            "board": meeting.board.name,
            "institution": meeting.board.institution.name,
            "starts_at": iso(meeting.starts_at),
            "ends_at": iso(meeting.ends_at),
            "timezone": meeting.board.timezone,
            "status": meeting.status,
        },
        "attendees": [
            {
                "name": a.user.name,
                "specialty": a.user.specialty,
                "rsvp": a.rsvp,
                "present": a.present,
                "remote": a.remote,
                "guest": a.guest_case_id is not None,
            }
            for a in attendances
        ],
        "quorum": {"met": quorum.met, "missing": quorum.missing, "required": meeting.board.required_specialties},
        "agenda": [
            {
                "position": at,
                "minutes": item.minutes,
                "patient": item.case.patient.name,
                "primary_site": item.case.primary_site,
                "urgency": item.case.urgency,
            }
            for at, item in enumerate(items, start=1)
        ],
        "cases": [packet_content(cases[item.case_id]) for item in items],
    }


def render_meeting_packet_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("cases/meeting_packet.html", {"content": content, "for_print": True})
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()


def meeting_packet_pdf_url(packet: MeetingPacket) -> str:
    """Where the latest built PDF is downloaded (the API's audited download); "" before the first build."""
    if not packet.version:
        return ""
    return f"/api/v1/meetings/{packet.meeting.public_id}/packet/pdf/?version={packet.version}"


def meeting_packet_request(*, meeting: Meeting, by=None, reason: str = "") -> MeetingPacket:
    """Ask for a (re)build of the meeting's packet: its row first, the task enqueued on commit."""
    with transaction.atomic():
        packet = builds.request(MeetingPacket, meeting=meeting)
        if by is not None:
            detail = {"meeting_packet": "requested", "why": reason}
            audit_write(user=by, action=AuditAction.CREATE, obj=packet, detail=detail)
        enqueue("cases.tasks.meeting_packet_build", meeting.pk)
    return packet


def meeting_packets_request_if_built(*, meeting_ids, reason: str) -> None:
    """The meetings' agendas changed: rebuild the meeting packets that exist (nobody asked for one otherwise)."""
    for meeting in Meeting.objects.filter(pk__in=set(meeting_ids), packet__isnull=False).order_by("id"):
        meeting_packet_request(meeting=meeting, reason=reason)


def meeting_packet_build(*, meeting_id: int) -> str:
    """Build the packet of one meeting (cases/builds.py). Returns ready, unchanged, failed, skipped or superseded."""

    def render(packet: MeetingPacket) -> tuple[str, list[int], bytes | None]:
        meeting = Meeting.objects.select_related("board__institution").get(pk=meeting_id)
        content = meeting_packet_content(meeting)
        digest = hashlib.sha256(canonical(content)).hexdigest()
        case_ids = [case["case"]["id"] for case in content["cases"]]
        return digest, case_ids, None if digest == packet.sha256 else render_meeting_packet_pdf(content)

    def commit(packet: MeetingPacket, rendered, started: datetime.datetime) -> str:
        digest, case_ids, pdf = rendered
        outcome = "unchanged"
        if digest != packet.sha256:
            packet.pdf.save("meeting-packet.pdf", ContentFile(pdf), save=False)
            packet.sha256, packet.version, packet.built_at = digest, packet.version + 1, timezone.now()
            packet.save(update_fields=["pdf", "sha256", "version", "built_at", "updated_at"])
            packet.cases.set(Case.objects.filter(public_id__in=case_ids))
            outcome = "ready"
        builds.finish(packet, started)
        return outcome

    return builds.build(
        MeetingPacket.objects.filter(meeting_id=meeting_id),
        skip=builds.answered,
        render=render,
        commit=commit,
        what="meeting packet",
    )


def meeting_packets_stale(*, pending_after: datetime.timedelta, building_after: datetime.timedelta) -> list[int]:
    """Meeting ids whose packet waits too long: pending (a lost message) or building (a dead worker)."""
    stuck = builds.stale(
        MeetingPacket.objects.all(),
        waiting_since="requested_at",
        pending_after=pending_after,
        building_after=building_after,
    )
    return list(stuck.values_list("meeting_id", flat=True))
