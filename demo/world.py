"""The demo world of SPEC §8: institutions, people, boards, ~60 cases and the community hospitals' second
opinions (their clinical content lives in ``demo/data/``; the cases the boards have discussed carry
their plans, specialty reviews and follow-through). ``demo/loader.py`` loads it; ``manage.py load_demo``
runs the loader."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from cases.codes import DiseaseSite
from specialists.models import InstitutionKind, Specialty

DEMO_PASSWORD = "tumorboard-demo"
CASE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tumorboard.example.org/demo/cases/")
UPCOMING_MEETINGS = 6
PAST_MEETINGS = 16  # about four months of weekly boards, so the analytics have months to show
YEAR_OF_MEETINGS = 52  # the Breast board's: a year of conferences for the accreditation report
# Who checks in to a past meeting: every member of the board but, counting meetings back from the latest (1, 2, ...),
# these specialists on the meetings whose number their figure divides (a year of the Breast board: radiation oncology
# misses 8 of 52, pathology 5, radiology 4; genetics comes to every other, palliative care to every third).
ABSENT_EVERY = {"radonc": 6, "pathologist": 10, "radiologist": 13}
PRESENT_EVERY = {"genetics": 2, "palliative": 3}
REMOTE = ("radiologist", "genetics")
# The program's annual analytic caseload (its cancer registry's count) for this year and the last: (years ago, cases)
CASELOADS = ((0, 1240), (1, 1185))
_sp = Specialty

INSTITUTIONS = {
    "academic": ("Riverside University Cancer Center", InstitutionKind.ACADEMIC_CENTER),
    "community": ("Millbrook Community Hospital", InstitutionKind.COMMUNITY_HOSPITAL),
    "community2": ("Cedar Hills Regional Hospital", InstitutionKind.COMMUNITY_HOSPITAL),
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    institution: str
    specialty: str = ""
    superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.org".lower().replace(" ", "")


USERS = (
    DemoUser("coordinator", "Denise", "Whitaker", "academic"),
    DemoUser("medonc", "Priya", "Raman", "academic", _sp.MEDICAL_ONCOLOGY),
    DemoUser("surgonc", "Michael", "Okafor", "academic", _sp.SURGICAL_ONCOLOGY),
    DemoUser("radonc", "Elena", "Petrova", "academic", _sp.RADIATION_ONCOLOGY),
    DemoUser("pathologist", "David", "Chen", "academic", _sp.PATHOLOGY),
    DemoUser("radiologist", "Sarah", "Goldberg", "academic", _sp.RADIOLOGY),
    DemoUser("genetics", "Aisha", "Mensah", "academic", _sp.GENETICS),
    DemoUser("palliative", "Thomas", "Byrne", "academic", _sp.PALLIATIVE_CARE),
    DemoUser("navigator", "Karen", "Lindqvist", "academic", _sp.NURSE_NAVIGATION),
    DemoUser("community", "James", "Whitfield", "community", _sp.MEDICAL_ONCOLOGY),
    DemoUser("community2", "Ana", "Souza", "community2", _sp.MEDICAL_ONCOLOGY),
    DemoUser("admin", "Alex", "Morgan", "academic", superuser=True),
)
COORDINATOR = "coordinator"
BOARD_MEMBERS = ("medonc", "surgonc", "radonc", "pathologist", "radiologist", "genetics", "palliative", "navigator")
CORE_SPECIALTIES = [
    _sp.MEDICAL_ONCOLOGY,
    _sp.SURGICAL_ONCOLOGY,
    _sp.RADIATION_ONCOLOGY,
    _sp.PATHOLOGY,
    _sp.RADIOLOGY,
]


@dataclass(frozen=True)
class DemoBoard:
    key: str
    name: str
    disease_sites: tuple[str, ...]
    recurrence: str
    start_time: datetime.time
    duration_minutes: int
    chair: str
    minutes_per_case: int = 10
    submission_cutoff_hours: int = 48
    timezone: str = "America/New_York"
    past_meetings: int = PAST_MEETINGS  # the Breast board has a year of them, for the accreditation report

    @property
    def video_url(self) -> str:
        return f"https://video.example.org/rucc-{self.key}-tumor-board"


BOARDS = (
    DemoBoard(
        "breast",
        "Breast",
        (DiseaseSite.BREAST,),
        "FREQ=WEEKLY;BYDAY=TU",
        datetime.time(7, 0),
        60,
        "medonc",
        past_meetings=YEAR_OF_MEETINGS,
    ),
    DemoBoard("thoracic", "Thoracic", (DiseaseSite.LUNG,), "FREQ=WEEKLY;BYDAY=WE", datetime.time(7, 30), 60, "radonc"),
    DemoBoard(
        "gi",
        "GI",
        (DiseaseSite.COLORECTAL, DiseaseSite.ESOPHAGOGASTRIC, DiseaseSite.PANCREAS, DiseaseSite.HEPATOBILIARY),
        "FREQ=WEEKLY;BYDAY=TH",
        datetime.time(12, 0),
        90,
        "surgonc",
    ),
)


@dataclass(frozen=True, kw_only=True)
class DemoPlan:
    """A plan version: the presenter's (a case's ``proposed``) or the board's recommendation (``board_plan``).

    ``components`` are tuples ``(modality, detail[, drugs[, target_auc]])``. A board plan without components
    adopts the proposed plan's intent and components (see ``adopted``). ``absent``: specialties the case's
    quorum needs that were not present when the board decided (its recommendation is then flagged).
    """

    intent: str = ""
    components: tuple[tuple, ...] = ()
    rationale: str = ""
    consensus: str = ""
    dissent: str = ""
    absent: tuple[str, ...] = ()
    guideline: str = ""  # board plans: the national guideline discussed


def adopted(
    rationale: str, *, consensus: str = "unanimous", dissent: str = "", absent=(), guideline: str = ""
) -> DemoPlan:
    """The board recommends the presenter's plan as proposed."""
    return DemoPlan(
        rationale=rationale, consensus=consensus, dissent=dissent, absent=tuple(absent), guideline=guideline
    )


