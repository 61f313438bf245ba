"""Loading the demo world (demo/world.py, demo/data/) into the database, idempotently.

``demo_load()`` is a privileged seed, not a user action: it writes the models directly (no audit events)
and is idempotent. Every row is found again by a natural key (username, institution name, board name,
(board, starts_at), (institution, MRN), and for cases a UUID derived from a slug), so a rerun refreshes
the data instead of duplicating it. Case history (transitions, agenda items) is written when a case is
first created; a rerun that has to move a case back to its demo state records one ``demo_reload``
transition instead of rewriting history.

The cases the boards have discussed also get their plan history (``demo/plans.py``), once, through the
real services: the case is loaded in status discussed and the services record the plans, reviews, change
records and follow-through that make it recommended or closed. A case that has plans keeps them on a rerun.

The community hospitals' second opinions (``demo/second_opinions.py``) are made once, through the services,
on draft cases loaded here. From then on the services own the case's workflow: a rerun refreshes only its profile.
"""

from __future__ import annotations

import datetime
import zlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from cases.codes import REVIEW_TASK_ACTIVE, CaseStatus, Urgency
from cases.models import (
    AnnualCaseload,
    Biomarker,
    Case,
    CaseTransition,
    GenomicVariant,
    Medication,
    Patient,
    Pharmacogenomic,
    StagingRecord,
    TreatmentCourse,
    Trial,
)
from cases.services.review_tasks import review_tasks_cancel, review_tasks_place
from demo.cme import cme_load
from demo.data import demo_cases, demo_requests
from demo.data.trials import CONTACT, TRIALS
from demo.documents import documents_attach
from demo.plans import plan_history_write
from demo.second_opinions import second_opinions_load
from demo.world import (
    ABSENT_EVERY,
    BOARD_MEMBERS,
    BOARDS,
    CASELOADS,
    COORDINATOR,
    CORE_SPECIALTIES,
    DEMO_PASSWORD,
    INSTITUTIONS,
    PRESENT_EVERY,
    REMOTE,
    UPCOMING_MEETINGS,
    USERS,
    DemoCase,
)
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, Board, Meeting, MeetingStatus, Rsvp
from scheduling.recurrence import parse_rrule
from specialists.models import BoardMembership, BoardRole, Institution, User

S = CaseStatus


@dataclass
class DemoSummary:
    institutions: int = 0
    users: int = 0
    boards: int = 0
    meetings: int = 0
    cases_created: int = 0
    cases_updated: int = 0
    documents: int = 0
    second_opinions_created: int = 0
    second_opinions_kept: int = 0
    trials: int = 0
    cme_attestations: int = 0


@transaction.atomic
def demo_load(*, now: datetime.datetime | None = None) -> DemoSummary:
    now = (now or timezone.now()).replace(microsecond=0)
    summary = DemoSummary()
    institutions = _institutions_load()
    users = _users_load(institutions)
    boards = _boards_load(institutions, users)
    past_meetings = {demo.key: demo.past_meetings for demo in BOARDS}
    meetings = {key: _meetings_load(board, now, past_meetings[key]) for key, board in boards.items()}
    _check_ins_load(meetings, users)
    _caseloads_load(institutions, users, now)
    for demo in demo_cases():
        created, documents = _case_load(
            demo, institutions=institutions, users=users, boards=boards, meetings=meetings, now=now
        )
        summary.documents += documents
        if created:
            summary.cases_created += 1
        else:
            summary.cases_updated += 1
    _allocated_minutes_refresh(boards.values())
    requests = second_opinions_load(institutions=institutions, users=users, meetings=meetings, now=now)
    _allocated_minutes_refresh(boards.values())
    _review_tasks_load(now)
    summary.cme_attestations = cme_load(board=boards["breast"], meetings=meetings["breast"], users=users)
    summary.second_opinions_created, summary.second_opinions_kept = requests.created, requests.kept
    summary.trials = _trials_load(institutions["academic"])
    summary.documents += requests.documents
    summary.institutions = len(institutions)
    summary.users = len(users)
    summary.boards = len(boards)
    summary.meetings = sum(len(by_index) for by_index in meetings.values())
    return summary


def _trials_load(institution: Institution) -> int:
    """The academic center's demo trials (demo/data/trials.py), found again by identifier."""
    for data in TRIALS:
        defaults = {"status": "open", "contact": CONTACT} | {k: v for k, v in data.items() if k != "identifier"}
        Trial.objects.update_or_create(institution=institution, identifier=data["identifier"], defaults=defaults)
    return len(TRIALS)


