"""The checklist rules of issue 16's second part, each with its positive case and its negative twin: the projected
cumulative anthracycline dose (doxorubicin-equivalents, prior exposure by drug, the planned course), hepatic
function with irinotecan, taxanes and anthracyclines, sacituzumab govitecan and UGT1A1, the seed facts
(MINDACT, Oncotype DX Colon, Decipher, Z0011, financial navigation, advance care planning) and dated organ
function."""

import datetime

import pytest

from cases.checklist.rules_doses import DOXORUBICIN_EQUIVALENT, prior_anthracycline
from cases.models import Case
from tests.cases.checklist_helpers import (
    TODAY,
    add_plan,
    biomarker,
    born_years_ago,
    check,
    component,
    make_case,
    pgx,
    systemic,
    update,
)

pytestmark = pytest.mark.django_db


def course(drugs: str, dose: float | None = None, cycles: int | None = None, detail: str = "") -> dict:
    return {**systemic(*drugs.split("+"), detail=detail), "dose_mg_m2": dose, "cycles": cycles}


def _plan(*components, intent="curative"):
    return lambda case: add_plan(case, *components, intent=intent)


def _set(**fields):
    return lambda case: update(case, **fields)


def _bm(name, result, value=None):
    return lambda case: biomarker(case, name, result, value)


def _with(*steps):
    def setup(case):
        for step in steps:
            step(case)

    return setup


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


# --------------------------------------------------------------------------------------------------------------
# Anthracyclines: doxorubicin-equivalents, prior exposure and the planned course


@pytest.mark.parametrize(
    "legacy, by_drug, expected",
    [
        (None, [], None),
        (0, [], 0),
        (None, [{"drug": "epirubicin", "cumulative_mg_m2": 460}], 368),
        (None, [{"drug": "daunorubicin", "cumulative_mg_m2": 300}], 180),
        (None, [{"drug": "idarubicin", "cumulative_mg_m2": 60}], 300),
        (None, [{"drug": "mitoxantrone", "cumulative_mg_m2": 40}], 420),
        (100, [{"drug": "doxorubicin", "cumulative_mg_m2": 200}, {"drug": "epirubicin", "cumulative_mg_m2": 100}], 380),
    ],
)
def test_prior_exposure_in_doxorubicin_equivalents(legacy, by_drug, expected):
    case = Case(prior_anthracycline_mg_m2=legacy, prior_anthracyclines=by_drug)
    assert prior_anthracycline(case) == (pytest.approx(expected) if expected is not None else None)


def test_every_prior_drug_the_api_accepts_has_a_factor():
    from cases.codes import PriorAnthracycline

    assert set(PriorAnthracycline.values) <= set(DOXORUBICIN_EQUIVALENT)


