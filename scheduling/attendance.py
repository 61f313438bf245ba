"""Attendance writes: invitations (with .ics), RSVP (API and signed e-mail link), check-in, per-case
presence, quorum alerts, and the private calendar feed. Every e-mail carries links only."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from scheduling import ical
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, CalendarFeed, Meeting, MeetingStatus, Rsvp
from scheduling.quorum import meeting_quorum
from specialists.access import is_board_coordinator
from specialists.models import BoardRole
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction
from tumorboard.notifications import notify
from tumorboard.queue import enqueue

RSVP_SALT = "scheduling.rsvp"
RSVP_MAX_AGE = datetime.timedelta(days=120)


def rsvp_token(attendance: Attendance) -> str:
    return signing.dumps({"a": attendance.pk, "m": attendance.meeting_id}, salt=RSVP_SALT, compress=True)


def rsvp_link(attendance: Attendance) -> str:
    return f"{settings.SITE_URL}/rsvp/{rsvp_token(attendance)}/"


def attendance_from_token(token: str) -> Attendance:
    try:
        data = signing.loads(token, salt=RSVP_SALT, max_age=RSVP_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404("This link is not valid or has expired.") from exc
    attendance = (
        Attendance.objects.select_related("meeting__board", "user")
        .filter(pk=data.get("a"), user__is_active=True)
        .first()
    )
    if attendance is None or attendance.meeting_id != data.get("m"):
        raise Http404("This link is not valid or has expired.")
    return attendance


@transaction.atomic
def meeting_invite(*, user, meeting: Meeting) -> list[Attendance]:
    """Invite every member of the board (idempotent) and e-mail each one the .ics, once per version."""
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    if not is_board_coordinator(user, meeting.board_id):
        raise PermissionDenied("Only the board's coordinators send invitations.")
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict("Invitations go out for scheduled meetings only.")
    members = meeting.board.memberships.select_related("user").filter(user__is_active=True)
    existing = set(meeting.attendances.values_list("user_id", flat=True))
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user=m.user) for m in members if m.user_id not in existing]
    )
    audit_write(user=user, action=AuditAction.UPDATE, obj=meeting, detail={"invitations": "sent"})
    enqueue_invitations(meeting)
    return list(meeting.attendances.select_related("user"))


def enqueue_invitations(meeting: Meeting) -> None:
    enqueue("scheduling.tasks.meeting_invitations_send", meeting.pk)


def invitations_deliver(*, meeting_id: int) -> int:
    """Send the current version of the meeting's .ics to each invitee who has not had it (REQUEST),
    or the cancellation to everyone who had not declined (CANCEL). Returns how many were sent."""
    meeting = Meeting.objects.select_related("board").filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    attendances = meeting.attendances.select_related("user").filter(guest_case__isnull=True)
    if meeting.status == MeetingStatus.CANCELLED:
        attendances = attendances.exclude(rsvp=Rsvp.DECLINED)
    pending = [a for a in attendances if a.invited_sequence != meeting.sequence or a.invited_at is None]
    sent = 0
    for attendance in pending:
        with transaction.atomic():
            locked = Attendance.objects.select_for_update().get(pk=attendance.pk)
            if locked.invited_at is not None and locked.invited_sequence == meeting.sequence:
                continue  # a redelivered task: this version already went out
            _send_invitation(meeting, locked)
            locked.invited_at = timezone.now()
            locked.invited_sequence = meeting.sequence
            locked.save(update_fields=["invited_at", "invited_sequence", "updated_at"])
            sent += 1
    return sent


def _send_invitation(meeting: Meeting, attendance: Attendance) -> None:
    cancelled = meeting.status == MeetingStatus.CANCELLED
    when = meeting.starts_at.strftime("%Y-%m-%d %H:%M UTC")
    subject = f"{'Cancelled: ' if cancelled else ''}{meeting.board.name} tumor board, {when}"
    lines = [
        f"The {meeting.board.name} tumor board meets on {when}."
        if not cancelled
        else f"The {meeting.board.name} tumor board meeting of {when} is cancelled.",
        f"Meeting page: {settings.SITE_URL}/meetings/{meeting.public_id}/",
    ]
    if not cancelled:
        lines.append(f"Answer the invitation: {rsvp_link(attendance)}")
    message = EmailMultiAlternatives(
        subject, "\n".join(lines) + "\n", settings.DEFAULT_FROM_EMAIL, [attendance.user.email]
    )
    method = "CANCEL" if cancelled else "REQUEST"
    message.attach("invite.ics", ical.invitation(meeting, [attendance.user]), f"text/calendar; method={method}")
    message.send()


@transaction.atomic
def attendance_rsvp(*, user, meeting: Meeting, answer: str) -> Attendance:
    """The invitee answers. Not invited → 404 (the invitation is the object)."""
    if answer not in {Rsvp.ACCEPTED, Rsvp.DECLINED, Rsvp.TENTATIVE}:
        raise ValidationError({"rsvp": ["Answer accepted, declined or tentative."]})
    members = Attendance.objects.select_for_update().filter(guest_case__isnull=True)
    attendance = members.filter(meeting=meeting, user=user).first()
    if attendance is None:
        raise Http404("No invitation to this meeting.")
    if meeting.status in {MeetingStatus.CANCELLED, MeetingStatus.COMPLETED}:
        raise Conflict(f"The meeting is {meeting.get_status_display().lower()}.")
    if attendance.rsvp != answer:
        attendance.rsvp = answer
        attendance.responded_at = timezone.now()
        attendance.save(update_fields=["rsvp", "responded_at", "updated_at"])
        audit_write(user=user, action=AuditAction.UPDATE, obj=attendance, detail={"rsvp": answer})
    return attendance


@transaction.atomic
def attendance_check_in(*, user, meeting: Meeting, target=None, remote: bool = False) -> Attendance:
    """Check in on the day: yourself, or (coordinators) someone else. In person or remote."""
    target = target or user
    if target != user and not is_board_coordinator(user, meeting.board_id):
        raise PermissionDenied("Only the board's coordinators check others in.")
    members = Attendance.objects.select_for_update().filter(guest_case__isnull=True)
    attendance = members.filter(meeting=meeting, user=target).first()
    if attendance is None and not meeting.board.memberships.filter(user=target).exists():
        if target == user:
            raise PermissionDenied("You are not a member of this board, nor invited to this meeting.")
        raise ValidationError({"user": ["Not a member of this board, and not invited."]})
    if meeting.status in {MeetingStatus.CANCELLED, MeetingStatus.COMPLETED}:
        raise Conflict(f"The meeting is {meeting.get_status_display().lower()}.")
    if timezone.now() < meeting.starts_at - datetime.timedelta(hours=12):
        raise Conflict("Check-in opens on the day of the meeting.")
    if attendance is None:
        attendance = Attendance.objects.create(meeting=meeting, user=target)
    attendance.present = True
    attendance.remote = remote
    attendance.checked_in_at = attendance.checked_in_at or timezone.now()
    if attendance.rsvp == Rsvp.INVITED:
        attendance.rsvp = Rsvp.ACCEPTED
    attendance.save()
    audit_write(
        user=user, action=AuditAction.UPDATE, obj=attendance, detail={"check_in": "remote" if remote else "in person"}
    )
    return attendance


@transaction.atomic
def agenda_item_presence_set(*, user, item: AgendaItem, users: list) -> AgendaItem:
    """Record who was present for one case's discussion: checked-in attendees of the meeting only."""
    if not is_board_coordinator(user, item.meeting.board_id):
        raise PermissionDenied("Only the board's coordinators record presence.")
    present_ids = set(item.meeting.attendances.filter(present=True).values_list("user_id", flat=True))
    absent = [u for u in users if u.pk not in present_ids]
    if absent:
        raise ValidationError({"users": ["Check these people in first: " + ", ".join(u.username for u in absent)]})
    guests = item.meeting.attendances.filter(guest_case__isnull=False).exclude(guest_case=item.case)
    if guests.filter(user__in=users).exists():
        raise ValidationError({"users": ["A remote guest attends only their own case."]})
    item.present.set(users)
    audit_write(user=user, action=AuditAction.UPDATE, obj=item, detail={"present": len(users)})
    return item