def _institutions_load() -> dict[str, Institution]:
    return {
        key: Institution.objects.update_or_create(name=name, defaults={"kind": kind})[0]
        for key, (name, kind) in INSTITUTIONS.items()
    }


def _users_load(institutions: dict[str, Institution]) -> dict[str, User]:
    """The demo people. A password hash that already verifies is kept: a new hash would log every demo user out
    (the session is bound to it). The loader gives them all one hash, so this costs one PBKDF2 check, not 12."""
    current = dict(User.objects.filter(username__in=[u.username for u in USERS]).values_list("username", "password"))
    valid = {encoded for encoded in set(current.values()) if encoded and check_password(DEMO_PASSWORD, encoded)}
    fresh = None
    users = {}
    for demo in USERS:
        password = current.get(demo.username)
        if password not in valid:
            password = fresh = fresh or make_password(DEMO_PASSWORD)
        user, _ = User.objects.update_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": demo.email,
                "institution": institutions[demo.institution],
                "specialty": demo.specialty,
                "is_active": True,
                "is_staff": demo.superuser,
                "is_superuser": demo.superuser,
                "password": password,
            },
        )
        users[demo.username] = user
    return users


def _boards_load(institutions: dict[str, Institution], users: dict[str, User]) -> dict[str, Board]:
    boards = {}
    for demo in BOARDS:
        board, _ = Board.objects.update_or_create(
            institution=institutions["academic"],
            name=demo.name,
            defaults={
                "disease_sites": list(demo.disease_sites),
                "required_specialties": list(CORE_SPECIALTIES),
                "recurrence": demo.recurrence,
                "timezone": demo.timezone,
                "start_time": demo.start_time,
                "duration_minutes": demo.duration_minutes,
                "minutes_per_case": demo.minutes_per_case,
                "submission_cutoff_hours": demo.submission_cutoff_hours,
                "video_url": demo.video_url,
            },
        )
        roles = {COORDINATOR: BoardRole.COORDINATOR, **dict.fromkeys(BOARD_MEMBERS, BoardRole.MEMBER)}
        roles[demo.chair] = BoardRole.CHAIR
        for username, role in roles.items():
            BoardMembership.objects.update_or_create(user=users[username], board=board, defaults={"role": role})
        boards[demo.key] = board
    return boards


def _meeting_starts(
    board: Board, now: datetime.datetime, past_count: int
) -> tuple[list[datetime.datetime], list[datetime.datetime]]:
    """(the next upcoming, the last ``past_count`` past) start times from the board's RRULE, in its time zone."""
    tz = ZoneInfo(board.timezone)
    local_today = now.astimezone(tz).date()
    anchor = datetime.datetime.combine(local_today - datetime.timedelta(weeks=past_count + 3), board.start_time)
    rule = parse_rrule(board.recurrence, dtstart=anchor)
    horizon = anchor + datetime.timedelta(weeks=UPCOMING_MEETINGS + past_count + 6)
    starts = [naive.replace(tzinfo=tz).astimezone(datetime.UTC) for naive in rule.between(anchor, horizon, inc=True)]
    duration = datetime.timedelta(minutes=board.duration_minutes)
    upcoming = [s for s in starts if s > now][:UPCOMING_MEETINGS]
    past = [s for s in starts if s + duration <= now][-past_count:]
    return upcoming, past


def _meetings_load(board: Board, now: datetime.datetime, past_count: int) -> dict[int, Meeting]:
    """The board's next meetings (1, 2, ...) and its last completed ones (-1, -2), keyed by that index."""
    upcoming, past = _meeting_starts(board, now, past_count)
    duration = datetime.timedelta(minutes=board.duration_minutes)
    meetings = {}
    for index, starts_at in [*enumerate(upcoming, 1), *((-i, s) for i, s in enumerate(reversed(past), 1))]:
        fields = {"ends_at": starts_at + duration, "capacity_minutes": board.duration_minutes}
        if index < 0:
            fields["status"] = MeetingStatus.COMPLETED
        meeting, _ = Meeting.objects.update_or_create(
            board=board,
            starts_at=starts_at,
            defaults=fields,
            create_defaults={**fields, "status": fields.get("status", MeetingStatus.SCHEDULED)},
        )
        meetings[index] = meeting
    return meetings


