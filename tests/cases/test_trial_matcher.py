"""The trial matcher (cases/trials.py): each criterion met, not met or unknown, missing data never met."""

from __future__ import annotations

import datetime

import pytest

from cases.models import Biomarker, TreatmentCourse
from cases.trials import MET, NOT_MET, NOTICE, UNKNOWN, prior_lines, trial_matches, trial_screen
from tests.factories import CaseFactory, TrialFactory

TODAY = datetime.date(2026, 12, 7)


def outcomes(trial, case) -> dict[str, str]:
    case.refresh_from_db()
    return {c.name: c.outcome for c in trial_screen(trial, case, today=TODAY).criteria}


@pytest.fixture
def case(db):
    return CaseFactory(stage_group="IIIA", ecog=1, patient__birth_date=datetime.date(1960, 1, 1))


def test_a_trial_that_sets_nothing_screens_nothing_and_the_notice_never_claims_eligibility(case):
    trial = TrialFactory(institution=case.institution, disease_sites=[])
    assert trial_screen(trial, case, today=TODAY).criteria == ()
    assert "may match" in NOTICE.lower() and "decided by the study team" in NOTICE


def test_disease_site_stage_and_age_each_met_and_not_met(case):
    inside = TrialFactory(institution=case.institution, stage_min="III", stage_max="IV", age_min=18, age_max=70)
    assert outcomes(inside, case) == {"disease_site": MET, "stage": MET, "age": MET}
    outside = TrialFactory(
        institution=case.institution, disease_sites=["lung"], stage_min="I", stage_max="II", age_min=70
    )
    assert outcomes(outside, case) == {"disease_site": NOT_MET, "stage": NOT_MET, "age": NOT_MET}
    # the patient is 66 on TODAY: an upper age of 65 is not met, of 66 met
    assert outcomes(TrialFactory(institution=case.institution, disease_sites=[], age_max=65), case) == {"age": NOT_MET}
    assert outcomes(TrialFactory(institution=case.institution, disease_sites=[], age_max=66), case) == {"age": MET}


def test_stage_unknown_without_a_group_and_stage_iv_read_from_metastatic_or_m1(case):
    trial = TrialFactory(institution=case.institution, stage_min="IV", disease_sites=[])
    case.stage_group = ""
    case.clinical_m = "M0"
    case.save()
    assert outcomes(trial, case) == {"stage": UNKNOWN}
    case.clinical_m = "cM1b"
    case.save()
    assert outcomes(trial, case) == {"stage": MET}
    case.clinical_m, case.metastatic = "", True
    case.save()
    screened = trial_screen(trial, case, today=TODAY).criteria[0]
    assert (screened.outcome, "read as stage IV" in screened.detail) == (MET, True)


def test_prior_lines_unknown_without_history_counted_by_regimen_and_limited(case):
    first_line = TrialFactory(institution=case.institution, max_prior_lines=0, disease_sites=[])
    later_line = TrialFactory(institution=case.institution, min_prior_lines=1, max_prior_lines=2, disease_sites=[])
    assert outcomes(first_line, case) == {"prior_lines": UNKNOWN}  # empty history: untreated or not recorded
    TreatmentCourse.objects.create(case=case, kind="surgery", name="Lumpectomy", start=datetime.date(2025, 1, 5))
    assert outcomes(first_line, case) == {"prior_lines": MET}  # a history with no systemic course: 0 lines
    assert outcomes(later_line, case) == {"prior_lines": NOT_MET}
    day = datetime.date(2025, 3, 1)
    for drug in ("carboplatin", "paclitaxel"):  # one regimen entered drug by drug: one line
        TreatmentCourse.objects.create(case=case, kind="systemic", name=drug, start=day)
    case.refresh_from_db()
    assert prior_lines(case) == 1
    assert outcomes(first_line, case) == {"prior_lines": NOT_MET}
    assert outcomes(later_line, case) == {"prior_lines": MET}
    for start in (datetime.date(2025, 9, 1), datetime.date(2026, 2, 1)):
        TreatmentCourse.objects.create(case=case, kind="systemic", name="capecitabine", start=start)
    assert outcomes(later_line, case) == {"prior_lines": NOT_MET}  # 3 lines


def test_biomarkers_required_and_excluding_met_not_met_unknown(case):
    trial = TrialFactory(
        institution=case.institution,
        disease_sites=[],
        required_biomarkers=[{"name": "HER2", "result": "positive"}],
        excluded_biomarkers=[{"name": "BRCA1", "result": "positive"}],
    )
    assert outcomes(trial, case) == {"biomarker.HER2": UNKNOWN, "biomarker.BRCA1": UNKNOWN}  # not tested
    Biomarker.objects.create(case=case, name="HER2", result="equivocal", date=datetime.date(2026, 1, 1))
    Biomarker.objects.create(case=case, name="BRCA1", result="not_detected")
    assert outcomes(trial, case) == {"biomarker.HER2": UNKNOWN, "biomarker.BRCA1": MET}
    Biomarker.objects.create(case=case, name="HER2", result="positive", date=datetime.date(2026, 2, 1))  # the latest
    assert outcomes(trial, case)["biomarker.HER2"] == MET
    Biomarker.objects.create(case=case, name="BRCA1", result="detected")  # detected reads as positive
    Biomarker.objects.create(case=case, name="HER2", result="negative", date=datetime.date(2026, 3, 1))
    assert outcomes(trial, case) == {"biomarker.HER2": NOT_MET, "biomarker.BRCA1": NOT_MET}


def test_performance_status_reads_karnofsky_and_lansky_as_the_checklist_does(case):
    trial = TrialFactory(institution=case.institution, disease_sites=[], ecog_max=1)
    assert outcomes(trial, case) == {"ecog": MET}
    case.ecog, case.karnofsky = None, None
    case.save()
    assert outcomes(trial, case) == {"ecog": UNKNOWN}
    case.karnofsky = 60  # ECOG 2
    case.save()
    criterion = trial_screen(trial, case, today=TODAY).criteria[0]
    assert (criterion.outcome, criterion.detail) == (NOT_MET, "Karnofsky 60 (read as ECOG 2)")
    case.karnofsky, case.lansky = None, 80  # ECOG 1
    case.save()
    assert outcomes(trial, case) == {"ecog": MET}


def test_matches_list_open_trials_of_the_board_s_institution_may_match_first(case, django_assert_num_queries):
    ok = TrialFactory(institution=case.institution, identifier="B-OK")
    unsure = TrialFactory(institution=case.institution, identifier="A-UNSURE", ecog_max=1, max_prior_lines=0)
    TrialFactory(institution=case.institution, status="closed")
    TrialFactory(disease_sites=[])  # another institution's
    failing = TrialFactory(institution=case.institution, identifier="0-FAIL", disease_sites=["lung"])
    case = type(case).objects.with_profile_lists().select_related("patient", "board").get(pk=case.pk)
    with django_assert_num_queries(1):  # the institution's open trials; the profile is already read
        matches = trial_matches(case, today=TODAY)
    assert [(m.trial, m.may_match, m.unknown) for m in matches] == [
        (ok, True, 0),
        (unsure, True, 1),
        (failing, False, 0),
    ]
    assert [c.label for c in matches[-1].not_met] == ["Lung"]
