"""Tumor-biology checklist rules: genomic assays in early breast cancer (TAILORx), biomarker-matched options,
missing work-up, oligometastatic disease."""

import datetime

import pytest

from tests.cases.checklist_helpers import (
    add_plan,
    biomarker,
    born_years_ago,
    check,
    component,
    findings,
    make_case,
    systemic,
    update,
)

pytestmark = pytest.mark.django_db


def _with(*steps):
    def setup(case):
        for step in steps:
            step(case)

    return setup


def _set(**fields):
    return lambda case: update(case, **fields)


def _bm(name, result, value=None, detail=""):
    return lambda case: biomarker(case, name, result, value, detail)


def _plan(*components):
    return lambda case: add_plan(case, *components)


def _drugs(*names):
    return _plan(systemic(*names))


# ER+/HER2-, and the default case is breast, T2 N0 M0, stage IIA, 60 years old
LUMINAL = _with(_bm("ER", "positive", 90), _bm("PR", "positive", 50), _bm("HER2", "negative"))

BREAST_ASSAY = [
    ("no-assay", LUMINAL, "breast.genomic_assay.missing", "info"),
    (
        "her2-low-counts-as-negative",
        _with(_bm("ER", "positive"), _bm("HER2", "low")),
        "breast.genomic_assay.missing",
        "info",
    ),
    ("oncotype-on-record", _with(LUMINAL, _bm("ONCOTYPE_RS", "low", 14)), "breast.genomic_assay.missing", None),
    ("mammaprint-on-record", _with(LUMINAL, _bm("MAMMAPRINT", "low")), "breast.genomic_assay.missing", None),
    ("node-positive", _with(LUMINAL, _set(clinical_n="N1")), "breast.genomic_assay.missing", None),
    (
        "clinical-n0-pathological-n1",
        _with(LUMINAL, _set(pathological_n="pN1a")),
        "breast.genomic_assay.missing",
        None,
    ),
    ("stage-iii", _with(LUMINAL, _set(stage_group="IIIA")), "breast.genomic_assay.missing", None),
    ("stage-ia", _with(LUMINAL, _set(stage_group="IA")), "breast.genomic_assay.missing", "info"),
    ("metastatic", _with(LUMINAL, _set(metastatic=True)), "breast.genomic_assay.missing", None),
    (
        "her2-positive",
        _with(_bm("ER", "positive"), _bm("HER2", "positive")),
        "breast.genomic_assay.missing",
        None,
    ),
    ("er-negative", _with(_bm("ER", "negative"), _bm("HER2", "negative")), "breast.genomic_assay.missing", None),
    ("not-breast", _with(LUMINAL, _set(primary_site="lung")), "breast.genomic_assay.missing", None),
    # TAILORx
    (
        "rs18-age60-chemo",
        _with(LUMINAL, _bm("ONCOTYPE_RS", "low", 18), _drugs("docetaxel", "cyclophosphamide")),
        "breast.oncotype.low_rs_chemo",
        "warning",
    ),
    (
        "rs25-age60-chemo",
        _with(LUMINAL, _bm("ONCOTYPE_RS", "low", 25), _drugs("docetaxel", "cyclophosphamide")),
        "breast.oncotype.low_rs_chemo",
        "warning",
    ),
    (
        "rs18-age60-endocrine-only",
        _with(LUMINAL, _bm("ONCOTYPE_RS", "low", 18), _drugs("letrozole")),
        "breast.oncotype.low_rs_chemo",
        None,
    ),
    (
        "rs26-age60-chemo",
        _with(LUMINAL, _bm("ONCOTYPE_RS", "high", 26), _drugs("docetaxel", "cyclophosphamide")),
        "breast.oncotype.low_rs_chemo",
        None,
    ),
    ("rs26", _with(LUMINAL, _bm("ONCOTYPE_RS", "high", 26)), "breast.oncotype.high_rs", "info"),
    (
        "rs31-with-chemo",
        _with(LUMINAL, _bm("ONCOTYPE_RS", "high", 31), _drugs("docetaxel", "cyclophosphamide")),
        "breast.oncotype.high_rs",
        "info",
    ),
    ("rs25", _with(LUMINAL, _bm("ONCOTYPE_RS", "low", 25)), "breast.oncotype.high_rs", None),
    (
        "rs31-node-positive",
        _with(LUMINAL, _bm("ONCOTYPE_RS", "high", 31), _set(pathological_n="N1")),
        "breast.oncotype.high_rs",
        None,
    ),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in BREAST_ASSAY])