def _check_ins_load(meetings: dict[str, dict[int, Meeting]], users: dict[str, User]) -> None:
    """The members who checked in to each past meeting, two minutes after its start; rows already there are kept.
    At a meeting where a demo case got its board plan, everyone but the specialties that plan records as absent
    (its ``specialties_present`` agree); at the others, ABSENT_EVERY and PRESENT_EVERY say who missed which."""
    decided = [demo for demo in demo_cases() if demo.board_plan is not None and demo.meeting is not None]
    discussed = {(demo.board, demo.meeting) for demo in decided}
    absent = {
        (demo.board, demo.meeting, username)
        for demo in decided
        for username in BOARD_MEMBERS
        if users[username].specialty in demo.board_plan.absent
    }
    rows = []
    for key, by_index in meetings.items():
        for index, meeting in by_index.items():
            back = -index
            if back <= 0:
                continue
            for username in BOARD_MEMBERS:
                if (key, index) in discussed:
                    if (key, index, username) in absent:
                        continue
                elif back % ABSENT_EVERY.get(username, back + 1) == 0 or back % PRESENT_EVERY.get(username, 1):
                    continue
                rows.append(
                    Attendance(
                        meeting=meeting,
                        user=users[username],
                        rsvp=Rsvp.ACCEPTED,
                        responded_at=meeting.starts_at - datetime.timedelta(days=2),
                        present=True,
                        remote=username in REMOTE,
                        checked_in_at=meeting.starts_at + datetime.timedelta(minutes=2),
                    )
                )
    Attendance.objects.bulk_create(rows, ignore_conflicts=True)


def _caseloads_load(institutions: dict[str, Institution], users: dict[str, User], now: datetime.datetime) -> None:
    """The academic center's annual analytic caseload for this year and the last (CASELOADS)."""
    year = timezone.localdate(now).year
    for years_ago, cases in CASELOADS:
        AnnualCaseload.objects.update_or_create(
            institution=institutions["academic"],
            year=year - years_ago,
            defaults={
                "analytic_cases": cases,
                "note": "Cancer registry, analytic cases (classes 00-22)",
                "entered_by": users[COORDINATOR],
            },
        )


