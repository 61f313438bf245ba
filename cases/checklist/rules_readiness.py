"""Readiness of the case for discussion, and the goals-of-care timing rule (SPEC §5.3).

Severities: what the board cannot discuss without — a pathology report, current imaging, staging, ECOG and
the question — is a warning; what the discussion is better with — recorded preferences and the specialty
pre-reviews — is info (quorum at the meeting covers the specialties themselves).
"""

from __future__ import annotations

from cases.checklist.facts import Facts, Finding, Severity
from cases.codes import DiseaseSite, DocumentKind, TreatmentIntent
from scheduling.quorum import specialties_required_for_case
from specialists.models import Specialty

READINESS_SOURCE = "Tumor board case-preparation standard"
IMAGING_MAX_AGE_DAYS = 56
GOALS_OF_CARE_WEEKS = 12
GOALS_OF_CARE_NEAR_WEEKS = 10
GOALS_OF_CARE_SOURCE = "ASCO palliative care guideline 2017 (Ferrell)"


def _missing(rule: str, severity: str, message: str) -> Finding:
    return Finding(rule, severity, message, READINESS_SOURCE)


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
    if age <= IMAGING_MAX_AGE_DAYS:
        return None
    return _missing(
        "readiness.imaging.stale",
        Severity.WARNING,
        f"Latest imaging is {age} days old (over {IMAGING_MAX_AGE_DAYS} days): consider whether restaging is needed "
        "before the decision.",
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
    if facts.case.ecog is not None:
        return None
    return _missing(
        "readiness.ecog.missing",
        Severity.WARNING,
        "No ECOG performance status recorded: it shapes the intensity of treatment the board can recommend.",
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
    )


def goals_of_care(facts: Facts) -> Finding | None:
    """Advanced disease (metastatic or stage IV), or any cancer treated without curative intent (unresectable
    disease, a hematologic malignancy under disease control), without a goals-of-care discussion."""
    case = facts.case
    not_curable = facts.intent in {TreatmentIntent.PALLIATIVE, TreatmentIntent.DISEASE_CONTROL}
    if not (facts.advanced or not_curable) or case.goals_of_care_discussed:
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


RULES = [
    pathology_report,
    imaging,
    staging,
    ecog,
    question,
    preferences,
    pre_reviews,
    goals_of_care,
]
