"""The demo world of SPEC §8: institutions, people, boards, and ~40 cases (their clinical content lives in
``cases/demo_cases_*.py``). ``cases/demo_loader.py`` loads it; ``manage.py load_demo`` runs the loader."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from cases.codes import DiseaseSite
from specialists.models import InstitutionKind, Specialty

DEMO_PASSWORD = "tumorboard-demo"
CASE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tumorboard.example.org/demo/cases/")
UPCOMING_MEETINGS = 6
PAST_MEETINGS = 2
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

    @property
    def video_url(self) -> str:
        return f"https://video.example.org/rucc-{self.key}-tumor-board"


BOARDS = (
    DemoBoard("breast", "Breast", (DiseaseSite.BREAST,), "FREQ=WEEKLY;BYDAY=TU", datetime.time(7, 0), 60, "medonc"),
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
class DemoCase:
    """One demo case. ``meeting``: 1 = the board's next meeting, 2 = the one after; -1 = the last past one.

    ``stage`` is written as the board would say it: ``"cT2 cN1 cM0 pT2 pN1a / IIB"`` (c = clinical,
    p/yp = pathological; a ``yp`` prefix is kept in the stored value). ``biomarkers`` are tuples
    ``(name, result[, value[, detail]])``; ``pgx`` ``(gene, phenotype, diplotype)``; ``medications`` are
    names (active) or ``(name, "stopped")``.
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
    reason: str = ""  # why information was requested (status info_requested)
    scenario: str = ""  # the checklist scenario this case exercises, if any

    @property
    def public_id(self) -> uuid.UUID:
        return demo_case_id(self.slug)


def demo_case_id(slug: str) -> uuid.UUID:
    """The stable public id of a demo case: reruns find the case again by it."""
    return uuid.uuid5(CASE_NAMESPACE, slug)


def demo_cases() -> list[DemoCase]:
    from cases.demo_cases_breast import CASES as breast
    from cases.demo_cases_community import CASES as community
    from cases.demo_cases_gi import CASES as gi
    from cases.demo_cases_thoracic import CASES as thoracic

    return [*breast, *thoracic, *gi, *community]
