"""Checklist rules tied to the planned treatment: carboplatin (Calvert), cisplatin, anthracyclines and LVEF,
fertility, performance status."""

import pytest

from cases.checklist.rules_doses import calvert_dose
from tests.cases.checklist_helpers import (
    add_plan,
    born_years_ago,
    by_rule,
    check,
    component,
    make_case,
    systemic,
    update,
)

pytestmark = pytest.mark.django_db


def _plan(*components, intent="curative"):
    return lambda case: add_plan(case, *components, intent=intent)


def _set(**fields):
    return lambda case: update(case, **fields)


def _with(*steps):
    def setup(case):
        for step in steps:
            step(case)

    return setup


# --------------------------------------------------------------------------------------------------------------
# Carboplatin


@pytest.mark.parametrize(
    "auc, gfr, dose",
    [(5, 60, 425), (6, 125, 900), (2, 0, 50), (4.5, 72.5, 438.75), (1.5, 100, 187.5)],
)
def test_calvert_formula(auc, gfr, dose):
    assert calvert_dose(auc, gfr) == pytest.approx(dose)


def test_calvert_dose_is_shown_with_its_numbers():
    case = make_case(gfr_ml_min=60)
    add_plan(case, systemic("carboplatin", "paclitaxel", target_auc=5))
    finding = check(case, "dose.carboplatin.calvert", "info")
    assert "AUC 5 x (GFR 60 + 25) = 425 mg" in finding.message
    assert "Calvert" in finding.source


def test_calvert_dose_of_a_regimen_containing_carboplatin():
    case = make_case(gfr_ml_min=100, lvef_percent=60)
    add_plan(case, systemic("TCHP", target_auc=6))
    assert "AUC 6 x (GFR 100 + 25) = 750 mg" in check(case, "dose.carboplatin.calvert", "info").message


def test_calvert_dose_with_a_gfr_above_125_shows_the_capped_dose_too():
    case = make_case(gfr_ml_min=140)
    add_plan(case, systemic("Paraplatin", target_auc=6))
    message = check(case, "dose.carboplatin.calvert", "warning").message
    assert "AUC 6 x (GFR 140 + 25) = 990 mg" in message
    assert "AUC 6 x (125 + 25) = 900 mg" in message


def test_calvert_dose_for_each_target_auc():
    case = make_case(gfr_ml_min=72.4)
    add_plan(case, systemic("carboplatin", target_auc=5), systemic("carboplatin", "etoposide", target_auc=2))
    messages = sorted(f.message for f in by_rule(case)["dose.carboplatin.calvert"])
    assert "AUC 2 x (GFR 72.4 + 25) = 195 mg" in messages[0]
    assert "AUC 5 x (GFR 72.4 + 25) = 487 mg" in messages[1]