def _birth_date(slug: str, age: int, today: datetime.date) -> datetime.date:
    """A fixed birthday (from the slug) in the year that makes the patient ``age`` today."""
    h = zlib.crc32(slug.encode())
    month, day = 1 + h % 12, 1 + (h // 12) % 28
    year = today.year - age - (1 if (month, day) > (today.month, today.day) else 0)
    return datetime.date(year, month, day)


_STAGE_FIELDS = {("c", "T"): "clinical_t", ("c", "N"): "clinical_n", ("c", "M"): "clinical_m"}
_STAGE_FIELDS |= {("p", "T"): "pathological_t", ("p", "N"): "pathological_n", ("p", "M"): "pathological_m"}


def parse_stage(text: str) -> dict[str, str]:
    """``"cT2 cN1 cM0 ypT1c ypN1a / IIB"`` → the case's stage fields."""
    tnm, _, group = text.partition("/")
    fields = {"stage_system": "AJCC8", "stage_group": group.strip()}
    for token in tnm.split():
        prefix = token[: len(token) - len(token.lstrip("cpy"))]
        category = token[len(prefix)]
        key = ("c" if prefix in {"c", "yc"} else "p", category)
        if key not in _STAGE_FIELDS or not prefix:
            raise ValueError(f"Cannot read the stage token {token!r} in {text!r}")
        fields[_STAGE_FIELDS[key]] = token if prefix.startswith("y") else token[len(prefix) :]
    return fields


def _profile(demo: DemoCase, today: datetime.date, *, revised: bool) -> dict:
    """The case's profile; ``revised``: with the values the demo's specialty reviews revised (once they are
    recorded), so a rerun does not undo a re-read."""
    profile = {
        "primary_site": demo.site,
        "histology": demo.histology,
        "grade": demo.grade,
        "clinical_t": "",
        "clinical_n": "",
        "clinical_m": "",
        "pathological_t": "",
        "pathological_n": "",
        "pathological_m": "",
        **parse_stage(demo.stage),
        "metastatic": bool(demo.metastatic_sites),
        "metastatic_sites": list(demo.metastatic_sites),
        "metastasis_count": demo.metastasis_count,
        "diagnosis_date": today - datetime.timedelta(days=demo.diagnosed_days_ago),
        "ecog": demo.ecog,
        "karnofsky": demo.karnofsky,
        "weight_kg": demo.body[0] if demo.body else None,
        "height_cm": demo.body[1] if demo.body else None,
        "body_measured_on": today - datetime.timedelta(days=min(demo.diagnosed_days_ago, 14)) if demo.body else None,
        "gfr_ml_min": demo.gfr,
        "lvef_percent": demo.lvef,
        "bilirubin_mg_dl": demo.bilirubin,
        # measured at the work-up, within the last two weeks (or at diagnosis, if that was more recent)
        **{
            f"{name}_date": today - datetime.timedelta(days=min(demo.diagnosed_days_ago, 14))
            for name, value in (("gfr", demo.gfr), ("lvef", demo.lvef), ("bilirubin", demo.bilirubin))
            if value is not None
        },
        "comorbidities": list(demo.comorbidities),
        "menopausal_status": demo.menopausal,
        "fertility_goals": demo.fertility_goals,
        "fertility_preservation_discussed": demo.fertility_discussed,
        "goals_of_care_discussed": demo.goc_discussed,
        "prior_anthracycline_mg_m2": demo.anthracycline,
        "preferences": demo.preferences,
        "psychosocial_notes": demo.psychosocial,
        "treatment_intent": demo.intent,
        "question": demo.question,
        "urgency": demo.urgency,
    }
    if revised:
        for review in demo.reviews:
            for name, value, _ in review.revisions:
                profile[name] = value
    return profile


# The way each demo status was reached: (action, from, to, who acted). Recommended and closed are reached through
# the plan services (demo/plans.py).
_PATH = [
    ("submit", S.DRAFT, S.SUBMITTED, "created_by"),
    ("schedule", S.SUBMITTED, S.SCHEDULED, "coordinator"),
    ("discuss", S.SCHEDULED, S.DISCUSSED, "coordinator"),
]
_PATH_LENGTH = {S.DRAFT: 0, S.SUBMITTED: 1, S.INFO_REQUESTED: 1, S.SCHEDULED: 2, S.DISCUSSED: 3}


def _timeline(demo: DemoCase, meeting: Meeting | None, now: datetime.datetime) -> dict[str, datetime.datetime]:
    """Plausible times for each step of the case's history, never in the future."""
    hour = datetime.timedelta(hours=1)
    latest = now - datetime.timedelta(days=1 + zlib.crc32(demo.slug.encode()) % 4, hours=3)
    submitted = min(meeting.starts_at - datetime.timedelta(days=5), latest) if meeting is not None else latest
    times = {"create": submitted - datetime.timedelta(days=1), "submit": submitted, "schedule": submitted + 3 * hour}
    times["request-info"] = submitted + 20 * hour
    if meeting is not None:
        times["discuss"] = meeting.starts_at + datetime.timedelta(minutes=20)
    return {action: min(when, now - datetime.timedelta(minutes=5)) for action, when in times.items()}


def _case_load(demo: DemoCase, *, institutions, users, boards, meetings, now: datetime.datetime) -> tuple[bool, int]:
    """Create or refresh one demo case; returns whether it was new and how many documents it was given."""
    today = timezone.localdate(now)
    institution = institutions[demo.institution]
    mrn, name, sex, age = demo.patient
    patient, _ = Patient.objects.update_or_create(
        institution=institution,
        mrn=mrn,
        defaults={"name": name, "birth_date": _birth_date(demo.slug, age, today), "sex": sex},
    )
    board = boards[demo.board] if demo.board else None
    case = Case.objects.select_related("meeting").filter(public_id=demo.public_id).first()
    created = case is None
    if not created and case.second_opinions.exists():
        _second_opinion_case_refresh(demo, case, patient, users, today)
        return False, 0
    plans_written = not created and case.plans.exists()
    reload = None
    # A case whose plan history is still to be written waits for it in status discussed.
    status = S.DISCUSSED if demo.proposed is not None and not plans_written else demo.status
    meeting = _meeting_choose(demo, case, board, meetings, now)
    times = _timeline(demo, meeting, now)
    workflow = {
        "status": status,
        "meeting": meeting,
        "submitted_at": times["submit"] if demo.status != S.DRAFT else None,
    }
    fields = {
        "patient": patient,
        "institution": institution,
        "board": board,
        "created_by": users[demo.created_by],
        "treating_physician": users[demo.treating],
        **_profile(demo, today, revised=plans_written),
    }
    if created:
        case = Case.objects.create(public_id=demo.public_id, **fields, **workflow)
        Case.objects.filter(pk=case.pk).update(created_at=times["create"])
        _history_write(demo, case, meeting, users, times, status)
    else:
        previous_status = case.status
        for name_, value in {**fields, **workflow}.items():
            setattr(case, name_, value)
        case.save()
        if previous_status != status:
            reload = CaseTransition.objects.create(
                case=case,
                from_status=previous_status,
                to_status=status,
                action="demo_reload",
                reason="The demo data was reloaded.",
            )
        _agenda_item_ensure(demo, case, meeting)
    _children_replace(case, demo, today)
    documents = 0
    if demo.slug not in {request.case for request in demo_requests()}:  # those come with the request
        discussed_on = meeting.starts_at.date() if meeting is not None and meeting.starts_at < now else today
        documents = documents_attach(
            case, demo, uploaded_by=users[demo.created_by], reference=discussed_on, today=today
        )
    if demo.proposed is not None and not plans_written:
        decided_at = plan_history_write(demo, case, meeting=meeting, users=users, submitted=times["submit"], now=now)
        if reload is not None and decided_at is not None:
            # A decided case loaded before the demo had plans went back to discussed for its plan history, which
            # lies in the past: the reload goes just before the board's decision, so the history ends in its status.
            CaseTransition.objects.filter(pk=reload.pk).update(at=decided_at - datetime.timedelta(minutes=1))
    return created, documents


def _second_opinion_case_refresh(demo: DemoCase, case: Case, patient: Patient, users, today: datetime.date) -> None:
    """A case with a second-opinion request belongs to the services (demo/second_opinions.py): its status,
    board, meeting and history stay as they are; only its profile is refreshed."""
    fields = {
        "patient": patient,
        "created_by": users[demo.created_by],
        "treating_physician": users[demo.treating],
        **_profile(demo, today, revised=False),
    }
    for name, value in fields.items():
        setattr(case, name, value)
    case.save()
    _children_replace(case, demo, today)


def _meeting_choose(demo: DemoCase, case: Case | None, board: Board | None, meetings, now) -> Meeting | None:
    """The demo meeting of the case, unless it already sits on one that still fits its status (a rerun on a
    later day keeps a case on the meeting it was scheduled on or discussed at, as long as that still holds)."""
    if not demo.meeting:
        return None
    current = case.meeting if case is not None and case.status == demo.status else None
    if current is not None and current.board_id == board.pk:
        if demo.status == S.SCHEDULED and current.status == MeetingStatus.SCHEDULED and current.starts_at > now:
            return current
        if demo.status != S.SCHEDULED and current.status == MeetingStatus.COMPLETED:
            return current
    return meetings[demo.board][demo.meeting]


def _history_write(demo: DemoCase, case: Case, meeting, users, times, status: str) -> None:
    """The case's transitions up to ``status`` (the plan services write the later ones) and its agenda slot."""
    actors = {"created_by": users[demo.created_by], "coordinator": users[COORDINATOR]}
    steps = [("create", S.DRAFT, S.DRAFT, users[demo.created_by], "")]
    steps += [(a, f, t, actors[who], "") for a, f, t, who in _PATH[: _PATH_LENGTH[status]]]
    if demo.status == S.INFO_REQUESTED:
        steps.append(("request-info", S.SUBMITTED, S.INFO_REQUESTED, users[COORDINATOR], demo.reason))
    for action, from_status, to_status, by, reason in steps:
        row = CaseTransition.objects.create(
            case=case, from_status=from_status, to_status=to_status, action=action, by=by, reason=reason
        )
        CaseTransition.objects.filter(pk=row.pk).update(at=times[action])
    _agenda_item_ensure(demo, case, meeting)


def _agenda_item_ensure(demo: DemoCase, case: Case, meeting: Meeting | None) -> None:
    """The case's slot on its meeting: scheduled on an upcoming meeting, presented on a past one. A slot
    held on any other meeting (a rerun on a later day, or a demo user's own moves) is released."""
    stale = AgendaItem.objects.filter(case=case, status=AgendaItemStatus.SCHEDULED)
    if meeting is not None:
        stale = stale.exclude(meeting=meeting)
    stale.update(status=AgendaItemStatus.REMOVED, updated_at=timezone.now())
    if meeting is None:
        return
    status = AgendaItemStatus.SCHEDULED if demo.status == S.SCHEDULED else AgendaItemStatus.PRESENTED
    item = AgendaItem.objects.filter(case=case, meeting=meeting).exclude(status=AgendaItemStatus.REMOVED).first()
    if item is None:
        on_agenda = AgendaItem.objects.filter(meeting=meeting, status=status)
        position = on_agenda.count() + 1
        if demo.urgency == Urgency.URGENT:  # urgent cases go before every routine one (as agenda allocation does)
            position = on_agenda.filter(case__urgency=Urgency.URGENT).count() + 1
            on_agenda.filter(position__gte=position).update(position=F("position") + 1)
        AgendaItem.objects.create(
            meeting=meeting,
            case=case,
            position=position,
            minutes=meeting.board.minutes_per_case,
            status=status,
        )
    elif item.status != status:
        item.status = status
        item.save(update_fields=["status", "updated_at"])


def _review_tasks_load(now: datetime.datetime) -> None:
    """The review tasks of the cases on the demo's upcoming agendas, written as a placement writes them
    (``cases.services.review_tasks``): the open tasks of a slot the loader released or dated into the past are
    cancelled; a scheduled slot without tasks gets them (a case's open tasks of a released slot move to it)."""
    active = AgendaItem.objects.filter(review_tasks__status__in=REVIEW_TASK_ACTIVE)
    left = active.exclude(status=AgendaItemStatus.SCHEDULED)
    review_tasks_cancel(item_ids=list(left.values_list("pk", flat=True).distinct()), by=None)
    items = (
        AgendaItem.objects.filter(status=AgendaItemStatus.SCHEDULED, review_tasks__isnull=True)
        .select_related("meeting__board", "case__board", "case__patient")
        .order_by("id")
    )
    review_tasks_place(items=list(items), by=None, now=now)


def _allocated_minutes_refresh(boards) -> None:
    """Each demo meeting's allocated minutes are the minutes of the slots it holds (scheduled or presented)."""
    held = Q(agenda_items__status__in=[AgendaItemStatus.SCHEDULED, AgendaItemStatus.PRESENTED])
    for meeting in Meeting.objects.filter(board__in=list(boards)).annotate(
        held=Sum("agenda_items__minutes", filter=held)
    ):
        allocated = min(meeting.held or 0, meeting.capacity_minutes)
        if meeting.allocated_minutes != allocated:
            Meeting.objects.filter(pk=meeting.pk).update(allocated_minutes=allocated)


def _children_replace(case: Case, demo: DemoCase, today: datetime.date) -> None:
    diagnosed = today - datetime.timedelta(days=demo.diagnosed_days_ago)
    case.biomarkers.all().delete()
    case.pharmacogenomics.all().delete()
    case.medications.all().delete()
    for name in ("variants", "other_staging", "treatments"):
        getattr(case, name).all().delete()
    biomarkers = []
    for name, result, *rest in demo.biomarkers:
        value = rest[0] if rest else None
        detail = rest[1] if len(rest) > 1 else ""
        days = 21 if name in {"ONCOTYPE_RS", "MAMMAPRINT"} else 7
        when = min(diagnosed + datetime.timedelta(days=days), today - datetime.timedelta(days=1))
        biomarkers.append(Biomarker(case=case, name=name, result=result, value=value, detail=detail, date=when))
    Biomarker.objects.bulk_create(biomarkers)
    Pharmacogenomic.objects.bulk_create(
        Pharmacogenomic(case=case, gene=gene, phenotype=phenotype, diplotype=diplotype)
        for gene, phenotype, diplotype in demo.pgx
    )
    Medication.objects.bulk_create(
        Medication(case=case, name=item, status="active")
        if isinstance(item, str)
        else Medication(case=case, name=item[0], status=item[1])
        for item in demo.medications
    )
    reported = min(diagnosed + datetime.timedelta(days=14), today - datetime.timedelta(days=1))
    GenomicVariant.objects.bulk_create(
        GenomicVariant(
            case=case,
            gene=gene,
            hgvs=change if change.startswith(("c.", "p.", "g.")) else "",
            description="" if change.startswith(("c.", "p.", "g.")) else change,
            origin=origin,
            interpretation=interpretation,
            kind=rest[0] if rest else "sequence",
            partner_gene=rest[1] if len(rest) > 1 else "",
            date=reported,
        )
        for gene, change, origin, interpretation, *rest in demo.variants
    )
    StagingRecord.objects.bulk_create(
        StagingRecord(case=case, system=system, value=value, date=diagnosed) for system, value in demo.other_staging
    )
    TreatmentCourse.objects.bulk_create(
        TreatmentCourse(
            case=case,
            kind=kind,
            name=name,
            start=today - datetime.timedelta(days=started),
            end=today - datetime.timedelta(days=ended) if ended is not None else None,
            status=status,
            detail=rest[0] if rest else "",
        )
        for kind, name, started, ended, status, *rest in demo.treatments
    )