ANTHRACYCLINE = [
    # the case: prior 300 plus AC x 4 (240) is 540, past 450
    (
        "prior-300-plus-ac-x4",
        _with(_set(prior_anthracycline_mg_m2=300), _plan(course("AC", 60, 4))),
        "cardio.anthracycline.cumulative",
        "critical",
    ),
    (
        "prior-100-plus-ac-x4",
        _with(_set(prior_anthracycline_mg_m2=100), _plan(course("AC", 60, 4))),
        "cardio.anthracycline.cumulative",
        None,
    ),
    (
        "prior-180-plus-ac-x4-approaching",
        _with(_set(prior_anthracycline_mg_m2=180), _plan(course("AC", 60, 4))),
        "cardio.anthracycline.approaching",
        "warning",
    ),
    (
        "prior-50-plus-ac-x4-not-approaching",
        _with(_set(prior_anthracycline_mg_m2=50), _plan(course("AC", 60, 4))),
        "cardio.anthracycline.approaching",
        None,
    ),
    # 460 of epirubicin is 368 doxorubicin-equivalent: not critical (it used to be read as 460 of doxorubicin)
    (
        "prior-epirubicin-460",
        _with(_set(prior_anthracyclines=[{"drug": "epirubicin", "cumulative_mg_m2": 460}]), _plan(systemic("EC"))),
        "cardio.anthracycline.cumulative",
        None,
    ),
    (
        "prior-doxorubicin-460",
        _with(_set(prior_anthracyclines=[{"drug": "doxorubicin", "cumulative_mg_m2": 460}]), _plan(systemic("EC"))),
        "cardio.anthracycline.cumulative",
        "critical",
    ),
    # epirubicin's course is converted too: 368 + 100 x 4 x 0.8 = 688
    (
        "prior-epirubicin-460-plus-ec-x4",
        _with(
            _set(prior_anthracyclines=[{"drug": "epirubicin", "cumulative_mg_m2": 460}]),
            _plan(course("EC", 100, 4)),
        ),
        "cardio.anthracycline.cumulative",
        "critical",
    ),
    # idarubicin counts five times: 60 of it is 300
    (
        "prior-idarubicin-60-plus-ac-x4",
        _with(_set(prior_anthracyclines=[{"drug": "idarubicin", "cumulative_mg_m2": 60}]), _plan(course("AC", 60, 4))),
        "cardio.anthracycline.cumulative",
        "critical",
    ),
    # mitoxantrone is covered, as a prior drug and as a planned one
    (
        "prior-mitoxantrone-plus-doxorubicin",
        _with(
            _set(prior_anthracyclines=[{"drug": "mitoxantrone", "cumulative_mg_m2": 30}]),
            _plan(course("doxorubicin", 60, 3)),
        ),
        "cardio.anthracycline.cumulative",
        "critical",
    ),
    (
        "planned-mitoxantrone-course",
        _with(_set(prior_anthracycline_mg_m2=0), _plan(course("mitoxantrone", 12, 4))),
        "cardio.anthracycline.cumulative",
        "critical",
    ),
    (
        "planned-mitoxantrone-short",
        _with(_set(prior_anthracycline_mg_m2=0), _plan(course("mitoxantrone", 12, 2))),
        "cardio.anthracycline.cumulative",
        None,
    ),
    # prior exposure is asked for
    ("prior-missing", _plan(systemic("AC")), "cardio.anthracycline.prior_missing", "warning"),
    (
        "prior-none-recorded-0",
        _with(_set(prior_anthracycline_mg_m2=0), _plan(systemic("AC"))),
        "cardio.anthracycline.prior_missing",
        None,
    ),
    ("prior-missing-no-anthracycline", _plan(systemic("paclitaxel")), "cardio.anthracycline.prior_missing", None),
    # a course without dose and cycles is named: a warning when there is prior exposure, else info
    (
        "course-unknown-after-prior",
        _with(_set(prior_anthracycline_mg_m2=200), _plan(systemic("AC"))),
        "cardio.anthracycline.course_unknown",
        "warning",
    ),
    (
        "course-unknown-first",
        _with(_set(prior_anthracycline_mg_m2=0), _plan(systemic("AC"))),
        "cardio.anthracycline.course_unknown",
        "info",
    ),
    (
        "course-known",
        _with(_set(prior_anthracycline_mg_m2=200), _plan(course("AC", 60, 4))),
        "cardio.anthracycline.course_unknown",
        None,
    ),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in ANTHRACYCLINE])
