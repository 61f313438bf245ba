"""The accreditation report: a board's (or an institution's) case conferences over a calendar year, as a cancer
program is surveyed on them.

Modeled on the Commission on Cancer's standard for the cancer case conference: American College of Surgeons,
Commission on Cancer, *Optimal Resources for Cancer Care (2020 Standards)*, effective January 2020, updated
February 2021, Standard 2.5 "Multidisciplinary Cancer Case Conference" — the program sets and monitors the
conferences' frequency, the attendance of the required specialties, the cases presented (and how many
prospectively) against its annual analytic caseload, and whether stage, national treatment guidelines and
clinical trials are discussed; the conference coordinator reports this to the cancer committee each year (the
earlier CoC standard 1.7 "Monitoring Conference Activity", Cancer Program Standards 2012, named that duty). The
targets are the program's own: the report gives the figures, not a pass or a fail.

Definitions (every figure a database aggregate, a fixed number of queries whatever the number of meetings):

- **Scope.** One board (``board``), or every board of the institution the user coordinates (an admin: every board
  of the institution). Coordinators of the board and admins only (``specialists.access``); a board the user cannot
  see is a 404, one they see but do not coordinate a 403.
- **Year.** The calendar year of the meeting's start in the TIME_ZONE setting (as the other analytics).
- **Conferences held**: the meetings that took place — in progress or completed; ``conferences_cancelled`` apart.
- **Attendance**: per conference, the board members of each specialty who checked in (present, in person or
  remote; second-opinion guests are not members and are not counted). A required specialty — one of the board's
  ``required_specialties`` as they are now — is *attended* at a conference when at least one of its members
  checked in; ``attendance`` gives, per specialty required by a board in scope, at how many of the conferences
  that required it it was attended.
- **Presentations**: agenda items presented at those conferences; ``cases``: the distinct cases among them.
- **Prospective**: a presentation is *retrospective* when the case has a treatment course (``case.treatments``:
  systemic therapy, surgery, radiotherapy or other) that started before the meeting's date (TIME_ZONE);
  *undetermined* when none did but a course without a start date is recorded; else *prospective*: discussed
  before the first treatment. This is the strict reading; the CoC's own definition also counts as prospective a
  case whose treatment has begun when further treatment is being decided, so its share can only be higher.
- **Staging recorded**: the case (as it is now) has a stage group, a clinical or pathological T, N or M, or a
  stage in another system (FIGO, ISS, ...).
- **Recommendations recorded**: presentations with a board plan recorded for that case at that meeting;
  **guideline discussed**: such a plan names a guideline (``Plan.guideline``); **trial discussed**: such a plan
  has a ``clinical_trial`` component.
- **Caseload**: the institution's annual analytic caseload for the year (``AnnualCaseload``, entered by a
  coordinator); ``share`` = distinct cases presented / analytic cases (3 decimals; null without a caseload).
- **Decisions**: the plan change rate and follow-through of the board decisions of the year in scope, from
  ``cases.analytics.plan_change_stats`` (its definitions).
- Rates are 3 decimals and null when their denominator is 0.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from cases.analytics import _decided_between, _rate, plan_change_stats
from cases.codes import Modality, PlanKind
from cases.models import AnnualCaseload, Plan, StagingRecord, TreatmentCourse
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, Board, Meeting, MeetingStatus
from scheduling.selectors import boards_coordinated_by, boards_visible_to
from specialists.access import coordinated_board_ids, coordinated_institution_ids, is_admin, is_board_coordinator
from specialists.models import Institution, Specialty

STANDARD = (
    "American College of Surgeons Commission on Cancer, Optimal Resources for Cancer Care (2020 Standards, "
    "updated February 2021), Standard 2.5: Multidisciplinary Cancer Case Conference"
)
SPECIALTIES: tuple[str, ...] = tuple(Specialty.values)
HELD = (MeetingStatus.IN_PROGRESS, MeetingStatus.COMPLETED)
FIRST_YEAR = 1900
STAGE_FIELDS = (
    "stage_group", "clinical_t", "clinical_n", "clinical_m", "pathological_t", "pathological_n", "pathological_m",
)  # fmt: skip


@dataclass(frozen=True)
class Scope:
    institution: Institution
    board: Board | None
    boards: list[Board]
    year: int


def year_check(year: int) -> int:
    """A calendar year the report can cover: from 1900 to the current one (TIME_ZONE); else a 400 on ``year``."""
    current = timezone.localdate().year
    if not FIRST_YEAR <= year <= current:
        raise ValidationError({"year": [ValidationError(f"Give a year from {FIRST_YEAR} to {current}.", "invalid")]})
    return year


def reporting_institution(user, public_id: uuid.UUID | None) -> Institution:
    """The institution whose report (or caseload) the user works on: the one named, else their own (else the one
    whose boards they coordinate). Coordinators and admins only; an institution they do not coordinate is a 404."""
    if not (is_admin(user) or coordinated_board_ids(user)):
        raise PermissionDenied("The accreditation report is for the boards' coordinators and administrators.")
    allowed = (
        Institution.objects.all()
        if is_admin(user)
        else Institution.objects.filter(id__in=coordinated_institution_ids(user))
    )
    if public_id is not None:
        institution = allowed.filter(public_id=public_id).first()
        if institution is None:
            raise Http404("No such institution.")
        return institution
    institution = allowed.filter(id=user.institution_id).first()
    if institution is None and not is_admin(user):
        institution = allowed.order_by("name").first()
    if institution is None:
        raise ValidationError({"institution": [ValidationError("Choose the institution to report on.", "required")]})
    return institution


def report_scope(user, *, board: uuid.UUID | None, institution: uuid.UUID | None, year: int) -> Scope:
    """What the report covers (definitions: the module docstring)."""
    year_check(year)
    if board is None:
        place = reporting_institution(user, institution)
        boards = list(boards_coordinated_by(user).filter(institution=place).order_by("name", "id"))
        return Scope(institution=place, board=None, boards=boards, year=year)
    found = boards_visible_to(user).select_related("institution").filter(public_id=board).first()
    if found is None:
        raise Http404("No such board.")
    if not is_board_coordinator(user, found.pk):
        raise PermissionDenied("Only the board's coordinators and administrators see its accreditation report.")
    if institution is not None and found.institution.public_id != institution:
        raise ValidationError({"institution": [ValidationError("The board is not one of this institution's.")]})
    return Scope(institution=found.institution, board=found, boards=[found], year=year)


def _in_year(year: int, field: str) -> Q:
    return _decided_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31), field=field)


def _case_counts() -> dict[str, Any]:
    staged = Q(staged_elsewhere=True)
    for field in STAGE_FIELDS:
        staged |= ~Q(**{f"case__{field}": ""})
    return {
        "presentations": Count("pk"),
        "cases": Count("case_id", distinct=True),
        "retrospective": Count("pk", filter=Q(treated_before=True)),
        "undetermined": Count("pk", filter=Q(treated_before=False, undated=True)),
        "staging_recorded": Count("pk", filter=staged),
        "recommendations_recorded": Count("pk", filter=Q(recorded=True)),
        "guideline_discussed": Count("pk", filter=Q(guideline=True)),
        "trial_discussed": Count("pk", filter=Q(trial=True)),
        "guideline_or_trial": Count("pk", filter=Q(guideline=True) | Q(trial=True)),
    }


def _presentations(held):
    """The agenda items presented at the ``held`` meetings, each with what the definitions read."""
    courses = TreatmentCourse.objects.filter(case=OuterRef("case_id"))
    board_plans = Plan.objects.filter(case=OuterRef("case_id"), meeting=OuterRef("meeting_id"), kind=PlanKind.BOARD)
    return AgendaItem.objects.filter(meeting__in=held, status=AgendaItemStatus.PRESENTED).annotate(
        meeting_day=TruncDate("meeting__starts_at", tzinfo=timezone.get_default_timezone()),
        treated_before=Exists(courses.filter(start__lt=OuterRef("meeting_day"))),
        undated=Exists(courses.filter(start__isnull=True)),
        staged_elsewhere=Exists(StagingRecord.objects.filter(case=OuterRef("case_id"))),
        recorded=Exists(board_plans),
        guideline=Exists(board_plans.exclude(guideline="")),
        trial=Exists(board_plans.filter(components__modality=Modality.CLINICAL_TRIAL)),
    )


def _with_rates(counts: dict[str, int]) -> dict[str, Any]:
    n = counts["presentations"]
    prospective = n - counts["retrospective"] - counts["undetermined"]
    return {
        "presentations": n,
        "cases": counts["cases"],
        "prospective": prospective,
        "retrospective": counts["retrospective"],
        "undetermined": counts["undetermined"],
        "prospective_rate": _rate(prospective, n),
        **{
            name: value
            for key in (
                "staging_recorded",
                "recommendations_recorded",
                "guideline_discussed",
                "trial_discussed",
                "guideline_or_trial",
            )
            for name, value in ((key, counts[key]), (f"{key}_rate", _rate(counts[key], n)))
        },
    }


def accreditation_report(user, scope: Scope) -> dict[str, Any]:
    """The report of ``scope`` (definitions: the module docstring)."""
    board_ids = [board.pk for board in scope.boards]
    by_id = {board.pk: board for board in scope.boards}
    meetings = Meeting.objects.filter(board_id__in=board_ids).filter(_in_year(scope.year, "starts_at"))
    held = meetings.filter(status__in=HELD)

    per_board = {
        row["board_id"]: row
        for row in meetings.values("board_id").annotate(
            held=Count("pk", filter=Q(status__in=HELD)), cancelled=Count("pk", filter=Q(status=MeetingStatus.CANCELLED))
        )
    }
    conferences = list(
        held.annotate(presented=Count("agenda_items", filter=Q(agenda_items__status=AgendaItemStatus.PRESENTED)))
        .values("pk", "public_id", "board_id", "starts_at", "status", "presented")
        .order_by("starts_at", "pk")
    )
    checked_in: dict[int, dict[str, int]] = {}
    attendance_rows = (
        Attendance.objects.filter(meeting__in=held, present=True, guest_case__isnull=True)
        .exclude(user__specialty="")
        .values("meeting_id", "user__specialty")
        .annotate(n=Count("pk"))
    )
    for row in attendance_rows:
        checked_in.setdefault(row["meeting_id"], {})[row["user__specialty"]] = row["n"]

    items = _presentations(held)
    counts = _case_counts()
    overall = _with_rates(items.aggregate(**counts))
    by_board_counts = {row["meeting__board_id"]: row for row in items.values("meeting__board_id").annotate(**counts)}
    caseload = AnnualCaseload.objects.filter(institution=scope.institution, year=scope.year).first()
    decisions = plan_change_stats(
        user,
        boards=board_ids,
        date_from=datetime.date(scope.year, 1, 1),
        date_to=datetime.date(scope.year, 12, 31),
    )

    required_in = dict.fromkeys(SPECIALTIES, 0)
    attended = dict.fromkeys(SPECIALTIES, 0)
    conference_rows = []
    for meeting in conferences:
        board = by_id[meeting["board_id"]]
        present = checked_in.get(meeting["pk"], {})
        required = [s for s in SPECIALTIES if s in board.required_specialties]
        for specialty in required:
            required_in[specialty] += 1
            attended[specialty] += bool(present.get(specialty))
        conference_rows.append(
            {
                "id": meeting["public_id"],
                "board": board.public_id,
                "board_name": board.name,
                "starts_at": meeting["starts_at"],
                "status": meeting["status"],
                "cases_presented": meeting["presented"],
                "attendance": {specialty: present.get(specialty, 0) for specialty in SPECIALTIES},
                "required_missing": [s for s in required if not present.get(s)],
            }
        )
    empty = dict.fromkeys(counts, 0)
    return {
        "standard": STANDARD,
        "year": scope.year,
        "institution": {"id": scope.institution.public_id, "name": scope.institution.name},
        "board": {"id": scope.board.public_id, "name": scope.board.name} if scope.board else None,
        "conferences_held": sum(row["held"] for row in per_board.values()),
        "conferences_cancelled": sum(row["cancelled"] for row in per_board.values()),
        "attendance": [
            {
                "specialty": specialty,
                "conferences_required": required_in[specialty],
                "conferences_attended": attended[specialty],
                "rate": _rate(attended[specialty], required_in[specialty]),
            }
            for specialty in SPECIALTIES
            if any(specialty in board.required_specialties for board in scope.boards)
        ],
        **overall,
        "caseload": {
            "analytic_cases": caseload.analytic_cases if caseload else None,
            "note": caseload.note if caseload else "",
            "cases_presented": overall["cases"],
            "share": _rate(overall["cases"], caseload.analytic_cases) if caseload else None,
        },
        "decisions": {
            "cases": decisions["cases"],
            "changed": decisions["changed"],
            "change_rate": decisions["change_rate"],
            "follow_through": decisions["follow_through"],
        },
        "by_board": [
            {
                "board": board.public_id,
                "name": board.name,
                "required_specialties": [s for s in SPECIALTIES if s in board.required_specialties],
                "conferences_held": per_board.get(board.pk, {}).get("held", 0),
                "conferences_cancelled": per_board.get(board.pk, {}).get("cancelled", 0),
                **_with_rates(by_board_counts.get(board.pk, empty)),
            }
            for board in scope.boards
        ],
        "conferences": conference_rows,
    }
