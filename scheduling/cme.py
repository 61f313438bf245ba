"""Continuing-education credit (CME) for attending a board's meetings: the credit a meeting carries, a member's
attestation and certificate, and the attendance roster coordinators keep for the accreditor.

The rules (AMA Physician's Recognition Award and credit system, 2006 edition: sixty minutes of participation in a
certified live activity equals one credit, awarded in 0.25-credit increments; physicians claim only the credit
commensurate with the extent of their participation):

- a meeting carries credit when its board offers it (hours, accrediting body, activity id); a meeting may carry other
  hours than its board's (``Meeting.cme_hours``, 0: none);
- only a member who checked in (their own attendance, present; a remote guest is not a learner of the board's
  series) attests, once, after the meeting is completed (the hours are those of the whole session), for at most
  the hours offered, in quarter hours;
- the attestation keeps the credit as offered that day, so the certificate stays true if the board's settings
  change; it names the member, the activity, the date, the hours, the accreditor and the activity id, and no
  patient;
- the roster lists who checked in, members and guests apart, with check-in time, specialty and whether and for how
  many hours each member attested. It holds no patient data: guests are named with their institution, never their
  case.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from scheduling.models import Attendance, Board, CmeAttestation, Meeting, MeetingStatus, hours_text
from specialists.access import coordinated_board_ids, is_admin, is_board_coordinator, is_board_member
from specialists.models import Specialty
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction

QUARTER = Decimal("0.25")
STATEMENT = (
    "I attest that I attended the {board} tumor board meeting of {date} and claim only the credit commensurate "
    "with the extent of my participation in the activity."
)
SOURCE = (
    "AMA Physician's Recognition Award and credit system (2006 edition): 60 minutes of participation equals one "
    "credit, awarded in 0.25-credit increments, claimed commensurate with participation"
)
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Credit:
    hours: Decimal
    accrediting_body: str
    activity_id: str

    @property
    def hours_text(self) -> str:
        return hours_text(self.hours)


def meeting_credit(meeting: Meeting) -> Credit | None:
    """The credit ``meeting`` carries, or None (the board offers none, or the meeting's own figure is 0)."""
    board = meeting.board
    hours = meeting.cme_hours_offered
    if board.cme_hours is None or not hours:
        return None
    return Credit(hours=hours, accrediting_body=board.cme_accrediting_body, activity_id=board.cme_activity_id)


def statement_for(meeting: Meeting) -> str:
    return STATEMENT.format(board=meeting.board.name, date=meeting.local_start[:10])


def credit_validate(board: Board) -> dict[str, list[str]]:
    """The rules of a board's credit settings, each on its field (board_create / board_update raise them)."""
    errors: dict[str, list[str]] = {}
    hours = board.cme_hours
    if hours is None:
        return errors
    if hours <= 0 or hours % QUARTER:
        errors["cme_hours"] = ["Give the credit in quarter hours greater than 0 (0.25, 0.5, 1, ...)."]
    elif hours * 60 > board.duration_minutes:
        most = board.duration_minutes / 60
        errors["cme_hours"] = [f"A meeting of {board.duration_minutes} minutes carries at most {most:g} h of credit."]
    if not board.cme_accrediting_body.strip():
        errors["cme_accrediting_body"] = ["Name the body that accredits the credit."]
    if not board.cme_activity_id.strip():
        errors["cme_activity_id"] = ["Give the accreditor's activity id."]
    return errors


@transaction.atomic
def meeting_credit_set(*, user, meeting: Meeting, hours: Decimal | None) -> Meeting:
    """The board's coordinators give one meeting other credit hours than the board's (0: none for it; None: the
    board's again). Attestations already made keep the credit they were made for."""
    meeting = Meeting.objects.select_for_update().select_related("board").get(pk=meeting.pk)
    if not is_board_coordinator(user, meeting.board_id):
        raise PermissionDenied("Only the board's coordinators set a meeting's credit.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("The meeting is cancelled.")
    if hours is not None:
        minutes = (meeting.ends_at - meeting.starts_at).total_seconds() / 60
        if hours < 0 or hours % QUARTER:
            raise ValidationError({"hours": ["Give the credit in quarter hours (0 for none)."]})
        if hours * 60 > Decimal(minutes):
            raise ValidationError({"hours": [f"A meeting of {minutes:g} minutes carries at most {minutes / 60:g} h."]})
        if hours and meeting.board.cme_hours is None:
            raise ValidationError({"hours": ["The board offers no credit: set its accrediting body and activity id."]})
    if meeting.cme_hours != hours:
        meeting.cme_hours = hours
        meeting.save(update_fields=["cme_hours", "updated_at"])
        audit_write(user=user, action=AuditAction.UPDATE, obj=meeting, detail={"cme_hours": str(hours)})
    return meeting


def _hours_checked(hours, offered: Decimal) -> Decimal:
    if hours is None:
        return offered
    hours = Decimal(hours)
    if hours <= 0 or hours % QUARTER:
        raise ValidationError({"hours": ["Claim the credit in quarter hours greater than 0 (0.25, 0.5, 1, ...)."]})
    if hours > offered:
        raise ValidationError({"hours": [f"At most the {hours_text(offered)} h this meeting offers."]})
    return hours


@transaction.atomic
def cme_attest(*, user, meeting: Meeting, hours: Decimal | None = None) -> CmeAttestation:
    """The member attests attending ``meeting`` and claims ``hours`` (default: all offered). Once per attendance;
    only for a member who checked in, once the meeting is completed."""
    credit = meeting_credit(meeting)
    if credit is None:
        raise Conflict("This meeting carries no continuing-education credit.", code="no_credit")
    attendance = (
        Attendance.objects.select_for_update().filter(meeting=meeting, user=user, guest_case__isnull=True).first()
    )
    if attendance is None and not is_board_member(user, meeting.board_id):
        raise PermissionDenied("Only the board's members attest their attendance.")
    claimed = _hours_checked(hours, credit.hours)
    if attendance is None or not attendance.present:
        raise Conflict("Only a member who checked in to the meeting attests attending it.", code="not_checked_in")
    if meeting.status != MeetingStatus.COMPLETED:
        raise Conflict("Attendance is attested once the meeting is completed.", code="meeting_not_completed")
    if hasattr(attendance, "cme_attestation"):
        raise Conflict("You have already attested attending this meeting.", code="already_attested")
    attestation = CmeAttestation.objects.create(
        attendance=attendance,
        hours_claimed=claimed,
        hours_offered=credit.hours,
        accrediting_body=credit.accrediting_body,
        activity_id=credit.activity_id,
        statement=statement_for(meeting),
    )
    audit_write(user=user, action=AuditAction.CREATE, obj=attestation, detail={"hours": str(claimed)})
    return attestation


def cme_attestation_of(user, meeting: Meeting) -> CmeAttestation | None:
    """The user's own attestation for ``meeting``, if any."""
    return (
        CmeAttestation.objects.select_related("attendance__user", "attendance__meeting__board")
        .filter(attendance__meeting=meeting, attendance__user=user, attendance__guest_case__isnull=True)
        .first()
    )


def attestations_of(user) -> QuerySet[CmeAttestation]:
    """The user's own attestations, latest meeting first."""
    return (
        CmeAttestation.objects.filter(attendance__user=user, attendance__guest_case__isnull=True)
        .select_related("attendance__user", "attendance__meeting__board__institution")
        .order_by("-attendance__meeting__starts_at", "-id")
    )


def cme_state(user, meeting: Meeting, attendances: list[Attendance] | None = None) -> dict:
    """What the meeting page's and the API's CME section say to ``user``: the credit, their attestation, and
    whether they may attest now (and if not, why)."""
    credit = meeting_credit(meeting)
    if attendances is None:
        attendances = list(meeting.attendances.filter(user=user, guest_case__isnull=True))
    own = next((a for a in attendances if a.user_id == user.pk and a.guest_case_id is None), None)
    attestation = cme_attestation_of(user, meeting) if own is not None and own.present else None
    reason = ""
    if credit is None:
        reason = "This meeting carries no continuing-education credit."
    elif attestation is not None:
        reason = "You have attested attending this meeting."
    elif own is None or not own.present:
        reason = "Only members who checked in to the meeting attest attending it."
    elif meeting.status != MeetingStatus.COMPLETED:
        reason = "You can attest once the meeting is completed."
    return {
        "credit": credit,
        "attestation": attestation,
        "can_attest": not reason,
        "reason": reason,
        "statement": statement_for(meeting),
    }


# --- the roster -------------------------------------------------------------------------------------------------


@dataclass
class RosterMeeting:
    meeting: Meeting
    credit: Credit | None
    members: list[Attendance] = field(default_factory=list)
    guests: list[Attendance] = field(default_factory=list)

    @property
    def attested(self) -> int:
        return sum(1 for a in self.members if getattr(a, "attestation", None))

    @property
    def hours(self) -> Decimal:
        return sum((a.attestation.hours_claimed for a in self.members if a.attestation), Decimal(0))


@dataclass
class Roster:
    board: Board
    title: str
    start: datetime.date | None
    end: datetime.date | None
    meetings: list[RosterMeeting]

    @property
    def filename(self) -> str:
        if self.start is None:
            return f"cme-roster-{self.meetings[0].meeting.starts_at:%Y-%m-%d}"
        return f"cme-roster-{self.start:%Y-%m-%d}-{self.end:%Y-%m-%d}"


def _may_read_roster(user, board: Board) -> bool:
    return is_admin(user) or board.pk in coordinated_board_ids(user)


def _local(moment: datetime.datetime | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(tz).strftime(fmt) if moment else ""


def period_or_default(board: Board, start, end) -> tuple[datetime.date, datetime.date]:
    """A roster's period: up to today (in the board's time zone) unless ``end`` is given, over the year before it
    unless ``start`` is given."""
    end = end or timezone.now().astimezone(ZoneInfo(board.timezone)).date()
    return start or end - datetime.timedelta(days=MAX_PERIOD_DAYS - 1), end


def cme_roster(user, *, meeting: Meeting | None = None, board: Board | None = None, start=None, end=None) -> Roster:
    """The attendance roster of one meeting, or of a board's meetings held from ``start`` to ``end`` (dates in the
    board's time zone, both included). The board's coordinators only (403 for its other members; the caller
    resolved ``meeting`` or ``board`` through a selector, so another institution's is already a 404). Two
    queries: the meetings, then everyone who checked in with their attestation."""
    board = meeting.board if meeting is not None else board
    if not _may_read_roster(user, board):
        raise PermissionDenied("Only the board's coordinators keep its attendance roster.")
    tz = ZoneInfo(board.timezone)
    if meeting is not None:
        meetings = [meeting]
        title = f"{board.name} tumor board, meeting of {meeting.local_start}"
        start = end = None
    else:
        if start is None or end is None:
            raise ValidationError({"from" if start is None else "to": ["Give the first and last day of the period."]})
        if end < start:
            raise ValidationError({"to": ["The period ends before it starts."]})
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise ValidationError({"to": [f"A period of at most {MAX_PERIOD_DAYS} days."]})
        lower = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
        upper = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        meetings = list(
            Meeting.objects.filter(
                board=board,
                starts_at__gte=lower,
                starts_at__lt=upper,
                status__in=[MeetingStatus.IN_PROGRESS, MeetingStatus.COMPLETED],
            )
            .select_related("board")
            .order_by("starts_at", "id")
        )
        title = f"{board.name} tumor board, meetings from {start:%Y-%m-%d} to {end:%Y-%m-%d}"
    rows = {m.pk: RosterMeeting(meeting=m, credit=meeting_credit(m)) for m in meetings}
    attendances = _roster_attendances(rows)
    for attendance in attendances:
        attendance.attestation = getattr(attendance, "cme_attestation", None)
        row = rows[attendance.meeting_id]
        (row.guests if attendance.guest_case_id else row.members).append(attendance)
    return Roster(board=board, title=title, start=start, end=end, meetings=list(rows.values()))


def _roster_attendances(rows: dict) -> QuerySet[Attendance] | list:
    if not rows:
        return []
    return (
        Attendance.objects.filter(meeting_id__in=list(rows), present=True)
        .select_related("user__institution", "cme_attestation")
        .order_by("meeting_id", "user__specialty", "user__last_name", "user__username", "id")
    )


CSV_HEADER = [
    "meeting", "section", "name", "institution", "specialty", "checked_in", "remote", "attested", "hours_claimed",
    "hours_offered", "accrediting_body", "activity_id",
]  # fmt: skip


def roster_csv(roster: Roster) -> bytes:
    """The roster as CSV: a row per person who checked in, members of each meeting first, then its guests
    (``section``: member / guest); a guest is not eligible to attest (``attested`` empty)."""
    tz = ZoneInfo(roster.board.timezone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in roster.meetings:
        credit = row.credit
        for section, people in (("member", row.members), ("guest", row.guests)):
            for a in people:
                attestation = a.attestation if section == "member" else None
                writer.writerow(
                    [
                        row.meeting.local_start,
                        section,
                        _csv_safe(a.user.name),
                        _csv_safe(a.user.institution.name if a.user.institution_id else ""),
                        Specialty(a.user.specialty).label if a.user.specialty else "",
                        _local(a.checked_in_at, tz),
                        "yes" if a.remote else "no",
                        "" if section == "guest" else ("yes" if attestation else "no"),
                        attestation.claimed_text if attestation else "",
                        credit.hours_text if credit else "",
                        _csv_safe(credit.accrediting_body) if credit else "",
                        _csv_safe(credit.activity_id) if credit else "",
                    ]
                )
    return out.getvalue().encode("utf-8")


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def roster_context(roster: Roster) -> dict:
    """What the roster page and its PDF show, times in the board's time zone."""
    tz = ZoneInfo(roster.board.timezone)
    for row in roster.meetings:
        for a in [*row.members, *row.guests]:
            a.checked_in_local = _local(a.checked_in_at, tz, "%H:%M")
            a.specialty_label = Specialty(a.user.specialty).label if a.user.specialty else ""
    return {
        "roster": roster,
        "members": sum(len(r.members) for r in roster.meetings),
        "guests": sum(len(r.guests) for r in roster.meetings),
        "attested": sum(r.attested for r in roster.meetings),
        "hours": hours_text(sum((r.hours for r in roster.meetings), Decimal(0))),
    }


def render_roster_pdf(roster: Roster) -> bytes:
    from weasyprint import HTML

    html = render_to_string("scheduling/cme/roster.html", {**roster_context(roster), "for_print": True})
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()


def render_certificate_pdf(attestation: CmeAttestation) -> bytes:
    """The member's certificate, from the attestation row alone: name, activity, date, hours, accreditor, activity
    id. No patient data."""
    from weasyprint import HTML

    meeting = attestation.attendance.meeting
    context = {
        "a": attestation,
        "name": attestation.attendance.user.name,
        "board": meeting.board.name,
        "institution": meeting.board.institution.name,
        "date": meeting.local_start[:10],
        "attested_on": _local(attestation.created_at, ZoneInfo(meeting.board.timezone), "%Y-%m-%d"),
    }
    html = render_to_string("scheduling/cme/certificate.html", context)
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()