TREATMENT = [
    # carboplatin
    ("no-carboplatin", _with(_set(gfr_ml_min=60), _plan(systemic("FOLFOX"))), "dose.carboplatin.calvert", None),
    ("no-gfr-no-dose", _plan(systemic("carboplatin", target_auc=5)), "dose.carboplatin.calvert", None),
    (
        "auc-missing",
        _with(_set(gfr_ml_min=60), _plan(systemic("carboplatin"))),
        "dose.carboplatin.auc_missing",
        "warning",
    ),
    (
        "auc-given",
        _with(_set(gfr_ml_min=60), _plan(systemic("carbo", target_auc=5))),
        "dose.carboplatin.auc_missing",
        None,
    ),
    ("auc-no-carboplatin", _plan(systemic("cisplatin")), "dose.carboplatin.auc_missing", None),
    ("gfr-missing", _plan(systemic("carboplatin", target_auc=5)), "dose.carboplatin.gfr_missing", "warning"),
    ("gfr-given", _with(_set(gfr_ml_min=80), _plan(systemic("TCH"))), "dose.carboplatin.gfr_missing", None),
    ("gfr-missing-no-carboplatin", _plan(systemic("AC")), "dose.carboplatin.gfr_missing", None),
    # cisplatin
    ("cisplatin-gfr-45", _with(_set(gfr_ml_min=45), _plan(systemic("GemCis"))), "renal.cisplatin.low_gfr", "warning"),
    ("cisplatin-gfr-75", _with(_set(gfr_ml_min=75), _plan(systemic("cisplatin"))), "renal.cisplatin.low_gfr", None),
    ("carboplatin-gfr-45", _with(_set(gfr_ml_min=45), _plan(systemic("carboplatin"))), "renal.cisplatin.low_gfr", None),
    # anthracyclines: cumulative dose
    (
        "prior-460-ac",
        _with(_set(prior_anthracycline_mg_m2=460), _plan(systemic("AC"))),
        "cardio.anthracycline.cumulative",
        "critical",
    ),
    (
        "prior-450-epirubicin",
        _with(_set(prior_anthracycline_mg_m2=450), _plan(systemic("epirubicin"))),
        "cardio.anthracycline.cumulative",
        "critical",
    ),
    (
        "prior-300-ac",
        _with(_set(prior_anthracycline_mg_m2=300), _plan(systemic("AC"))),
        "cardio.anthracycline.cumulative",
        None,
    ),
    (
        "prior-500-no-anthracycline",
        _with(_set(prior_anthracycline_mg_m2=500), _plan(systemic("paclitaxel"))),
        "cardio.anthracycline.cumulative",
        None,
    ),
    (
        "prior-420-ddact",
        _with(_set(prior_anthracycline_mg_m2=420), _plan(systemic("ddAC-T"))),
        "cardio.anthracycline.approaching",
        "warning",
    ),
    (
        "prior-460-not-approaching",
        _with(_set(prior_anthracycline_mg_m2=460), _plan(systemic("ddAC-T"))),
        "cardio.anthracycline.approaching",
        None,
    ),
    (
        "prior-399-ac",
        _with(_set(prior_anthracycline_mg_m2=399), _plan(systemic("Adriamycin"))),
        "cardio.anthracycline.approaching",
        None,
    ),
    # LVEF
    ("lvef-missing-ac", _plan(systemic("AC")), "cardio.lvef.missing", "warning"),
    ("lvef-missing-herceptin", _plan(systemic("Herceptin")), "cardio.lvef.missing", "warning"),
    ("lvef-missing-tdxd", _plan(systemic("T-DXd")), "cardio.lvef.missing", "warning"),
    ("lvef-given-ac", _with(_set(lvef_percent=60), _plan(systemic("AC"))), "cardio.lvef.missing", None),
    ("lvef-missing-folfox", _plan(systemic("FOLFOX")), "cardio.lvef.missing", None),
    ("lvef-45-trastuzumab", _with(_set(lvef_percent=45), _plan(systemic("trastuzumab"))), "cardio.lvef.low", "warning"),
    ("lvef-55-trastuzumab", _with(_set(lvef_percent=55), _plan(systemic("trastuzumab"))), "cardio.lvef.low", None),
    ("lvef-45-no-cardiotoxic", _with(_set(lvef_percent=45), _plan(systemic("letrozole"))), "cardio.lvef.low", None),
    # performance status
    (
        "ecog3-curative-multimodal",
        _with(_set(ecog=3), _plan(component("surgery"), systemic("FOLFOX"))),
        "ps.ecog_curative_multimodal",
        "warning",
    ),
    (
        "ecog4-curative-surgery-radiation",
        _with(_set(ecog=4), _plan(component("surgery"), component("radiation_therapy"))),
        "ps.ecog_curative_multimodal",
        "warning",
    ),
    (
        "ecog3-palliative",
        _with(_set(ecog=3), _plan(component("surgery"), systemic("FOLFOX"), intent="palliative")),
        "ps.ecog_curative_multimodal",
        None,
    ),
    (
        "ecog3-single-modality",
        _with(_set(ecog=3), _plan(systemic("FOLFOX"), component("supportive_care"))),
        "ps.ecog_curative_multimodal",
        None,
    ),
    (
        "ecog1-curative-multimodal",
        _with(_set(ecog=1), _plan(component("surgery"), systemic("FOLFOX"))),
        "ps.ecog_curative_multimodal",
        None,
    ),
    ("ecog3-no-plan", _set(ecog=3), "ps.ecog_curative_multimodal", None),
    (
        "ecog3-palliative-chemotherapy",
        _with(_set(ecog=3), _plan(systemic("FOLFOX"), intent="palliative")),
        "ps.ecog_palliative_systemic",
        "warning",
    ),
    (
        "ecog4-disease-control-systemic",
        _with(_set(ecog=4), _plan(systemic("osimertinib"), intent="disease_control")),
        "ps.ecog_palliative_systemic",
        "warning",
    ),
    (
        "ecog3-palliative-supportive-only",
        _with(_set(ecog=3), _plan(component("supportive_care"), component("palliative_care"), intent="palliative")),
        "ps.ecog_palliative_systemic",
        None,
    ),
    (
        "ecog2-palliative-chemotherapy",
        _with(_set(ecog=2), _plan(systemic("FOLFOX"), intent="palliative")),
        "ps.ecog_palliative_systemic",
        None,
    ),
    (
        "ecog3-palliative-lymphoma",
        _with(_set(ecog=3, primary_site="lymphoma"), _plan(systemic("R-CHOP"), intent="palliative")),
        "ps.ecog_palliative_systemic",
        None,
    ),
    (
        "docetaxel-bilirubin-high",
        _with(_set(bilirubin_mg_dl=1.8), _plan(systemic("docetaxel", "cyclophosphamide"))),
        "hepatic.docetaxel.bilirubin",
        "critical",
    ),
    (
        "docetaxel-bilirubin-normal",
        _with(_set(bilirubin_mg_dl=0.8), _plan(systemic("docetaxel", "cyclophosphamide"))),
        "hepatic.docetaxel.bilirubin",
        None,
    ),
    (
        "paclitaxel-bilirubin-high",
        _with(_set(bilirubin_mg_dl=1.8), _plan(systemic("paclitaxel"))),
        "hepatic.docetaxel.bilirubin",
        None,
    ),
    (
        "ecog3-curative-surgery",
        _with(_set(ecog=3), _plan(component("surgery"), component("supportive_care"))),
        "ps.ecog_curative_surgery",
        "warning",
    ),
    (
        "ecog1-curative-surgery",
        _with(_set(ecog=1), _plan(component("surgery"))),
        "ps.ecog_curative_surgery",
        None,
    ),
    (
        "ecog3-palliative-surgery",
        _with(_set(ecog=3), _plan(component("surgery"), intent="palliative")),
        "ps.ecog_curative_surgery",
        None,
    ),
    ("ecog2", _set(ecog=2), "ps.ecog2", "info"),
    ("ecog1", _set(ecog=1), "ps.ecog2", None),
    ("ecog3-not-ecog2", _set(ecog=3), "ps.ecog2", None),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in TREATMENT])