def test_anthracycline_rules(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


def test_the_projection_shows_its_arithmetic():
    case = make_case(prior_anthracyclines=[{"drug": "epirubicin", "cumulative_mg_m2": 250}])
    add_plan(case, course("AC", 60, 4, detail="adjuvant AC"))
    message = check(case, "cardio.anthracycline.approaching", "warning").message
    assert "440 mg/m² doxorubicin-equivalent (prior 200; planned doxorubicin 60 mg/m² x 4 = 240)" in message


def test_a_course_without_dose_is_not_counted_and_said_so():
    case = make_case(prior_anthracycline_mg_m2=430)
    add_plan(case, systemic("AC", detail="adjuvant AC"))
    message = check(case, "cardio.anthracycline.approaching", "warning").message
    assert "not counting the course without dose and cycles" in message
    unknown = check(case, "cardio.anthracycline.course_unknown", "warning").message
    assert "adjuvant AC" in unknown and "dose per cycle" in unknown


# --------------------------------------------------------------------------------------------------------------
# Hepatic function


HEPATIC = [
    (
        "folfiri-bilirubin-3.5",
        _with(_set(bilirubin_mg_dl=3.5), _plan(systemic("FOLFIRI"))),
        "hepatic.irinotecan.bilirubin",
        "critical",
    ),
    (
        "folfiri-bilirubin-1.6",
        _with(_set(bilirubin_mg_dl=1.6), _plan(systemic("FOLFIRI"))),
        "hepatic.irinotecan.bilirubin",
        "warning",
    ),
    (
        "folfiri-bilirubin-0.8",
        _with(_set(bilirubin_mg_dl=0.8), _plan(systemic("FOLFIRI"))),
        "hepatic.irinotecan.bilirubin",
        None,
    ),
    (
        "folfox-bilirubin-3.5",
        _with(_set(bilirubin_mg_dl=3.5), _plan(systemic("FOLFOX"))),
        "hepatic.irinotecan.bilirubin",
        None,
    ),
    (
        "paclitaxel-bilirubin-2",
        _with(_set(bilirubin_mg_dl=2.0), _plan(systemic("paclitaxel"))),
        "hepatic.taxane.bilirubin",
        "warning",
    ),
    (
        "paclitaxel-bilirubin-7",
        _with(_set(bilirubin_mg_dl=7.0), _plan(systemic("Taxol"))),
        "hepatic.taxane.bilirubin",
        "critical",
    ),
    (
        "paclitaxel-bilirubin-1.4",
        _with(_set(bilirubin_mg_dl=1.4), _plan(systemic("paclitaxel"))),
        "hepatic.taxane.bilirubin",
        None,
    ),
    (
        "nab-paclitaxel-pancreas-2",
        _with(_set(bilirubin_mg_dl=2.0, primary_site="pancreas"), _plan(systemic("gemcitabine", "Abraxane"))),
        "hepatic.taxane.bilirubin",
        "critical",
    ),
    (
        "nab-paclitaxel-breast-2",
        _with(_set(bilirubin_mg_dl=2.0), _plan(systemic("nab-paclitaxel"))),
        "hepatic.taxane.bilirubin",
        None,
    ),
    (
        "doxorubicin-bilirubin-2",
        _with(_set(bilirubin_mg_dl=2.0), _plan(systemic("AC"))),
        "hepatic.anthracycline.bilirubin",
        "warning",
    ),
    (
        "doxorubicin-bilirubin-6",
        _with(_set(bilirubin_mg_dl=6.0), _plan(systemic("AC"))),
        "hepatic.anthracycline.bilirubin",
        "critical",
    ),
    (
        "epirubicin-bilirubin-4",
        _with(_set(bilirubin_mg_dl=4.0), _plan(systemic("EC"))),
        "hepatic.anthracycline.bilirubin",
        "warning",
    ),
    (
        "doxorubicin-bilirubin-1",
        _with(_set(bilirubin_mg_dl=1.0), _plan(systemic("AC"))),
        "hepatic.anthracycline.bilirubin",
        None,
    ),
    (
        "no-anthracycline-bilirubin-4",
        _with(_set(bilirubin_mg_dl=4.0), _plan(systemic("CMF"))),
        "hepatic.anthracycline.bilirubin",
        None,
    ),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in HEPATIC])
