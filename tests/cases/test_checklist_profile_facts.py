"""Checklist rules reading the profile facts the FHIR/mCODE import brought (issue 19 item 6): a germline
pathogenic or likely pathogenic variant in a cancer-susceptibility gene prompts a genetics referral as BRCA does (a
variant of uncertain significance does not), and a Karnofsky or Lansky score stands in for a missing ECOG."""

import pytest

from cases.checklist.facts import KARNOFSKY_AS_ECOG, LANSKY_AS_ECOG
from tests.cases.checklist_helpers import add_plan, biomarker, by_rule, check, component, make_case, systemic, update

pytestmark = pytest.mark.django_db

GERMLINE = "genetics.germline_variant"


def _variant(**fields):
    return lambda case: case.variants.create(**fields)


@pytest.mark.parametrize(
    ("setup", "severity"),
    [
        (_variant(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation="pathogenic"), "info"),
        (_variant(gene="palb2", hgvs="c.3113G>A", origin="germline", interpretation="likely_pathogenic"), "info"),
        (_variant(gene="MLH1", description="exon 4-6 deletion", origin="germline", interpretation="pathogenic"),
         "info"),
        (_variant(gene="BRCA2", hgvs="c.7522G>A", origin="germline", interpretation="uncertain"), None),  # a VUS
        (_variant(gene="BRCA1", hgvs="c.4837A>G", origin="germline", interpretation="benign"), None),
        (_variant(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation=""), None),  # no interpretation
        (_variant(gene="BRCA2", hgvs="c.5946del", origin="somatic", interpretation="pathogenic"), None),
        (_variant(gene="BRCA2", hgvs="c.5946del", origin="unknown", interpretation="pathogenic"), None),
        (_variant(gene="EGFR", hgvs="p.Leu858Arg", origin="germline", interpretation="pathogenic"), None),  # no CPG
    ],
    ids=["brca2-p", "palb2-lp", "mlh1-deletion", "vus", "benign", "uninterpreted", "somatic", "origin-unknown",
         "not-a-susceptibility-gene"],
)  # fmt: skip
def test_a_germline_pathogenic_variant_in_a_susceptibility_gene_prompts_genetics(setup, severity):
    case = make_case()
    setup(case)
    finding = check(case, GERMLINE, severity)
    if finding:
        assert "consider a genetics referral" in finding.message and "cascade testing" in finding.message
        assert "Miller 2023" in finding.source


def test_the_prompt_names_each_variant_and_its_interpretation_and_genetic_counseling_in_the_plan_silences_it():
    case = make_case()
    case.variants.create(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation="pathogenic")
    case.variants.create(gene="CHEK2", hgvs="c.1100del", origin="germline", interpretation="likely_pathogenic")
    case.variants.create(gene="ATM", hgvs="c.1010G>A", origin="germline", interpretation="uncertain")
    finding = check(case, GERMLINE, "info")
    assert finding.message.startswith(
        "Germline BRCA2 c.5946del (pathogenic); CHEK2 c.1100del (likely pathogenic) and no genetic counseling"
    )
    assert "ATM" not in finding.message  # the VUS is not named as pathogenic
    add_plan(case, component("genetic_counseling"), systemic("olaparib"))
    check(case, GERMLINE, None)


def test_brca_on_the_biomarkers_and_as_a_variant_prompts_genetics_once():
    case = make_case()
    biomarker(case, "BRCA2", "positive")
    case.variants.create(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation="pathogenic")
    rules = by_rule(case)
    assert "match.brca.genetics" in rules and GERMLINE not in rules
    case.variants.create(gene="TP53", hgvs="c.743G>A", origin="germline", interpretation="pathogenic")
    assert "TP53 c.743G>A" in check(case, GERMLINE, "info").message  # another gene still prompts


@pytest.mark.parametrize(
    ("fields", "rule", "severity", "words"),
    [
        ({"ecog": None, "karnofsky": 70}, "ps.ecog2", "info", "Karnofsky 70 (read as ECOG 2)"),
        ({"ecog": None, "karnofsky": 80}, "ps.ecog2", None, None),
        ({"ecog": None, "lansky": 50}, "ps.ecog2", "info", "Lansky 50 (read as ECOG 2)"),
        ({"ecog": None, "lansky": 70}, "ps.ecog2", None, None),
        ({"ecog": 0, "karnofsky": 60}, "ps.ecog2", None, None),  # a recorded ECOG wins
        ({"ecog": None, "karnofsky": 90, "lansky": 60}, "ps.ecog2", "info", "Lansky 60"),  # the worse of the two
        ({"ecog": None, "karnofsky": 40}, "ps.ecog_palliative_systemic", "warning", "Karnofsky 40 (read as ECOG 3)"),
        ({"ecog": None, "karnofsky": 0}, "readiness.ecog.missing", "warning", "No performance status recorded"),
        ({"ecog": None, "karnofsky": 100}, "readiness.ecog.missing", None, None),
        ({"ecog": None, "lansky": 90}, "readiness.ecog.missing", None, None),
    ],
)
def test_karnofsky_or_lansky_stands_in_for_a_missing_ecog(fields, rule, severity, words):
    case = make_case()
    update(case, **fields)
    add_plan(case, systemic("carboplatin", "paclitaxel", target_auc=5), intent="palliative")
    finding = check(case, rule, severity)
    if finding:
        assert words in finding.message
        assert "Ma 2010" in finding.source


def test_karnofsky_70_with_one_to_five_metastases_is_outside_sabr_comet():
    case = make_case()
    update(case, ecog=None, karnofsky=90, metastatic=True, metastasis_count=2)
    check(case, "metastatic.oligometastatic", "info")
    update(case, karnofsky=70)
    check(case, "metastatic.oligometastatic", None)


def test_the_conversion_tables_cover_every_score_but_zero():
    for table in (KARNOFSKY_AS_ECOG, LANSKY_AS_ECOG):
        assert sorted(table) == list(range(10, 101, 10))
        assert table[100] == 0 and table[10] == 4
        assert all(table[a] <= table[b] for a, b in zip(range(100, 10, -10), range(90, 0, -10), strict=True))
