"""The checklist fails closed (issue 16, part 1): it reads the drugs a component names in its drug list and in its
detail, and a systemic therapy whose drugs it cannot all read gets ``safety.drugs.unrecognised`` instead of silently
skipping the drug safety checks; ambiguous abbreviations are not guessed; "cis" and "VAC" inside other phrases are
not drugs. Each rule with its positive case and its negative twin."""

import pytest

from cases.checklist.facts import build_facts
from tests.cases.checklist_helpers import add_plan, check, component, make_case, pgx, systemic

pytestmark = pytest.mark.django_db
UNRECOGNISED = "safety.drugs.unrecognised"


def test_a_regimen_in_the_detail_runs_its_checks_and_its_twin_without_one_does_not():
    case = make_case()
    add_plan(case, systemic(detail="CAPOX x 8 cycles"))  # no drug listed, no DPYD result
    check(case, "pgx.dpyd.missing", "warning")
    check(case, UNRECOGNISED, None)
    twin = make_case()
    add_plan(twin, systemic("bevacizumab", detail="maintenance"))
    check(twin, "pgx.dpyd.missing", None)


def test_irinotecan_in_the_detail_meets_a_ugt1a1_poor_metabolizer():
    case = make_case()
    pgx(case, "UGT1A1", "poor", "*28/*28")
    add_plan(case, systemic("bevacizumab", detail="FOLFIRI + bevacizumab"))
    check(case, "pgx.ugt1a1.poor", "critical")
    twin = make_case()
    pgx(twin, "UGT1A1", "poor", "*28/*28")
    add_plan(twin, systemic("bevacizumab", detail="FOLFOX + bevacizumab"))
    check(twin, "pgx.ugt1a1.poor", None)


@pytest.mark.parametrize(
    ("drugs", "detail", "said"),
    [
        (("TC",), "", "TC may mean docetaxel + cyclophosphamide (breast) or carboplatin + paclitaxel"),
        (("xyzumab",), "", '"xyzumab" is not a drug name the checklist knows'),
        (("FOLFOX", "xyzumab"), "", '"xyzumab" is not a drug name'),  # one unknown among known ones
        ((), "chemotherapy per protocol", "no drug is named"),
        ((), "VAC", "VAC may mean vincristine + dactinomycin + cyclophosphamide, or a vacuum wound dressing"),
    ],
)
def test_a_systemic_therapy_the_checklist_cannot_read_is_flagged(drugs, detail, said):
    case = make_case()
    add_plan(case, systemic(*drugs, detail=detail))
    finding = check(case, UNRECOGNISED, "warning")
    assert said in finding.message and "generic name" in finding.message
    assert "Goldspiel 2015" in finding.source


@pytest.mark.parametrize(
    "components",
    [
        (systemic("docetaxel", "cyclophosphamide"),),
        (systemic(detail="mFOLFOX6 every 2 weeks"),),
        (component("supportive_care", "wound VAC to the perineal wound"), systemic("capecitabine")),
        (component("surgery", "TC junction resection"),),  # not a systemic therapy: nothing to read
    ],
)
def test_what_it_can_read_is_not_flagged(components):
    case = make_case()
    add_plan(case, *components)
    check(case, UNRECOGNISED, None)


def test_cis_and_vac_inside_other_phrases_name_no_drug():
    case = make_case()
    retinoid = systemic("isotretinoin", detail="13-cis-retinoic acid maintenance")
    add_plan(case, retinoid, component("other", "BCG for CIS"), component("supportive_care", "wound VAC"))
    assert build_facts(case).planned_drugs == {"isotretinoin", "bcg"}  # no cisplatin, no cyclophosphamide
    check(case, UNRECOGNISED, None)
    twin = make_case()
    add_plan(twin, systemic(detail="gem/cis"))
    assert build_facts(twin).planned_drugs == {"gemcitabine", "cisplatin"}