def test_hepatic_rules(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


def test_the_doxorubicin_band_is_in_the_message():
    case = make_case(bilirubin_mg_dl=4.0)
    add_plan(case, systemic("doxorubicin"))
    assert "reduced by 75%" in check(case, "hepatic.anthracycline.bilirubin", "warning").message


# --------------------------------------------------------------------------------------------------------------
# Sacituzumab govitecan and UGT1A1


@pytest.mark.parametrize(
    "phenotype, diplotype, drug, severity",
    [
        ("poor", "*28/*28", "sacituzumab govitecan", "warning"),
        ("indeterminate", "*28/*28", "Trodelvy", "warning"),
        ("normal", "*1/*1", "sacituzumab govitecan", None),
        ("poor", "*28/*28", "trastuzumab deruxtecan", None),
    ],
)
def test_sacituzumab_and_ugt1a1(phenotype, diplotype, drug, severity):
    case = make_case(metastatic=True, clinical_m="M1", stage_group="IV", treatment_intent="palliative")
    pgx(case, "UGT1A1", phenotype, diplotype)
    add_plan(case, systemic(drug), intent="palliative")
    finding = check(case, "pgx.ugt1a1.sacituzumab", severity)
    if finding:
        assert "Trodelvy" in finding.source and "2025" in finding.source


# --------------------------------------------------------------------------------------------------------------
# Seed facts: MINDACT, Oncotype DX Colon, Decipher, Z0011

COLON_II = {"primary_site": "colorectal", "stage_group": "IIA", "clinical_t": "T3", "clinical_n": "N0"}
PROSTATE_PT = {"primary_site": "prostate", "stage_group": "IIIB", "pathological_t": "T3a", "pathological_n": "N0"}
BREAST_Z0011 = {"clinical_t": "T1c", "clinical_n": "N0", "pathological_t": "T1c", "pathological_n": "N1a"}
BCS_ALND = component("surgery", "Lumpectomy with axillary lymph node dissection")
WBRT = component("radiation_therapy", "Whole-breast radiotherapy 40 Gy / 15")

SEEDS = [
    # MINDACT
    (
        "mammaprint-low-over-50-chemo",
        _with(_bm("MAMMAPRINT", "low"), _plan(systemic("docetaxel", "cyclophosphamide"))),  # the patient is 60
        "breast.mammaprint.low_risk_chemo",
        "warning",
    ),
    (
        "mammaprint-low-over-50-endocrine",
        _with(_bm("MAMMAPRINT", "low"), _plan(systemic("letrozole"))),
        "breast.mammaprint.low_risk_chemo",
        None,
    ),
    (
        "mammaprint-high-chemo",
        _with(_bm("MAMMAPRINT", "high"), _plan(systemic("docetaxel", "cyclophosphamide"))),
        "breast.mammaprint.low_risk_chemo",
        None,
    ),
    # Oncotype DX Colon
    (
        "colon-ii-low-capox",
        _with(_set(**COLON_II), _bm("ONCOTYPE_COLON", "low", 18), _plan(systemic("CAPOX"))),
        "colon.oncotype_colon.low_chemo",
        "info",
    ),
    (
        "colon-ii-low-surveillance",
        _with(_set(**COLON_II), _bm("ONCOTYPE_COLON", "low", 18), _plan(component("active_surveillance"))),
        "colon.oncotype_colon.low_chemo",
        None,
    ),
    (
        "colon-iii-low-capox",
        _with(_set(**{**COLON_II, "stage_group": "IIIB"}), _bm("ONCOTYPE_COLON", "low", 18), _plan(systemic("CAPOX"))),
        "colon.oncotype_colon.low_chemo",
        None,
    ),
    (
        "colon-ii-high-no-chemo",
        _with(_set(**COLON_II), _bm("ONCOTYPE_COLON", "high", 45), _plan(component("active_surveillance"))),
        "colon.oncotype_colon.high_no_chemo",
        "info",
    ),
    (
        "colon-ii-high-capox",
        _with(_set(**COLON_II), _bm("ONCOTYPE_COLON", "high", 45), _plan(systemic("CAPOX"))),
        "colon.oncotype_colon.high_no_chemo",
        None,
    ),
    # Decipher after prostatectomy
    (
        "decipher-high-no-rt",
        _with(
            _set(**PROSTATE_PT),
            _bm("DECIPHER", "high", 0.82),
            _plan(component("active_surveillance", "PSA every 3 months")),
        ),
        "prostate.decipher.high_no_radiotherapy",
        "info",
    ),
    (
        "decipher-high-with-rt",
        _with(
            _set(**PROSTATE_PT),
            _bm("DECIPHER", "high", 0.82),
            _plan(component("radiation_therapy", "Prostate bed 66 Gy")),
        ),
        "prostate.decipher.high_no_radiotherapy",
        None,
    ),
    (
        "decipher-high-before-surgery",
        _with(
            _set(**{**PROSTATE_PT, "pathological_t": ""}),
            _bm("DECIPHER", "high", 0.82),
            _plan(component("active_surveillance")),
        ),
        "prostate.decipher.high_no_radiotherapy",
        None,
    ),
    (
        "decipher-low-adjuvant-rt",
        _with(
            _set(**PROSTATE_PT),
            _bm("DECIPHER", "low", 0.2),
            _plan(component("radiation_therapy", "Adjuvant prostate bed RT")),
        ),
        "prostate.decipher.low_radiotherapy",
        "info",
    ),
    (
        "decipher-low-observation",
        _with(_set(**PROSTATE_PT), _bm("DECIPHER", "low", 0.2), _plan(component("active_surveillance"))),
        "prostate.decipher.low_radiotherapy",
        None,
    ),
    # ACOSOG Z0011
    (
        "z0011-bcs-alnd-wbrt",
        _with(_set(**BREAST_Z0011), _plan(BCS_ALND, WBRT)),
        "breast.z0011.axillary_dissection",
        "warning",
    ),
    (
        "z0011-mastectomy",
        _with(
            _set(**BREAST_Z0011), _plan(component("surgery", "Mastectomy with axillary lymph node dissection"), WBRT)
        ),
        "breast.z0011.axillary_dissection",
        None,
    ),
    (
        "z0011-bcs-no-alnd",
        _with(_set(**BREAST_Z0011), _plan(component("surgery", "Lumpectomy"), WBRT)),
        "breast.z0011.axillary_dissection",
        None,
    ),
    (
        "z0011-after-neoadjuvant",
        _with(_set(**BREAST_Z0011), _plan(systemic("ddAC-T", detail="neoadjuvant ddAC-T"), BCS_ALND, WBRT)),
        "breast.z0011.axillary_dissection",
        None,
    ),
    (
        "z0011-t3",
        _with(_set(**{**BREAST_Z0011, "pathological_t": "T3"}), _plan(BCS_ALND, WBRT)),
        "breast.z0011.axillary_dissection",
        None,
    ),
    (
        "z0011-pn2",
        _with(_set(**{**BREAST_Z0011, "pathological_n": "N2a"}), _plan(BCS_ALND, WBRT)),
        "breast.z0011.axillary_dissection",
        None,
    ),
    # financial navigation: every patient
    ("financial-not-recorded", _plan(systemic("letrozole")), "navigation.financial.not_recorded", "info"),
    (
        "financial-referred",
        _with(_set(financial_navigation="referred"), _plan(systemic("letrozole"))),
        "navigation.financial.not_recorded",
        None,
    ),
    ("financial-declined", _set(financial_navigation="declined"), "navigation.financial.not_recorded", None),
    # advance care planning for advanced or incurable disease
    (
        "acp-metastatic-nothing",
        _set(metastatic=True, clinical_m="M1", stage_group="IV"),
        "acp.documents.missing",
        "warning",
    ),
    (
        "acp-metastatic-proxy-only",
        _set(metastatic=True, clinical_m="M1", stage_group="IV", acp_healthcare_proxy=True),
        "acp.documents.missing",
        "info",
    ),
    (
        "acp-metastatic-all",
        _set(metastatic=True, stage_group="IV", acp_healthcare_proxy=True, acp_advance_directive=True, acp_polst=True),
        "acp.documents.missing",
        None,
    ),
    ("acp-palliative-intent", _plan(systemic("FOLFOX"), intent="palliative"), "acp.documents.missing", "warning"),
    ("acp-early-curative", _plan(systemic("letrozole")), "acp.documents.missing", None),
    # organ function with its date
    (
        "gfr-stale",
        _with(_set(gfr_ml_min=70, gfr_date=days_ago(60)), _plan(systemic("FOLFOX"))),
        "labs.stale",
        "warning",
    ),
    ("gfr-current", _with(_set(gfr_ml_min=70, gfr_date=days_ago(10)), _plan(systemic("FOLFOX"))), "labs.stale", None),
    (
        "gfr-stale-no-systemic",
        _with(_set(gfr_ml_min=70, gfr_date=days_ago(60)), _plan(component("surgery", "lumpectomy"))),
        "labs.stale",
        None,
    ),
    (
        "lvef-stale-anthracycline",
        _with(_set(lvef_percent=60, lvef_date=days_ago(120), prior_anthracycline_mg_m2=0), _plan(systemic("AC"))),
        "labs.stale",
        "warning",
    ),
    (
        "lvef-stale-endocrine",
        _with(_set(lvef_percent=60, lvef_date=days_ago(120)), _plan(systemic("letrozole"))),
        "labs.stale",
        None,
    ),
    ("bilirubin-undated", _with(_set(bilirubin_mg_dl=0.7), _plan(systemic("FOLFIRI"))), "labs.undated", "info"),
    (
        "bilirubin-dated",
        _with(_set(bilirubin_mg_dl=0.7, bilirubin_date=days_ago(3)), _plan(systemic("FOLFIRI"))),
        "labs.undated",
        None,
    ),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in SEEDS])
def test_seed_rules(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


def test_mammaprint_at_50_or_under_prompts_a_discussion_instead():
    case = make_case(patient__birth_date=born_years_ago(44))
    biomarker(case, "MAMMAPRINT", "low")
    add_plan(case, systemic("docetaxel", "cyclophosphamide"))
    finding = check(case, "breast.mammaprint.low_risk_chemo", "info")
    assert "ovarian function suppression" in finding.message and "Andre 2022" in finding.source


def test_a_stale_value_names_its_age_and_the_boards_limit(settings):
    settings.CHECKLIST_LAB_MAX_AGE_DAYS = 14
    case = make_case(gfr_ml_min=70, gfr_date=days_ago(20))
    add_plan(case, systemic("FOLFOX"))
    finding = check(case, "labs.stale", "warning")
    assert "GFR 70 mL/min was measured 20 days ago (the board's limit is 14 days)" in finding.message
    assert "CHECKLIST_LAB_MAX_AGE_DAYS" in finding.source