@dataclass(frozen=True, kw_only=True)
class DemoReview:
    """A specialty review recorded before the meeting. ``revisions``: ``(field, revised value, reason)``; the
    case's ``stage``/``grade``/``histology`` hold the values before the review."""

    kind: str
    author: str
    findings: str
    recommendation: str = ""
    revisions: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class DemoFollowUp:
    """Whether the board's recommendation was carried out, recorded ``days_after`` the meeting."""

    implemented: str
    reason: str = ""
    note: str = ""
    days_after: int = 21
    by: str = "navigator"


@dataclass(frozen=True, kw_only=True)
class DemoCase:
    """One demo case. ``meeting``: 1 = the board's next meeting, 2 = the one after; -1 = the last past one.

    A case the board discussed (discussed, recommended, closed) has the presenter's ``proposed`` plan; a
    recommended or closed one the board's ``board_plan``, and a closed one the ``follow_up`` that closed it.
    ``reviews`` are recorded between the proposed plan and the meeting.

    ``stage`` is written as the board would say it: ``"cT2 cN1 cM0 pT2 pN1a / IIB"`` (c = clinical,
    p/yp = pathological; a ``yp`` prefix is kept in the stored value). ``biomarkers`` are tuples
    ``(name, result[, value[, detail]])``; ``pgx`` ``(gene, phenotype, diplotype)``; ``medications`` are
    names (active) or ``(name, "stopped")``. ``body`` is ``(weight kg, height cm)`` measured at the work-up;
    ``variants`` ``(gene, change, origin, interpretation[, kind[, partner gene]])``; ``other_staging``
    ``(system, value)``; ``treatments`` ``(kind, name, started days ago, ended days ago or None, status[, detail])``.
    """

    slug: str
    patient: tuple[str, str, str, int]  # MRN, name, sex, age today
    created_by: str
    treating: str
    status: str
    site: str
    histology: str
    stage: str
    question: str
    diagnosed_days_ago: int
    institution: str = "academic"
    board: str | None = None
    meeting: int | None = None
    grade: str = ""
    metastatic_sites: tuple[str, ...] = ()
    metastasis_count: int | None = None
    ecog: int | None = 0
    karnofsky: int | None = None
    body: tuple[float, float] | None = None
    gfr: float | None = None
    lvef: float | None = None
    bilirubin: float | None = None
    comorbidities: tuple[str, ...] = ()
    menopausal: str = ""
    fertility_goals: str = ""
    fertility_discussed: bool = False
    goc_discussed: bool = False
    anthracycline: float | None = None
    preferences: str = ""
    psychosocial: str = ""
    intent: str = "curative"
    urgency: str = "routine"
    biomarkers: tuple[tuple, ...] = ()
    pgx: tuple[tuple[str, str, str], ...] = ()
    medications: tuple = ()
    variants: tuple[tuple, ...] = ()
    other_staging: tuple[tuple[str, str], ...] = ()
    treatments: tuple[tuple, ...] = ()
    reason: str = ""  # why information was requested (status info_requested)
    # The reports attached (demo/documents.py): pathology and imaging for every case, a genomic report where it has
    # molecular results, except the kinds named here; the latest imaging this many days old (None: a recent study).
    documents_missing: tuple[str, ...] = ()
    imaging_days_ago: int | None = None
    scenario: str = ""  # the checklist scenario this case exercises, if any
    proposed: DemoPlan | None = None
    reviews: tuple[DemoReview, ...] = ()
    board_plan: DemoPlan | None = None
    follow_up: DemoFollowUp | None = None

    def __post_init__(self) -> None:
        discussed = self.status in {"discussed", "recommended", "closed"}
        checks = [
            (discussed == (self.proposed is not None), "a case the board discussed, and only such a case, has a plan"),
            ((self.status in {"recommended", "closed"}) == (self.board_plan is not None), "board plan and status"),
            ((self.status == "closed") == (self.follow_up is not None), "a closed case, and only one, has a follow-up"),
            (not discussed or (self.meeting or 0) < 0, "a discussed case was presented at a past meeting"),
            (not self.reviews or discussed, "reviews are recorded on the cases the board discussed"),
            (self.meeting is None or -PAST_MEETINGS <= self.meeting <= UPCOMING_MEETINGS, "no such demo meeting"),
        ]
        for ok, what in checks:
            if not ok:
                raise ValueError(f"Demo case {self.slug}: {what}.")

    @property
    def public_id(self) -> uuid.UUID:
        return demo_case_id(self.slug)