def test_breast_genomic_assay_rules(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


@pytest.mark.parametrize("age, severity", [(45, None), (50, None), (51, "warning"), (72, "warning")])
def test_tailorx_warning_is_for_patients_over_50(age, severity):
    case = make_case(patient__birth_date=born_years_ago(age))
    LUMINAL(case)
    biomarker(case, "ONCOTYPE_RS", "low", 20)
    add_plan(case, systemic("docetaxel", "cyclophosphamide"))
    check(case, "breast.oncotype.low_rs_chemo", severity)


@pytest.mark.parametrize(
    ("age", "score", "chemo", "rule", "severity"),
    [
        (45, 12, True, "breast.oncotype.low_rs_chemo", "warning"),  # ≤ 15: no benefit at any age
        (45, 12, False, "breast.oncotype.low_rs_chemo", None),
        (45, 15, True, "breast.oncotype.young_intermediate_rs", None),
        (45, 20, True, "breast.oncotype.young_intermediate_rs", "info"),  # 16-25 at 50 or under: some benefit
        (50, 25, False, "breast.oncotype.young_intermediate_rs", "info"),
        (45, 20, True, "breast.oncotype.low_rs_chemo", None),
        (51, 20, True, "breast.oncotype.young_intermediate_rs", None),  # over 50: the low-RS warning instead
        (45, 26, True, "breast.oncotype.young_intermediate_rs", None),
    ],
)
def test_tailorx_for_patients_of_50_or_under(age, score, chemo, rule, severity):
    case = make_case(patient__birth_date=born_years_ago(age))
    LUMINAL(case)
    biomarker(case, "ONCOTYPE_RS", "low" if score <= 25 else "high", score)
    add_plan(case, systemic("docetaxel", "cyclophosphamide") if chemo else systemic("tamoxifen"))
    check(case, rule, severity)


def test_tailorx_message_names_the_score_and_the_chemotherapy():
    case = make_case()
    LUMINAL(case)
    biomarker(case, "ONCOTYPE_RS", "low", 18)
    add_plan(case, systemic("docetaxel", "cyclophosphamide"), component("surgery"))
    finding = check(case, "breast.oncotype.low_rs_chemo", "warning")
    assert "18" in finding.message and "cyclophosphamide, docetaxel" in finding.message
    assert finding.source == "TAILORx (Sparano 2018)"


LUNG = _set(primary_site="lung", histology="Adenocarcinoma")
ADVANCED = _set(stage_group="IV", clinical_m="M1", metastatic=True)
COLORECTAL = _set(primary_site="colorectal", histology="Adenocarcinoma")

MATCHED = [
    ("egfr-no-plan", _with(LUNG, _bm("EGFR", "detected", detail="exon 19 deletion")), "match.egfr", "info"),
    (
        "egfr-chemo-plan",
        _with(LUNG, _bm("EGFR", "positive"), _drugs("carboplatin", "pemetrexed")),
        "match.egfr",
        "info",
    ),
    ("egfr-osimertinib", _with(LUNG, _bm("EGFR", "detected"), _drugs("Tagrisso")), "match.egfr", None),
    ("egfr-not-detected", _with(LUNG, _bm("EGFR", "not_detected")), "match.egfr", None),
    ("egfr-breast", _bm("EGFR", "positive"), "match.egfr", None),
    ("her2-positive", _with(_bm("HER2", "positive"), _drugs("paclitaxel")), "match.her2", "info"),
    (
        "her2-amplified-gastric",
        _with(_set(primary_site="esophagogastric"), _bm("HER2", "positive")),
        "match.her2",
        "info",
    ),
    ("her2-tdxd", _with(_bm("HER2", "positive"), _drugs("Enhertu")), "match.her2", None),
    ("her2-thp", _with(_bm("HER2", "positive"), _drugs("THP")), "match.her2", None),
    ("her2-negative", _bm("HER2", "negative"), "match.her2", None),
    ("her2-equivocal", _bm("HER2", "equivocal"), "match.her2", None),
    ("braf-v600e-lung", _with(LUNG, ADVANCED, _bm("BRAF", "detected", detail="V600E")), "match.braf_v600e", "info"),
    (
        "braf-v600e-crc",
        _with(COLORECTAL, ADVANCED, _bm("BRAF", "positive", detail="p.V600E")),
        "match.braf_v600e",
        "info",
    ),
    # stage III colon: encorafenib + cetuximab is for metastatic disease (BEACON)
    (
        "braf-v600e-crc-stage3",
        _with(COLORECTAL, _set(stage_group="IIIB"), _bm("BRAF", "positive", detail="V600E")),
        "match.braf_v600e",
        None,
    ),
    ("braf-v600e-lung-stage2", _with(LUNG, _bm("BRAF", "detected", detail="V600E")), "match.braf_v600e", None),
    ("braf-v600k", _with(LUNG, _bm("BRAF", "detected", detail="V600K")), "match.braf_v600e", None),
    (
        "braf-dabrafenib-trametinib",
        _with(LUNG, _bm("BRAF", "detected", detail="V600E"), _drugs("Tafinlar", "Mekinist")),
        "match.braf_v600e",
        None,
    ),
    ("braf-v600e-not-detected", _with(LUNG, _bm("BRAF", "not_detected", detail="V600E")), "match.braf_v600e", None),
    (
        "braf-v600k-melanoma",
        _with(_set(primary_site="melanoma", stage_group="IIIB"), _bm("BRAF", "detected", detail="V600K")),
        "match.braf_v600e",
        "info",
    ),
    (
        "braf-v600k-melanoma-stage2",
        _with(_set(primary_site="melanoma", stage_group="IIA"), _bm("BRAF", "detected", detail="V600K")),
        "match.braf_v600e",
        None,
    ),
    # stage IA HR+ breast: olaparib is for high-risk early (OlympiA) or metastatic (OlympiAD) disease
    ("brca2-stage1-breast", _with(_set(stage_group="IA"), _bm("BRCA2", "detected")), "match.brca.parp", None),
    # stage IA1 NSCLC: adjuvant osimertinib is for resected stage IB-IIIA (ADAURA)
    (
        "egfr-stage-ia1",
        _with(LUNG, _set(stage_group="IA1"), _bm("EGFR", "detected", detail="L858R")),
        "match.egfr",
        None,
    ),
    ("braf-v600k-lung", _with(LUNG, _bm("BRAF", "detected", detail="V600K")), "match.braf_v600e", None),
    ("brca1-no-parp", _bm("BRCA1", "detected"), "match.brca.parp", "info"),
    ("brca2-no-parp", _with(_bm("BRCA2", "positive"), _drugs("AC-T")), "match.brca.parp", "info"),
    ("brca2-olaparib", _with(_bm("BRCA2", "detected"), _drugs("Lynparza")), "match.brca.parp", None),
    ("brca-negative", _bm("BRCA1", "not_detected"), "match.brca.parp", None),
    ("brca1-no-genetics", _bm("BRCA1", "detected"), "match.brca.genetics", "info"),
    (
        "brca1-genetics-in-plan",
        _with(_bm("BRCA1", "detected"), _plan(component("genetic_counseling"))),
        "match.brca.genetics",
        None,
    ),
    ("brca-negative-genetics", _bm("BRCA2", "not_detected"), "match.brca.genetics", None),
    ("msi-high", _with(COLORECTAL, ADVANCED, _bm("MSI", "high"), _drugs("FOLFOX")), "match.msi_high", "info"),
    (
        "dmmr",
        _with(COLORECTAL, ADVANCED, _bm("MSI", "positive", detail="dMMR (MLH1/PMS2 loss)")),
        "match.msi_high",
        "info",
    ),
    # resected stage IIA: no pembrolizumab (KEYNOTE-177 is metastatic), the Lynch referral still applies
    ("msi-high-stage2", _with(COLORECTAL, _bm("MSI", "high")), "match.msi_high", None),
    ("msi-high-keytruda", _with(COLORECTAL, _bm("MSI", "high"), _drugs("Keytruda")), "match.msi_high", None),
    ("msi-low", _with(COLORECTAL, _bm("MSI", "low")), "match.msi_high", None),
    ("msi-high-no-genetics", _with(COLORECTAL, _bm("MSI", "high")), "match.msi_high.genetics", "info"),
    (
        "dmmr-endometrial-no-genetics",
        _bm("MSI", "positive", detail="dMMR (MSH2/MSH6 loss)"),
        "match.msi_high.genetics",
        "info",
    ),
    (
        "msi-high-genetics-in-plan",
        _with(COLORECTAL, _bm("MSI", "high"), _plan(component("genetic_counseling"))),
        "match.msi_high.genetics",
        None,
    ),
    (
        "msi-stable-no-genetics",
        _with(COLORECTAL, _bm("MSI", "not_detected", detail="pMMR")),
        "match.msi_high.genetics",
        None,
    ),
    ("alk-positive", _with(LUNG, _bm("ALK", "positive")), "match.alk", "info"),
    ("alk-alectinib", _with(LUNG, _bm("ALK", "positive"), _drugs("Alecensa")), "match.alk", None),
    ("alk-negative", _with(LUNG, _bm("ALK", "negative")), "match.alk", None),
    ("ros1-detected", _with(LUNG, _bm("ROS1", "detected")), "match.ros1", "info"),
    ("ros1-crizotinib", _with(LUNG, _bm("ROS1", "detected"), _drugs("crizotinib")), "match.ros1", None),
    ("ros1-not-detected", _with(LUNG, _bm("ROS1", "not_detected")), "match.ros1", None),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in MATCHED])
