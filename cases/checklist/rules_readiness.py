"""Readiness of the case for discussion, and the rules about the patient beyond the tumor: goals of care, advance
care planning, financial navigation (SPEC §5.3).

Severities: what the board cannot discuss without — a pathology report, current imaging, staging, ECOG and
the question — is a warning; what the discussion is better with — recorded preferences and the specialty
pre-reviews — is info (quorum at the meeting covers the specialties themselves). How old imaging may be is the
board's policy (``CHECKLIST_IMAGING_MAX_AGE_DAYS``), said in the message.
"""

from __future__ import annotations

from django.conf import settings

from cases.checklist.facts import PERFORMANCE_CONVERSION_SOURCE, Facts, Finding, Severity
from cases.codes import DiseaseSite, DocumentKind, FinancialNavigation, TreatmentIntent
from cases.quorum import specialties_required_for_case
from specialists.models import Specialty

READINESS_SOURCE = (
    "Cancer Care Ontario Multidisciplinary Cancer Conference Standards (Wright 2006): the diagnostic tests of each "
    "case discussed are available"
)
IMAGING_POLICY_SOURCE = f"The board's policy (setting CHECKLIST_IMAGING_MAX_AGE_DAYS); {READINESS_SOURCE}"
ECOG_SOURCE = (
    "ECOG performance status (Oken 1982); Cancer Care Ontario MCC Standards (Wright 2006); "
    f"{PERFORMANCE_CONVERSION_SOURCE}"
)
PREFERENCES_SOURCE = "ASCO patient-clinician communication guideline (Gilligan 2017): goals, values and preferences"
PRE_REVIEW_SOURCE = (
    "The board's quorum policy (its required specialties); Cancer Care Ontario MCC Standards (Wright 2006)"
)
GOALS_OF_CARE_WEEKS = 12
GOALS_OF_CARE_NEAR_WEEKS = 10
GOALS_OF_CARE_SOURCE = (
    "ASCO palliative care guidelines (Ferrell 2017; Sanders 2024); ASCO communication guideline (Gilligan 2017)"
)
ADVANCE_CARE_PLANNING_SOURCE = (
    "ASCO palliative care guideline update (Sanders 2024); ASCO communication guideline (Gilligan 2017); National "
    "POLST (polst.org)"
)
FINANCIAL_SOURCE = (
    "NCCN health-related social needs recommendations (2023): screen financial security; ASCO communication "
    "guideline (Gilligan 2017): refer to a financial counselor or social worker"
)


def _missing(rule: str, severity: str, message: str, source: str = READINESS_SOURCE) -> Finding:
    return Finding(rule, severity, message, source)


def pathology_report(facts: Facts) -> Finding | None:
    if any(d.kind == DocumentKind.PATHOLOGY for d in facts.documents):
        return None
    return _missing(
        "readiness.pathology.missing",
        Severity.WARNING,
        "No pathology report attached: verify the diagnosis is documented before the discussion.",
    )


def imaging(facts: Facts) -> Finding | None:
    dates = [d.date for d in facts.documents if d.kind == DocumentKind.IMAGING]
    if not dates:
        return _missing(
            "readiness.imaging.missing",
            Severity.WARNING,
            "No imaging report attached: verify staging imaging is available for the discussion.",
        )
    age = (facts.today - max(dates)).days
    limit = settings.CHECKLIST_IMAGING_MAX_AGE_DAYS
    if age <= limit:
        return None
    return _missing(
        "readiness.imaging.stale",
        Severity.WARNING,
        f"Latest imaging is {age} days old (the board's limit is {limit} days): consider whether restaging is needed "
        "before the decision.",
        IMAGING_POLICY_SOURCE,
    )


# No TNM for leukemias: a stage group (or none) is all there is.
_UNSTAGED_SITES = frozenset({DiseaseSite.LEUKEMIA})


def staging(facts: Facts) -> Finding | None:
    case = facts.case
    fields = (
        case.clinical_t,
        case.clinical_n,
        case.clinical_m,
        case.pathological_t,
        case.pathological_n,
        case.pathological_m,
        case.stage_group,
    )
    if any(value.strip() for value in fields) or case.primary_site in _UNSTAGED_SITES:
        return None
    return _missing(
        "readiness.staging.missing",
        Severity.WARNING,
        "No stage recorded (clinical or pathological TNM, or stage group): verify staging before the discussion.",
    )


def ecog(facts: Facts) -> Finding | None:
    if facts.performance is not None:
        return None
    return _missing(
        "readiness.ecog.missing",
        Severity.WARNING,
        "No performance status recorded (ECOG, Karnofsky or Lansky): it shapes the intensity of treatment the board "
        "can recommend.",
        ECOG_SOURCE,
    )


