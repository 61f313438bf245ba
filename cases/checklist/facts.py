"""What every rule reads: a ``Finding`` it may return, and the ``Facts`` built once per case.

The facts come from the case and its prefetched rows only, so evaluating every rule costs the queries of
``checklist_prefetch`` and nothing more. Rules never touch the database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from cases.checklist import drugs
from cases.codes import BiomarkerResult, CommentKind, MedicationStatus, Modality, PlanKind
from cases.models import Biomarker, Case, Comment, Document, GenomicVariant, Pharmacogenomic, Plan, PlanComponent
from cases.staging import stage_category


class Severity:
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"

    CHOICES = (CRITICAL, WARNING, INFO)
    ORDER = {CRITICAL: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Finding:
    """One prompt for the board: a rule id, its severity, a message without patient identifiers, a source."""

    rule: str
    severity: str
    message: str
    source: str

    def __post_init__(self):
        if self.severity not in Severity.CHOICES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity, "message": self.message, "source": self.source}

    @property
    def sort_key(self) -> tuple:
        return (Severity.ORDER[self.severity], self.rule, self.message)


PRE_REVIEWS_ATTR = "checklist_pre_reviews"


def checklist_lookups() -> list:
    """The prefetches the rules need (on top of the case's patient and board)."""
    return [
        "biomarkers",
        "variants",
        "pharmacogenomics",
        "medications",
        "documents",  # whole rows: the cache may serve other readers of the same case (packets)
        "reviews",  # a specialty's recorded review (a re-read) is its pre-meeting review too
        Prefetch(
            "comments",
            queryset=Comment.objects.filter(kind=CommentKind.PRE_REVIEW).select_related("author"),
            to_attr=PRE_REVIEWS_ATTR,
        ),
        Prefetch("plans", queryset=Plan.objects.prefetch_related("components__trial")),  # no query without a trial
    ]


def checklist_prefetch(queryset):
    """``queryset`` of cases with everything ``evaluate`` reads: a fixed number of queries for any case."""
    return queryset.select_related("patient", "board").prefetch_related(*checklist_lookups())


def prefetch_case(case: Case) -> None:
    """Load what is not loaded yet on one case (a no-op for lookups already prefetched)."""
    prefetch_related_objects([case], *checklist_lookups())


# Where no ECOG is recorded, the rules read a Karnofsky or Lansky score as the ECOG grade it corresponds to:
# Karnofsky by the empirical conversion of Ma 2010 (100 → 0, 80-90 → 1, 60-70 → 2, 40-50 → 3, 10-30 → 4), Lansky
# (children under 16) by the performance-status table of the Children's Oncology Group protocols (100-90 → 0,
# 80-70 → 1, 60-50 → 2, 40-30 → 3, 20-10 → 4). A score of 0 (dead) is no performance status.
KARNOFSKY_AS_ECOG = {100: 0, 90: 1, 80: 1, 70: 2, 60: 2, 50: 3, 40: 3, 30: 4, 20: 4, 10: 4}
LANSKY_AS_ECOG = {100: 0, 90: 0, 80: 1, 70: 1, 60: 2, 50: 2, 40: 3, 30: 3, 20: 4, 10: 4}
PERFORMANCE_CONVERSION_SOURCE = (
    "Karnofsky and Lansky read as ECOG where ECOG is missing: Ma 2010 (interconversion of ECOG, KPS and PPS); "
    "Children's Oncology Group performance status table (Lansky 1987)"
)


@dataclass(frozen=True)
class Performance:
    """The performance status the rules read: ECOG as recorded, else as a Karnofsky or Lansky score gives it."""

    ecog: int
    words: str  # "ECOG 2", or "Karnofsky 60 (read as ECOG 2)"


def performance_of(case: Case) -> Performance | None:
    """ECOG as recorded; else the Karnofsky or Lansky score as ECOG (with both, the worse)."""
    if case.ecog is not None:
        return Performance(case.ecog, f"ECOG {case.ecog}")
    scores = [
        Performance(table[score], f"{name} {score} (read as ECOG {table[score]})")
        for name, score, table in (
            ("Karnofsky", case.karnofsky, KARNOFSKY_AS_ECOG),
            ("Lansky", case.lansky, LANSKY_AS_ECOG),
        )
        if score in table
    ]
    return max(scores, key=lambda p: p.ecog, default=None)


def latest_biomarker(biomarkers, name: str) -> Biomarker | None:
    """The most recent result of a biomarker (by date, then entry order); None if never tested."""
    rows = [b for b in biomarkers if b.name == name]
    if not rows:
        return None
    return max(rows, key=lambda b: (b.date or datetime.date.min, b.id))


POSITIVE = frozenset({BiomarkerResult.POSITIVE, BiomarkerResult.DETECTED})
HER2_NEGATIVE = frozenset({BiomarkerResult.NEGATIVE, BiomarkerResult.LOW, BiomarkerResult.NOT_DETECTED})
TREATMENT_MODALITIES = frozenset({Modality.SURGERY, Modality.SYSTEMIC_THERAPY, Modality.RADIATION_THERAPY})


@dataclass(frozen=True)
class ComponentReading:
    """What the checklist reads in one plan component: the drugs its ``drugs`` list and its ``detail`` name, the
    names in ``drugs`` it does not know, and the ambiguous abbreviations it uses (cases/checklist/drugs.py)."""

    component: PlanComponent
    drugs: frozenset[str]
    unknown: tuple[str, ...]
    ambiguous: tuple[str, ...]


def read_component(component: PlanComponent) -> ComponentReading:
    found: set[str] = set()
    unknown: list[str] = []
    ambiguous: list[str] = []
    for name in component.drugs or []:
        named, unclear = drugs.scan(name) if isinstance(name, str) else (frozenset(), ())
        found |= named
        ambiguous += unclear
        if not named and not unclear:
            unknown.append(str(name))
    named, unclear = drugs.scan(component.detail or "")
    return ComponentReading(
        component, frozenset(found | named), tuple(unknown), tuple(dict.fromkeys([*ambiguous, *unclear]))
    )


@dataclass(frozen=True)
class Facts:
    case: Case
    today: datetime.date
    age: int | None
    biomarkers: tuple[Biomarker, ...]
    variants: tuple[GenomicVariant, ...]
    performance: Performance | None
    pharmacogenomics: dict[str, Pharmacogenomic]
    active_medication_drugs: frozenset[str]
    documents: tuple[Document, ...]
    pre_review_specialties: frozenset[str]
    proposed_plan: Plan | None
    board_plan: Plan | None
    components: tuple[PlanComponent, ...] = field(default=())
    # what each component names, in its drugs and in its detail (parallel to components)
    readings: tuple[ComponentReading, ...] = field(default=())
    planned_drugs: frozenset[str] = field(default=frozenset())

    @property
    def plan(self) -> Plan | None:
        """The plan the checklist reads: the latest board plan, else the latest proposed plan."""
        return self.board_plan or self.proposed_plan

    @property
    def intent(self) -> str:
        return self.plan.intent if self.plan else self.case.treatment_intent

    @property
    def modalities(self) -> frozenset[str]:
        return frozenset(c.modality for c in self.components)

    def planned(self, drug_class) -> frozenset[str]:
        return self.planned_drugs & drug_class

    def components_with(self, drug_class) -> list[PlanComponent]:
        return [r.component for r in self.readings if r.drugs & drug_class]

    def latest_biomarker(self, name: str) -> Biomarker | None:
        return latest_biomarker(self.biomarkers, name)

    def tested(self, name: str) -> bool:
        return any(b.name == name for b in self.biomarkers)

    def biomarker_result(self, name: str) -> str | None:
        row = self.latest_biomarker(name)
        return row.result if row else None

    def biomarker_value(self, name: str) -> float | None:
        row = self.latest_biomarker(name)
        return row.value if row else None

    @property
    def metastatic(self) -> bool:
        case = self.case
        m_stages = (case.clinical_m, case.pathological_m)
        return case.metastatic or any(stage_category(m).startswith("M1") for m in m_stages)

    @property
    def advanced(self) -> bool:
        """Advanced disease: metastatic, or stage group IV."""
        return self.metastatic or self.case.stage_group.strip().upper().startswith("IV")


def _latest(plans: list[Plan], kind: str) -> Plan | None:
    of_kind = [p for p in plans if p.kind == kind]
    return max(of_kind, key=lambda p: p.version) if of_kind else None


def build_facts(case: Case, today: datetime.date | None = None) -> Facts:
    """The facts of one case, from its prefetched rows (see ``checklist_prefetch``)."""
    today = today or timezone.localdate()
    plans = list(case.plans.all())
    proposed = _latest(plans, PlanKind.PROPOSED)
    board = _latest(plans, PlanKind.BOARD)
    plan = board or proposed
    components = tuple(plan.components.all()) if plan else ()
    # A drug named under any component, in its drug list or its detail, counts: a safety check is never skipped
    # because a regimen was filed under "clinical_trial" or written out in the detail ("CAPOX x 8").
    readings = tuple(read_component(c) for c in components)
    planned = frozenset().union(*(r.drugs for r in readings))
    medications = drugs.expand_all(m.name for m in case.medications.all() if m.status == MedicationStatus.ACTIVE)
    pre_reviews = getattr(case, PRE_REVIEWS_ATTR, None)
    if pre_reviews is None:  # not prefetched: one query
        pre_reviews = list(case.comments.filter(kind=CommentKind.PRE_REVIEW).select_related("author"))
    specialties = frozenset(
        [c.specialty or c.author.specialty for c in pre_reviews] + [r.specialty for r in case.reviews.all()]
    ) - {""}
    patient = case.patient
    return Facts(
        case=case,
        today=today,
        age=patient.age_on(today) if patient.birth_date else None,
        biomarkers=tuple(case.biomarkers.all()),
        variants=tuple(case.variants.all()),
        performance=performance_of(case),
        pharmacogenomics={p.gene: p for p in case.pharmacogenomics.all()},
        active_medication_drugs=medications,
        documents=tuple(case.documents.all()),
        pre_review_specialties=specialties,
        proposed_plan=proposed,
        board_plan=board,
        components=components,
        readings=readings,
        planned_drugs=planned,
    )