def test_biomarker_matched_options(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


@pytest.mark.parametrize(
    "site, name, result, detail, expected",
    [
        ("lung", "EGFR", "detected", "L858R", "consider osimertinib"),
        ("lung", "EGFR", "detected", "exon 20 insertion", "consider amivantamab"),
        ("breast", "HER2", "positive", "", "consider trastuzumab (and trastuzumab deruxtecan"),
        ("lung", "BRAF", "detected", "V600E", "consider dabrafenib + trametinib"),
        ("colorectal", "BRAF", "detected", "V600E", "consider encorafenib + cetuximab"),
        ("breast", "BRCA2", "detected", "", "consider olaparib"),
        ("colorectal", "MSI", "high", "", "consider pembrolizumab"),
        ("lung", "ALK", "positive", "EML4-ALK", "consider alectinib or lorlatinib"),
        ("lung", "ROS1", "positive", "", "consider crizotinib, entrectinib"),
    ],
)
def test_matched_option_messages_prompt_the_matched_agent(site, name, result, detail, expected):
    case = make_case(primary_site=site, stage_group="IV", clinical_m="M1", metastatic=True)
    biomarker(case, name, result, detail=detail)
    genetics = {"match.brca.genetics", "match.msi_high.genetics"}
    matches = [f for f in findings(case) if f.rule.startswith("match.") and f.rule not in genetics]
    assert len(matches) == 1
    assert expected in matches[0].message
    assert "no plan recorded yet" in matches[0].message


def test_the_latest_biomarker_result_counts():
    case = make_case(primary_site="lung", histology="Adenocarcinoma")
    biomarker(case, "EGFR", "not_detected", date=datetime.date(2025, 1, 1))
    biomarker(case, "EGFR", "detected", detail="T790M", date=datetime.date(2026, 1, 1))
    assert "T790M" in check(case, "match.egfr", "info").message


NSCLC_PANEL = ("EGFR", "ALK", "ROS1", "KRAS", "PD-L1")


def _panel(*names):
    return _with(*(_bm(name, "not_detected") for name in names))


WORKUP = [
    ("nsclc-nothing", LUNG, "workup.nsclc.biomarkers_missing", "warning"),
    ("nsclc-egfr-only", _with(LUNG, _panel("EGFR")), "workup.nsclc.biomarkers_missing", "warning"),
    ("nsclc-full-panel", _with(LUNG, _panel(*NSCLC_PANEL)), "workup.nsclc.biomarkers_missing", None),
    (
        "non-small-cell-wording",
        _set(primary_site="lung", histology="Non-small cell lung carcinoma, NOS"),
        "workup.nsclc.biomarkers_missing",
        "warning",
    ),
    (
        "squamous",
        _set(primary_site="lung", histology="Squamous cell carcinoma"),
        "workup.nsclc.biomarkers_missing",
        "warning",
    ),
    (
        "small-cell",
        _set(primary_site="lung", histology="Small cell lung carcinoma"),
        "workup.nsclc.biomarkers_missing",
        None,
    ),
    ("lung-no-histology", _set(primary_site="lung", histology=""), "workup.nsclc.biomarkers_missing", None),
    ("breast-not-nsclc", _with(_panel("ER", "PR", "HER2")), "workup.nsclc.biomarkers_missing", None),
    ("breast-nothing", _set(), "workup.breast.receptors_missing", "warning"),
    ("breast-er-only", _panel("ER"), "workup.breast.receptors_missing", "warning"),
    ("breast-full", _panel("ER", "PR", "HER2"), "workup.breast.receptors_missing", None),
    (
        "dcis-with-er",
        _with(_set(histology="Ductal carcinoma in situ"), _panel("ER")),
        "workup.breast.receptors_missing",
        None,
    ),
    ("lung-not-breast", LUNG, "workup.breast.receptors_missing", None),
    ("her2-equivocal", _bm("HER2", "equivocal"), "workup.her2.equivocal", "info"),
    ("her2-negative", _bm("HER2", "negative"), "workup.her2.equivocal", None),
]


@pytest.mark.parametrize("setup, rule, severity", [pytest.param(*row[1:], id=row[0]) for row in WORKUP])
def test_missing_workup(setup, rule, severity):
    case = make_case()
    setup(case)
    check(case, rule, severity)


def test_missing_workup_lists_what_is_missing():
    case = make_case(primary_site="lung", histology="Adenocarcinoma")
    biomarker(case, "EGFR", "not_detected")
    biomarker(case, "KRAS", "detected", detail="G12C")
    assert "without ALK, ROS1, PD-L1 on record" in check(case, "workup.nsclc.biomarkers_missing", "warning").message
    breast = make_case()
    biomarker(breast, "ER", "positive")
    assert "without PR, HER2 on record" in check(breast, "workup.breast.receptors_missing", "warning").message


OLIGOMETASTATIC = [
    ("three-metastases", _set(metastatic=True, metastasis_count=3), "info"),
    ("one-metastasis", _set(metastatic=True, metastasis_count=1), "info"),
    ("five-by-m1", _set(clinical_m="M1b", metastasis_count=5), "info"),
    ("six-metastases", _set(metastatic=True, metastasis_count=6), None),
    ("ecog1", _set(metastatic=True, metastasis_count=2, ecog=1), "info"),
    ("ecog2-outside-sabr-comet", _set(metastatic=True, metastasis_count=2, ecog=2), None),
    ("count-unknown", _set(metastatic=True, metastasis_count=None), None),
    ("not-metastatic", _set(metastatic=False, metastasis_count=2), None),
    (
        "sabr-in-plan",
        _with(_set(metastatic=True, metastasis_count=2), _plan(component("radiation_therapy", "SBRT to 2 lung mets"))),
        None,
    ),
    (
        "conventional-rt-in-plan",
        _with(
            _set(metastatic=True, metastasis_count=2), _plan(component("radiation_therapy", "30 Gy in 10 fractions"))
        ),
        "info",
    ),
]


@pytest.mark.parametrize("setup, severity", [pytest.param(*row[1:], id=row[0]) for row in OLIGOMETASTATIC])
def test_oligometastatic_disease_prompts_sabr(setup, severity):
    case = make_case()
    setup(case)
    finding = check(case, "metastatic.oligometastatic", severity)
    if finding:
        assert "SABR" in finding.message and finding.source == "SABR-COMET (Palma 2019)"


@pytest.mark.parametrize(
    ("stage", "setting"),
    [
        ({"stage_group": "IIA"}, "after complete resection of stage IB-IIIA (ADAURA)"),
        ({"stage_group": "IIIB"}, "unresectable stage III after chemoradiation (LAURA)"),
        ({"stage_group": "IVA", "clinical_m": "M1a", "metastatic": True}, "advanced NSCLC (FLAURA)"),
        ({"stage_group": "IA1"}, None),
    ],
)
def test_an_egfr_match_says_the_setting_it_applies_to(stage, setting):
    case = make_case(primary_site="lung", histology="Adenocarcinoma", **stage)
    biomarker(case, "EGFR", "detected", detail="exon 19 deletion")
    finding = check(case, "match.egfr", "info" if setting else None)
    if setting:
        assert f"consider osimertinib ({setting})." in finding.message