def question(facts: Facts) -> Finding | None:
    if facts.case.question.strip():
        return None
    return _missing(
        "readiness.question.missing",
        Severity.WARNING,
        "No question for the board stated: verify what the presenter asks the board to decide.",
    )


def preferences(facts: Facts) -> Finding | None:
    if facts.case.preferences.strip():
        return None
    return _missing(
        "readiness.preferences.missing",
        Severity.INFO,
        "No patient values and preferences recorded: consider recording them for shared decision-making.",
        PREFERENCES_SOURCE,
    )


def pre_reviews(facts: Facts) -> Finding | None:
    missing = specialties_required_for_case(facts.case) - facts.pre_review_specialties
    if not missing:
        return None
    labels = dict(Specialty.choices)
    ordered = [labels[code] for code in Specialty.values if code in missing]
    return _missing(
        "readiness.prereview.missing",
        Severity.INFO,
        f"Pre-meeting review not yet recorded by: {', '.join(ordered)}.",
        PRE_REVIEW_SOURCE,
    )


def _incurable(facts: Facts) -> bool:
    """Advanced disease (metastatic or stage IV), or any cancer treated without curative intent (unresectable
    disease, a hematologic malignancy under disease control)."""
    return facts.advanced or facts.intent in {TreatmentIntent.PALLIATIVE, TreatmentIntent.DISEASE_CONTROL}


def goals_of_care(facts: Facts) -> Finding | None:
    """Advanced or incurable disease without a goals-of-care discussion."""
    case = facts.case
    if not _incurable(facts) or case.goals_of_care_discussed:
        return None
    if case.diagnosis_date is None:
        return Finding(
            "goals_of_care.not_discussed",
            Severity.INFO,
            "Advanced or incurable disease, no goals-of-care discussion recorded and no diagnosis date to time it: "
            f"ASCO recommends one within {GOALS_OF_CARE_WEEKS} weeks of diagnosis; consider palliative care "
            "involvement.",
            GOALS_OF_CARE_SOURCE,
        )
    weeks = (facts.today - case.diagnosis_date).days // 7
    if weeks < GOALS_OF_CARE_NEAR_WEEKS:
        return None
    timing = (
        f"past the {GOALS_OF_CARE_WEEKS}-week mark"
        if weeks >= GOALS_OF_CARE_WEEKS
        else f"approaching the {GOALS_OF_CARE_WEEKS}-week mark"
    )
    return Finding(
        "goals_of_care.not_discussed",
        Severity.WARNING,
        f"Advanced or incurable disease, {weeks} weeks since diagnosis ({timing}) and no goals-of-care discussion "
        "recorded: "
        f"ASCO recommends one within {GOALS_OF_CARE_WEEKS} weeks; consider palliative care involvement.",
        GOALS_OF_CARE_SOURCE,
    )


def advance_care_planning(facts: Facts) -> Finding | None:
    """Advanced or incurable disease: a health-care proxy, an advance directive and, for serious illness, a POLST
    are what make the patient's wishes known when they cannot speak."""
    case = facts.case
    if not _incurable(facts):
        return None
    missing = [
        label
        for recorded, label in (
            (case.acp_healthcare_proxy, "health-care proxy"),
            (case.acp_advance_directive, "advance directive"),
            (case.acp_polst, "POLST/MOLST"),
        )
        if not recorded
    ]
    if not missing:
        return None
    nothing = len(missing) == 3
    return Finding(
        "acp.documents.missing",
        Severity.WARNING if nothing else Severity.INFO,
        f"Advanced or incurable disease and not recorded: {', '.join(missing)}. "
        "Consider advance care planning (naming a proxy, an advance directive, and portable medical orders such as "
        "a POLST for serious illness).",
        ADVANCE_CARE_PLANNING_SOURCE,
    )


def financial_navigation(facts: Facts) -> Finding | None:
    """Every patient: whether a financial navigator or social worker was involved is recorded."""
    if facts.case.financial_navigation != FinancialNavigation.NOT_RECORDED:
        return None
    return Finding(
        "navigation.financial.not_recorded",
        Severity.INFO,
        "No financial navigation recorded: consider screening for financial hardship and connecting the patient "
        "with a financial navigator or social worker (record referred, declined or not needed).",
        FINANCIAL_SOURCE,
    )


RULES = [
    pathology_report,
    imaging,
    staging,
    ecog,
    question,
    preferences,
    pre_reviews,
    goals_of_care,
    advance_care_planning,
    financial_navigation,
]