def test_treatment_rules(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


def test_anthracycline_message_shows_the_prior_dose():
    case = make_case(prior_anthracycline_mg_m2=480)
    add_plan(case, systemic("EC"))
    message = check(case, "cardio.anthracycline.cumulative", "critical").message
    assert "480 mg/m²" in message and "epirubicin" in message and "450" in message


# --------------------------------------------------------------------------------------------------------------
# Fertility


@pytest.mark.parametrize(
    "age, discussed, components, severity",
    [
        pytest.param(30, False, [systemic("AC")], "warning", id="30-anthracycline"),
        pytest.param(18, False, [systemic("cyclophosphamide")], "warning", id="18-alkylator"),
        pytest.param(45, False, [systemic("carboplatin", target_auc=5)], "warning", id="45-platinum"),
        pytest.param(30, False, [component("radiation_therapy", "Pelvic IMRT 50.4 Gy")], "warning", id="30-pelvic-rt"),
        pytest.param(
            30, False, [component("radiation_therapy", "50.4 Gy to rectum and mesorectum")], "warning", id="rectal-rt"
        ),
        pytest.param(
            35, False, [component("surgery", "Bilateral salpingo-oophorectomy")], "warning", id="oophorectomy"
        ),
        pytest.param(32, False, [systemic("tamoxifen", detail="for 5-10 years")], "warning", id="tamoxifen-years"),
        pytest.param(30, False, [component("surgery", "Right hemicolectomy")], None, id="colectomy"),
        pytest.param(30, True, [systemic("AC")], None, id="discussed"),
        pytest.param(17, False, [systemic("AC")], None, id="17"),
        pytest.param(46, False, [systemic("AC")], None, id="46"),
        pytest.param(30, False, [systemic("letrozole")], None, id="not-gonadotoxic"),
        pytest.param(30, False, [component("radiation_therapy", "whole breast")], None, id="breast-rt"),
        pytest.param(
            30, False, [systemic("AC"), component("fertility_preservation", "oocytes")], None, id="in-the-plan"
        ),
        pytest.param(30, False, [], None, id="no-plan"),
    ],
)
def test_fertility_preservation(age, discussed, components, severity):
    case = make_case(patient__birth_date=born_years_ago(age), fertility_preservation_discussed=discussed)
    if components:
        add_plan(case, *components)
    finding = check(case, "fertility.preservation", severity)
    if finding:
        assert f"({age})" in finding.message
        assert finding.source == "ASCO fertility preservation guideline (Oktay 2018)"
