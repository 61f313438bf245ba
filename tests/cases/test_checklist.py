"""The readiness and safety checklist (SPEC §5.3): the engine, the drug vocabulary and the pharmacogenomic rules.

Each rule is tested firing and not firing; the other families are in test_checklist_treatment.py,
test_checklist_biology.py and test_checklist_readiness.py, the endpoint in test_checklist_api.py.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.checklist import RULES, Finding, build_facts, checklist_prefetch, drugs, evaluate
from cases.models import Case
from cases.quorum import specialties_required_for_case
from tests.cases.checklist_helpers import (
    TODAY,
    add_plan,
    biomarker,
    by_rule,
    check,
    component,
    document,
    findings,
    make_case,
    medication,
    pgx,
    pre_review,
    systemic,
)
from tests.factories import BoardFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------------------------------------------
# Drug vocabulary


@pytest.mark.parametrize(
    "text, expected",
    [
        ("FOLFOX", {"fluorouracil", "leucovorin", "oxaliplatin"}),
        ("mFOLFOX6", {"fluorouracil", "leucovorin", "oxaliplatin"}),
        ("folfiri", {"fluorouracil", "leucovorin", "irinotecan"}),
        ("CAPOX", {"capecitabine", "oxaliplatin"}),
        ("XELOX", {"capecitabine", "oxaliplatin"}),
        ("mFOLFIRINOX", {"fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"}),
        ("FOLFIRINOX", {"fluorouracil", "leucovorin", "irinotecan", "oxaliplatin"}),
        ("AC-T", {"doxorubicin", "cyclophosphamide", "paclitaxel"}),
        ("dd AC - T", {"doxorubicin", "cyclophosphamide", "paclitaxel"}),
        ("ddAC-T", {"doxorubicin", "cyclophosphamide", "paclitaxel"}),
        ("TC", set()),  # ambiguous: docetaxel + cyclophosphamide, or carboplatin + paclitaxel (drugs.AMBIGUOUS)
        ("docetaxel-cyclophosphamide", {"docetaxel", "cyclophosphamide"}),
        ("gem/cis", {"gemcitabine", "cisplatin"}),
        ("13-cis-retinoic acid", {"isotretinoin"}),
        ("BCG for CIS", {"bcg"}),  # carcinoma in situ, not cisplatin
        ("FUDR", {"floxuridine"}),
        ("Trodelvy", {"sacituzumab govitecan"}),
        ("mitoxantrone", {"mitoxantrone"}),
        ("TCHP", {"docetaxel", "carboplatin", "trastuzumab", "pertuzumab"}),
        ("carboplatin-paclitaxel", {"carboplatin", "paclitaxel"}),
        ("Carboplatin AUC 5 + Taxol", {"carboplatin", "paclitaxel"}),
        ("5-FU", {"fluorouracil"}),
        ("5fu bolus", {"fluorouracil"}),
        ("Xeloda", {"capecitabine"}),
        ("ADRIAMYCIN", {"doxorubicin"}),
        ("Herceptin", {"trastuzumab"}),
        ("T-DXd", {"trastuzumab deruxtecan"}),
        ("Enhertu", {"trastuzumab deruxtecan"}),
        ("fam-trastuzumab deruxtecan-nxki", {"trastuzumab deruxtecan"}),
        ("Tagrisso", {"osimertinib"}),
        ("Lynparza", {"olaparib"}),
        ("Keytruda", {"pembrolizumab"}),
        ("Purinethol", {"mercaptopurine"}),
        ("6-MP", {"mercaptopurine"}),
        ("6 mp", {"mercaptopurine"}),
        ("Paroxetine 20 mg daily", {"paroxetine"}),
        ("nab-paclitaxel", {"nab-paclitaxel"}),
        ("Aspirin", set()),
        ("", set()),
    ],
)
def test_drug_names_expand_to_canonical_drugs(text, expected):
    assert drugs.expand(text) == expected


def test_drug_classes_name_only_known_drugs():
    known = set(drugs.SYNONYMS)
    for regimen, members in drugs.REGIMENS.items():
        assert set(members) <= known, regimen
    for group in (drugs.GONADOTOXIC, drugs.CYTOTOXIC, drugs.HER2_DIRECTED, drugs.CHECKPOINT_INHIBITORS):
        assert group <= known


# --------------------------------------------------------------------------------------------------------------
# The engine


def test_finding_rejects_an_unknown_severity():
    with pytest.raises(ValueError):
        Finding("x.y", "urgent", "message", "source")


def test_findings_are_sorted_critical_warning_info_then_by_rule():
    case = make_case(ecog=2, preferences="")
    add_plan(case, systemic("FOLFIRI"))
    pgx(case, "DPYD", "poor")  # critical
    pgx(case, "UGT1A1", "poor", "*28/*28")  # critical
    result = findings(case)
    severities = [f.severity for f in result]
    assert severities == sorted(severities, key=["critical", "warning", "info"].index)
    assert [f.rule for f in result if f.severity == "critical"] == ["pgx.dpyd.reduced", "pgx.ugt1a1.poor"]
    for severity in ("warning", "info"):
        rules = [f.rule for f in result if f.severity == severity]
        assert rules == sorted(rules) and rules, severity


def test_a_ready_uneventful_case_has_no_findings():
    board = BoardFactory()
    case = make_case(
        board=board,
        preferences="Wants to keep working.",
        gfr_ml_min=90,
        gfr_date=TODAY - datetime.timedelta(days=5),
        lvef_percent=62,
        lvef_date=TODAY - datetime.timedelta(days=40),
        financial_navigation="not_needed",
    )
    biomarker(case, "ER", "positive", 95)
    biomarker(case, "PR", "positive", 60)
    biomarker(case, "HER2", "negative")
    biomarker(case, "ONCOTYPE_RS", "low", 12)
    add_plan(case, component("surgery", "lumpectomy"), component("radiation_therapy", "whole breast"))
    add_plan(case, systemic("letrozole"), kind="board")
    document(case, "pathology", TODAY - datetime.timedelta(days=20))
    document(case, "imaging", TODAY - datetime.timedelta(days=10))
    for specialty in board.required_specialties:
        pre_review(case, specialty)
    assert findings(case) == []


def test_every_rule_is_a_plain_function_returning_findings():
    case = make_case(ecog=None, question="", gfr_ml_min=None)
    add_plan(case, systemic("FOLFIRINOX"), systemic("carboplatin"))
    loaded = checklist_prefetch(Case.objects.filter(pk=case.pk)).get()
    facts = build_facts(loaded, TODAY)
    for rule in RULES:
        result = rule(facts)
        assert result is None or isinstance(result, Finding | list), rule
        for finding in [result] if isinstance(result, Finding) else result or []:
            assert finding.severity in {"info", "warning", "critical"}
            assert finding.rule and finding.message and finding.source


def _rich_case(n: int) -> Case:
    """A case with ``n`` rows of every kind the rules read."""
    board = BoardFactory()
    case = make_case(board=board, metastatic=True, metastasis_count=3, gfr_ml_min=None)
    names = ["ER", "PR", "HER2", "BRCA1", "EGFR"]
    for i in range(n):
        biomarker(case, names[i % len(names)], "positive", detail=f"row {i}")
        medication(case, ["paroxetine", "tamoxifen", "aspirin"][i % 3])
        document(case, ["pathology", "imaging"][i % 2], TODAY - datetime.timedelta(days=i))
        pre_review(case, board.required_specialties[i % len(board.required_specialties)])
        case.variants.create(gene=["BRCA2", "TP53", "ATM"][i % 3], origin="germline", interpretation="pathogenic")
        add_plan(
            case,
            systemic("FOLFOX", "carboplatin"),
            component("radiation_therapy", "pelvic"),
            kind=["proposed", "board"][i % 2],
            version=i // 2 + 1,
        )
    for gene in ["DPYD", "UGT1A1", "CYP2D6", "TPMT", "NUDT15"][: min(n, 5)]:
        pgx(case, gene, "intermediate")
    return case


def _queries(case: Case, *, prefetched: bool) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as ctx:
        if prefetched:
            loaded = checklist_prefetch(Case.objects.filter(pk=case.pk)).get()
        else:
            loaded = Case.objects.get(pk=case.pk)
        result = evaluate(loaded, today=TODAY)
    return len(ctx), result


@pytest.mark.parametrize("prefetched", [True, False], ids=["checklist_prefetch", "bare-case"])
def test_evaluation_costs_a_fixed_number_of_queries(prefetched):
    small, small_findings = _queries(_rich_case(1), prefetched=prefetched)
    big, big_findings = _queries(_rich_case(20), prefetched=prefetched)
    assert small == big, (small, big)
    # the case with select_related patient and board, then biomarkers, genomic variants (one more query since the
    # germline-variant rule reads them), pharmacogenomics, medications, documents, specialty reviews, pre-review
    # comments (with their authors), plans and their components
    assert big == (10 if prefetched else 12)
    assert len(big_findings) > len(small_findings) > 0


def test_evaluate_on_a_prefetched_case_runs_no_query():
    case = _rich_case(5)
    loaded = checklist_prefetch(Case.objects.filter(pk=case.pk)).get()
    specialties_required_for_case(loaded)  # what the readiness rule calls reads only prefetched rows
    with CaptureQueriesContext(connection) as ctx:
        evaluate(loaded, today=TODAY)
    assert len(ctx) == 0, [q["sql"] for q in ctx.captured_queries]


def test_messages_carry_no_patient_identifiers():
    case = _rich_case(5)
    patient = case.patient
    for finding in findings(case):
        assert patient.name not in finding.message
        assert patient.mrn not in finding.message


def test_the_latest_plan_is_read_board_plan_first():
    case = make_case()
    add_plan(case, systemic("FOLFOX"), version=1)
    check(case, "pgx.dpyd.missing", "warning")
    add_plan(case, systemic("carboplatin-paclitaxel", target_auc=5), version=2)
    check(case, "pgx.dpyd.missing", None)  # the latest proposed plan has no fluoropyrimidine
    add_plan(case, systemic("CAPOX"), kind="board", version=1)
    check(case, "pgx.dpyd.missing", "warning")  # the board plan wins over any proposed plan
    add_plan(case, component("surgery"), kind="board", version=2)
    check(case, "pgx.dpyd.missing", None)


# --------------------------------------------------------------------------------------------------------------
# Pharmacogenomics


def _plan(*names, **kwargs):
    return lambda case: add_plan(case, systemic(*names, **kwargs))


def _with(*steps):
    def setup(case):
        for step in steps:
            step(case)

    return setup


def _pgx(gene, phenotype, diplotype=""):
    return lambda case: pgx(case, gene, phenotype, diplotype)


def _med(name, status="active"):
    return lambda case: medication(case, name, status)


PHARMACOGENOMICS = [
    # DPYD
    ("folfox-no-dpyd", _plan("FOLFOX"), "pgx.dpyd.missing", "warning"),
    ("capecitabine-no-dpyd", _plan("Xeloda"), "pgx.dpyd.missing", "warning"),
    ("5fu-dpyd-indeterminate", _with(_plan("5-FU"), _pgx("DPYD", "indeterminate")), "pgx.dpyd.missing", "warning"),
    ("folfiri-dpyd-normal", _with(_plan("FOLFIRI"), _pgx("DPYD", "normal")), "pgx.dpyd.missing", None),
    ("no-fluoropyrimidine", _plan("carboplatin-paclitaxel"), "pgx.dpyd.missing", None),
    ("no-plan", _pgx("UGT1A1", "normal"), "pgx.dpyd.missing", None),
    ("capox-dpyd-intermediate", _with(_plan("CAPOX"), _pgx("DPYD", "intermediate")), "pgx.dpyd.reduced", "critical"),
    ("folfirinox-dpyd-poor", _with(_plan("mFOLFIRINOX"), _pgx("DPYD", "poor")), "pgx.dpyd.reduced", "critical"),
    ("fluorouracil-dpyd-normal", _with(_plan("fluorouracil"), _pgx("DPYD", "normal")), "pgx.dpyd.reduced", None),
    (
        "dpyd-poor-no-fluoropyrimidine",
        _with(_plan("docetaxel", "cyclophosphamide"), _pgx("DPYD", "poor")),
        "pgx.dpyd.reduced",
        None,
    ),
    # UGT1A1
    ("irinotecan-ugt1a1-poor", _with(_plan("FOLFIRI"), _pgx("UGT1A1", "poor")), "pgx.ugt1a1.poor", "critical"),
    (
        "irinotecan-28-28-by-diplotype",
        _with(_plan("Camptosar"), _pgx("UGT1A1", "indeterminate", "*28/*28")),
        "pgx.ugt1a1.poor",
        "critical",
    ),
    (
        "irinotecan-ugt1a1-heterozygous",
        _with(_plan("irinotecan"), _pgx("UGT1A1", "intermediate", "*1/*28")),
        "pgx.ugt1a1.poor",
        None,
    ),
    ("ugt1a1-poor-no-irinotecan", _with(_plan("FOLFOX"), _pgx("UGT1A1", "poor", "*28/*28")), "pgx.ugt1a1.poor", None),
    ("irinotecan-no-ugt1a1", _plan("FOLFIRINOX"), "pgx.ugt1a1.missing", "info"),
    (
        "irinotecan-28-28-not-missing",
        _with(_plan("FOLFIRI"), _pgx("UGT1A1", "indeterminate", "*28/*28")),
        "pgx.ugt1a1.missing",
        None,
    ),
    ("irinotecan-ugt1a1-normal", _with(_plan("FOLFIRI"), _pgx("UGT1A1", "normal")), "pgx.ugt1a1.missing", None),
    # CYP2D6
    ("tamoxifen-paroxetine", _with(_plan("tamoxifen"), _med("Paroxetine")), "pgx.cyp2d6.strong_inhibitor", "critical"),
    ("current-tamoxifen-prozac", _with(_med("Nolvadex"), _med("Prozac")), "pgx.cyp2d6.strong_inhibitor", "critical"),
    ("tamoxifen-bupropion", _with(_plan("tamoxifen"), _med("bupropion")), "pgx.cyp2d6.strong_inhibitor", "critical"),
    (
        "tamoxifen-paroxetine-stopped",
        _with(_plan("tamoxifen"), _med("paroxetine", "stopped")),
        "pgx.cyp2d6.strong_inhibitor",
        None,
    ),
    ("tamoxifen-venlafaxine", _with(_plan("tamoxifen"), _med("venlafaxine")), "pgx.cyp2d6.strong_inhibitor", None),
    ("letrozole-paroxetine", _with(_plan("letrozole"), _med("paroxetine")), "pgx.cyp2d6.strong_inhibitor", None),
    ("tamoxifen-duloxetine", _with(_plan("tamoxifen"), _med("Cymbalta")), "pgx.cyp2d6.moderate_inhibitor", "warning"),
    ("tamoxifen-no-inhibitor", _with(_plan("tamoxifen"), _med("aspirin")), "pgx.cyp2d6.moderate_inhibitor", None),
    ("tamoxifen-cyp2d6-poor", _with(_plan("tamoxifen"), _pgx("CYP2D6", "poor", "*4/*4")), "pgx.cyp2d6.poor", "warning"),
    ("tamoxifen-cyp2d6-normal", _with(_plan("tamoxifen"), _pgx("CYP2D6", "normal")), "pgx.cyp2d6.poor", None),
    ("cyp2d6-poor-anastrozole", _with(_plan("anastrozole"), _pgx("CYP2D6", "poor")), "pgx.cyp2d6.poor", None),
    (
        "tamoxifen-cyp2d6-intermediate",
        _with(_plan("tamoxifen"), _pgx("CYP2D6", "intermediate")),
        "pgx.cyp2d6.intermediate",
        "info",
    ),
    # TPMT / NUDT15
    ("mercaptopurine-no-genotype", _plan("mercaptopurine"), "pgx.tpmt_nudt15.missing", "warning"),
    ("6mp-tpmt-only", _with(_plan("6-MP"), _pgx("TPMT", "normal")), "pgx.tpmt_nudt15.missing", "warning"),
    (
        "mercaptopurine-both-normal",
        _with(_plan("Purinethol"), _pgx("TPMT", "normal"), _pgx("NUDT15", "normal")),
        "pgx.tpmt_nudt15.missing",
        None,
    ),
    ("no-thiopurine", _plan("FOLFOX"), "pgx.tpmt_nudt15.missing", None),
    (
        "mercaptopurine-nudt15-intermediate",
        _with(_plan("Purinethol"), _pgx("TPMT", "normal"), _pgx("NUDT15", "intermediate")),
        "pgx.tpmt_nudt15.deficient",
        "critical",
    ),
    (
        "thioguanine-tpmt-poor",
        _with(_plan("thioguanine"), _pgx("TPMT", "poor")),
        "pgx.tpmt_nudt15.deficient",
        "critical",
    ),
    ("tpmt-poor-no-thiopurine", _with(_plan("AC"), _pgx("TPMT", "poor")), "pgx.tpmt_nudt15.deficient", None),
    (
        "mercaptopurine-normal",
        _with(_plan("mercaptopurine"), _pgx("TPMT", "normal"), _pgx("NUDT15", "normal")),
        "pgx.tpmt_nudt15.deficient",
        None,
    ),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in PHARMACOGENOMICS])
def test_pharmacogenomic_rules(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


def test_dpyd_messages_name_the_drugs_and_the_advice():
    case = make_case()
    add_plan(case, systemic("CAPOX"))
    assert "capecitabine" in check(case, "pgx.dpyd.missing", "warning").message
    pgx(case, "DPYD", "intermediate", "c.1129-5923C>G/*1")
    message = check(case, "pgx.dpyd.reduced", "critical").message
    assert "capecitabine" in message and "50%" in message and "c.1129-5923C>G/*1" in message
    assert "pgx.dpyd.missing" not in by_rule(case)


def test_cyp2d6_message_prompts_avoiding_and_names_venlafaxine():
    case = make_case()
    add_plan(case, systemic("tamoxifen"))
    medication(case, "Paxil")
    message = check(case, "pgx.cyp2d6.strong_inhibitor", "critical").message
    assert "paroxetine" in message and "avoid" in message and "venlafaxine" in message


def test_thiopurine_missing_lists_the_missing_genes():
    case = make_case()
    add_plan(case, systemic("6-MP"))
    assert "TPMT and NUDT15" in check(case, "pgx.tpmt_nudt15.missing", "warning").message
    pgx(case, "TPMT", "normal")
    message = check(case, "pgx.tpmt_nudt15.missing", "warning").message
    assert "NUDT15" in message and "TPMT" not in message
