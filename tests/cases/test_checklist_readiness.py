"""Readiness checklist rules (pathology, imaging, staging, ECOG, question, preferences, pre-reviews) and the
goals-of-care timing rule."""

import datetime

import pytest

from cases.services.reviews import review_record
from tests.cases.checklist_helpers import (
    TODAY,
    biomarker,
    check,
    document,
    make_case,
    pre_review,
    update,
)
from tests.factories import BoardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def _doc(kind, days_ago):
    return lambda case: document(case, kind, _days_ago(days_ago))


def _set(**fields):
    return lambda case: update(case, **fields)


def _with(*steps):
    def setup(case):
        for step in steps:
            step(case)

    return setup


READINESS = [
    ("no-pathology", _doc("imaging", 3), "readiness.pathology.missing", "warning"),
    ("pathology-present", _doc("pathology", 300), "readiness.pathology.missing", None),
    ("no-imaging", _doc("pathology", 3), "readiness.imaging.missing", "warning"),
    ("imaging-present", _doc("imaging", 10), "readiness.imaging.missing", None),
    ("imaging-70-days", _doc("imaging", 70), "readiness.imaging.stale", "warning"),
    ("imaging-56-days", _doc("imaging", 56), "readiness.imaging.stale", None),
    ("imaging-57-days", _doc("imaging", 57), "readiness.imaging.stale", "warning"),
    ("old-and-recent-imaging", _with(_doc("imaging", 200), _doc("imaging", 5)), "readiness.imaging.stale", None),
    ("no-imaging-not-stale", _doc("pathology", 1), "readiness.imaging.stale", None),
    (
        "no-stage",
        _set(clinical_t="", clinical_n="", clinical_m="", stage_group=""),
        "readiness.staging.missing",
        "warning",
    ),
    (
        "stage-group-only",
        _set(clinical_t="", clinical_n="", clinical_m="", stage_group="IIB"),
        "readiness.staging.missing",
        None,
    ),
    (
        "pathological-t-only",
        _set(clinical_t="", clinical_n="", clinical_m="", stage_group="", pathological_t="pT1c"),
        "readiness.staging.missing",
        None,
    ),
    ("tnm", _set(), "readiness.staging.missing", None),
    (
        "leukemia-unstaged",
        _set(primary_site="leukemia", clinical_t="", clinical_n="", clinical_m="", stage_group=""),
        "readiness.staging.missing",
        None,
    ),
    ("no-ecog", _set(ecog=None), "readiness.ecog.missing", "warning"),
    ("ecog-0", _set(ecog=0), "readiness.ecog.missing", None),
    ("no-question", _set(question="  "), "readiness.question.missing", "warning"),
    ("question", _set(question="Surgery first?"), "readiness.question.missing", None),
    ("no-preferences", _set(preferences=""), "readiness.preferences.missing", "info"),
    ("preferences", _set(preferences="Prefers oral therapy."), "readiness.preferences.missing", None),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in READINESS])
def test_readiness_rules(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


def test_stale_imaging_message_gives_its_age():
    case = make_case()
    document(case, "imaging", _days_ago(70))
    assert "70 days old" in check(case, "readiness.imaging.stale", "warning").message


def test_pre_reviews_missing_lists_the_required_specialties_not_yet_reviewed():
    board = BoardFactory(required_specialties=["medical_oncology", "surgical_oncology", "radiation_oncology"])
    case = make_case(board=board)
    message = check(case, "readiness.prereview.missing", "info").message
    assert "Medical oncology, Surgical oncology, Radiation oncology" in message

    pre_review(case, "medical_oncology")
    pre_review(case, "surgical_oncology", kind="general")  # a general comment is not a pre-review
    message = check(case, "readiness.prereview.missing", "info").message
    assert "Surgical oncology, Radiation oncology" in message and "Medical" not in message

    pre_review(case, "surgical_oncology")
    pre_review(case, "radiation_oncology")
    check(case, "readiness.prereview.missing", None)


@pytest.mark.parametrize(
    "specialty, kind",
    [("pathology", "pathology_reread"), ("radiology", "imaging_reread")],
    ids=["pathology", "imaging"],
)
def test_a_recorded_reread_is_its_specialtys_pre_meeting_review(specialty, kind):
    board = BoardFactory(required_specialties=["medical_oncology", specialty])
    case = make_case(board=board)
    pre_review(case, "medical_oncology")
    label = {"pathology": "Pathology", "radiology": "Radiology"}[specialty]
    assert label in check(case, "readiness.prereview.missing", "info").message
    reviewer = UserFactory(institution=board.institution, specialty=specialty)
    MembershipFactory(user=reviewer, board=board)
    review_record(user=reviewer, case=case, kind=kind, findings="Re-read: the original report stands.")
    check(case, "readiness.prereview.missing", None)


def test_pre_reviews_include_the_specialties_the_case_needs():
    board = BoardFactory(required_specialties=["medical_oncology"])
    case = make_case(board=board, ecog=3)
    pre_review(case, "medical_oncology")
    biomarker(case, "BRCA1", "detected")
    message = check(case, "readiness.prereview.missing", "info").message
    assert "Genetics, Palliative care" in message


def test_pre_reviews_without_a_board_or_case_needs_are_not_required():
    case = make_case(board=None)
    check(case, "readiness.prereview.missing", None)


ADVANCED = {"metastatic": True, "metastasis_count": 8, "goals_of_care_discussed": False}


@pytest.mark.parametrize(
    "fields, weeks, severity, words",
    [
        pytest.param(ADVANCED, 12, "warning", "12 weeks since diagnosis (past the 12-week mark)", id="12-weeks"),
        pytest.param(ADVANCED, 20, "warning", "20 weeks since diagnosis", id="20-weeks"),
        pytest.param(ADVANCED, 10, "warning", "10 weeks since diagnosis (approaching", id="10-weeks"),
        pytest.param(ADVANCED, 9, None, "", id="9-weeks"),
        pytest.param({**ADVANCED, "goals_of_care_discussed": True}, 20, None, "", id="discussed"),
        pytest.param({"metastatic": False, "stage_group": "IVB"}, 13, "warning", "13 weeks", id="stage-iv"),
        pytest.param({"metastatic": False, "stage_group": "IIIA"}, 20, None, "", id="not-advanced"),
        # unresectable stage IIIC treated without curative intent: incurable, so counted
        pytest.param(
            {"metastatic": False, "stage_group": "IIIC", "treatment_intent": "palliative"},
            14,
            "warning",
            "Advanced or incurable disease, 14 weeks",
            id="stage-iiic-palliative",
        ),
        pytest.param(
            {"metastatic": False, "stage_group": "IIIC", "treatment_intent": "curative"},
            14,
            None,
            "",
            id="iiic-curative",
        ),
        pytest.param(
            {"metastatic": False, "primary_site": "lymphoma", "stage_group": "", "treatment_intent": "disease_control"},
            16,
            "warning",
            "16 weeks",
            id="lymphoma-disease-control",
        ),
        pytest.param({**ADVANCED, "diagnosis_date": None}, None, "info", "no diagnosis date", id="no-date"),
    ],
)
def test_goals_of_care(fields, weeks, severity, words):
    if weeks is not None:
        fields = {**fields, "diagnosis_date": TODAY - datetime.timedelta(weeks=weeks, days=3)}
    case = make_case(**fields)
    finding = check(case, "goals_of_care.not_discussed", severity)
    if finding:
        assert words in finding.message
        assert "Ferrell 2017" in finding.source