def quorum_alerts_send(
    *, now: datetime.datetime | None = None, lead: datetime.timedelta = datetime.timedelta(hours=48)
) -> int:
    """Tell coordinators, once per meeting, which required specialties have no accepted member yet."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + lead, quorum_alert_sent_at__isnull=True
    ).select_related("board")
    alerted = 0
    for meeting in meetings:
        with transaction.atomic():
            if not Meeting.objects.filter(pk=meeting.pk, quorum_alert_sent_at__isnull=True).update(
                quorum_alert_sent_at=now
            ):
                continue  # another beat run got it
            quorum = meeting_quorum(meeting, meeting.attendances.select_related("user"))
            if quorum.met:
                continue
            coordinators = [
                m.user for m in meeting.board.memberships.filter(role=BoardRole.COORDINATOR).select_related("user")
            ]
            notify(
                recipients=coordinators,
                kind="quorum_at_risk",
                subject=f"Quorum at risk: {meeting.board.name}, {meeting.starts_at:%Y-%m-%d %H:%M} UTC",
                path=f"/meetings/{meeting.public_id}/",
                text="No member has accepted for: " + ", ".join(quorum.missing) + ".",
            )
            alerted += 1
    return alerted


def calendar_feed_for(user) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_url(feed: CalendarFeed) -> str:
    return f"{settings.SITE_URL}/calendar/{feed.token}.ics"


def slot_starts_at(item: AgendaItem) -> datetime.datetime:
    """When a scheduled item's discussion should start: the meeting's start plus the minutes before it."""
    before = AgendaItem.objects.filter(
        meeting_id=item.meeting_id, status=AgendaItemStatus.SCHEDULED, position__lt=item.position
    ).aggregate(m=Sum("minutes"))["m"]
    return item.meeting.starts_at + datetime.timedelta(minutes=before or 0)


def guest_attendance_sync(*, case, user, meeting: Meeting | None) -> None:
    """A second-opinion requester is invited, as a remote guest for ``case`` only, to the meeting holding
    the case's slot; an invitation to a meeting the case left goes (unless they already attended)."""
    Attendance.objects.filter(guest_case=case, present=False).exclude(meeting=meeting).delete()
    if meeting is not None:
        Attendance.objects.get_or_create(meeting=meeting, user=user, guest_case=case, defaults={"remote": True})


def guest_check_in(*, user, item: AgendaItem) -> Attendance:
    """The requester joins remotely for their case's slot: they appear in the meeting's attendance as a
    guest for that case only (never counted for quorum, never shown the rest of the agenda)."""
    meeting = item.meeting
    if meeting.status in {MeetingStatus.CANCELLED, MeetingStatus.COMPLETED}:
        raise Conflict(f"The meeting is {meeting.get_status_display().lower()}.")
    if timezone.now() < meeting.starts_at - datetime.timedelta(hours=12):
        raise Conflict("The link opens on the day of the meeting.")
    attendance, _ = Attendance.objects.select_for_update().get_or_create(
        meeting=meeting, user=user, guest_case=item.case, defaults={"remote": True}
    )
    attendance.present = True
    attendance.remote = True
    attendance.rsvp = Rsvp.ACCEPTED
    attendance.checked_in_at = attendance.checked_in_at or timezone.now()
    attendance.save()
    audit_write(user=user, action=AuditAction.UPDATE, obj=attendance, detail={"check_in": "remote guest"})
    return attendance