# The ways a demo second opinion moves (SPEC §4): the action, the statuses it is taken from, the status it leads to.
_REQUEST_STEPS = {
    "accept": ({"requested"}, "scheduled"),  # accepted and placed on a meeting in one go
    "decline": ({"requested", "info_requested"}, "declined"),
    "request-info": ({"requested"}, "info_requested"),
    "provide-info": ({"info_requested"}, "requested"),
}


@dataclass(frozen=True, kw_only=True)
class DemoSecondOpinion:
    """A community hospital's second-opinion request on one of its demo cases (SPEC §5.5), made through the
    real services by ``demo/second_opinions.py``.

    ``status`` is where the request ends. A ``report_sent`` request was discussed at the past meeting
    ``meeting`` (-1 = the board's last one), its requester joining remotely unless ``joined`` is False; it was
    made ``days_before`` that meeting, and the board plan and the report followed the meeting. Any other
    request was made ``business_days_ago``; a ``scheduled`` one sits on the upcoming meeting ``meeting`` (1 =
    the board's next one; None: the meeting routing proposed). ``at`` is the local time of the request.
    ``steps`` are the answers before the meeting, ``(action, business days after the request, "HH:MM",
    message)``: the coordinator accepts, declines (the message is the reason) or asks for information, the
    requester provides it. ``proposed`` is the requester's own plan, written before the request.
    """

    case: str  # the slug of a community hospital's demo case
    by: str
    status: str
    reason: str
    questions: tuple[str, ...]
    urgency: str = "routine"
    at: str = "10:00"
    meeting: int | None = None
    days_before: int = 0
    business_days_ago: int = 0
    steps: tuple[tuple[str, int, str, str], ...] = ()
    proposed: DemoPlan | None = None
    board_plan: DemoPlan | None = None
    joined: bool = True
    follow_up: DemoFollowUp | None = None

    def __post_init__(self) -> None:
        status = "requested"
        for action, *_ in self.steps:
            sources, status_after = _REQUEST_STEPS[action]
            if status not in sources:
                raise ValueError(f"Demo second opinion on {self.case}: cannot {action} a {status} request.")
            status = status_after
        past = self.status == "report_sent"
        checks = [
            ((status == "scheduled") if past else (status == self.status), "its steps lead to its status"),
            (past == (self.board_plan is not None), "a request with a report, and only one, has a board plan"),
            (not past or (self.proposed is not None), "a discussed case has the requester's proposed plan"),
            (not past or (self.meeting or 0) < 0 < self.days_before, "a reported request was discussed in the past"),
            (past or ((self.meeting or 0) >= 0 and self.business_days_ago > 0), "an open request is recent"),
            (self.follow_up is None or past, "only a recommendation is followed up"),
        ]
        for ok, what in checks:
            if not ok:
                raise ValueError(f"Demo second opinion on {self.case}: {what}.")


def demo_case_id(slug: str) -> uuid.UUID:
    """The stable public id of a demo case: reruns find the case again by it."""
    return uuid.uuid5(CASE_NAMESPACE, slug)


def role_label(demo: DemoUser) -> str:
    if demo.superuser:
        return "Administrator (superuser)"
    if demo.username == COORDINATOR:
        return f"Coordinator of {', '.join(b.name for b in BOARDS)} boards"
    label = Specialty(demo.specialty).label
    if demo.institution != "academic":
        return f"{label}, referring physician"
    chaired = [b.name for b in BOARDS if b.chair == demo.username]
    return f"{label}, chair of {chaired[0]}" if chaired else f"{label}, board member"


def login_lines() -> list[str]:
    """The demo logins, as ``load_demo`` and ``make run`` print them."""
    rows = [(u.username, role_label(u), INSTITUTIONS[u.institution][0]) for u in USERS]
    width_user = max(len(username) for username, _, _ in rows)
    width_role = max(len(role) for _, role, _ in rows)
    lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
    return lines + [f"  {username:<{width_user}}  {role:<{width_role}}  {where}" for username, role, where in rows]
