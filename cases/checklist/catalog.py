"""Every rule of the checklist with the severities it gives, what sets it off and its source: the README's rule
table is generated from it (``python manage.py checklist_rules``), and ``run_rules`` refuses a finding whose id,
severity or source the catalog does not list (a rule and its documentation cannot drift apart)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.checklist import rules_assays as assays
from cases.checklist import rules_biology as bio
from cases.checklist import rules_doses as doses
from cases.checklist import rules_pharmacogenomics as pgx
from cases.checklist import rules_readiness as ready
from cases.checklist import rules_treatment as treat
from cases.checklist.facts import Finding, Severity

C, W, I = Severity.CRITICAL, Severity.WARNING, Severity.INFO  # noqa: E741 (I is info, as in the table)


@dataclass(frozen=True)
class Entry:
    rule: str
    severities: tuple[str, ...]
    trigger: str
    source: str


_MATCH_SOURCES = {match.rule: match.source for match in bio.MATCHES}

CATALOG: tuple[Entry, ...] = (
    # pharmacogenomics
    Entry("pgx.dpyd.reduced", (C,), "DPYD intermediate or poor metabolizer, fluoropyrimidine planned", pgx.DPYD_SOURCE),
    Entry("pgx.dpyd.missing", (W,), "fluoropyrimidine planned, no DPYD result", pgx.DPYD_SOURCE),
    Entry(
        "pgx.ugt1a1.poor",
        (C,),
        "UGT1A1 poor metabolizer (two decreased-function alleles), irinotecan planned",
        pgx.UGT1A1_SOURCE,
    ),
    Entry(
        "pgx.ugt1a1.sacituzumab", (W,), "UGT1A1 poor metabolizer, sacituzumab govitecan planned", pgx.SACITUZUMAB_SOURCE
    ),
    Entry("pgx.ugt1a1.missing", (I,), "irinotecan planned, no UGT1A1 result", pgx.UGT1A1_SOURCE),
    Entry("pgx.cyp2d6.strong_inhibitor", (C,), "tamoxifen with an active strong CYP2D6 inhibitor", pgx.CYP2D6_SOURCE),
    Entry(
        "pgx.cyp2d6.moderate_inhibitor", (W,), "tamoxifen with an active moderate CYP2D6 inhibitor", pgx.CYP2D6_SOURCE
    ),
    Entry("pgx.cyp2d6.poor", (W,), "CYP2D6 poor metabolizer on tamoxifen", pgx.CYP2D6_SOURCE),
    Entry("pgx.cyp2d6.intermediate", (I,), "CYP2D6 intermediate metabolizer on tamoxifen", pgx.CYP2D6_SOURCE),
    Entry(
        "pgx.tpmt_nudt15.deficient", (C,), "TPMT or NUDT15 reduced function, thiopurine planned", pgx.THIOPURINE_SOURCE
    ),
    Entry("pgx.tpmt_nudt15.missing", (W,), "thiopurine planned, no TPMT or NUDT15 result", pgx.THIOPURINE_SOURCE),
    # drugs the checklist cannot read
    Entry(
        "safety.drugs.unrecognised",
        (W,),
        "systemic therapy naming no known drug, an unknown name or an ambiguous abbreviation (TC, VAC)",
        treat.DRUG_NAMES_SOURCE,
    ),
    # doses and organ function
    Entry(
        "dose.carboplatin.calvert",
        (I, W),
        "carboplatin with a target AUC and a GFR (warning above GFR 125)",
        doses.CALVERT_SOURCE,
    ),
    Entry("dose.carboplatin.auc_missing", (W,), "carboplatin planned without a target AUC", doses.CALVERT_SOURCE),
    Entry("dose.carboplatin.gfr_missing", (W,), "carboplatin planned without a GFR", doses.CALVERT_SOURCE),
    Entry("renal.cisplatin.low_gfr", (W,), "cisplatin planned, GFR below 60 mL/min", doses.CISPLATIN_SOURCE),
    Entry(
        "cardio.anthracycline.cumulative",
        (C,),
        "anthracycline or mitoxantrone planned, prior plus planned course ≥ 450 mg/m² doxorubicin-equivalent",
        doses.ANTHRACYCLINE_SOURCE,
    ),
    Entry(
        "cardio.anthracycline.approaching",
        (W,),
        "anthracycline or mitoxantrone planned, prior plus planned course 400-449 mg/m² doxorubicin-equivalent",
        doses.ANTHRACYCLINE_SOURCE,
    ),
    Entry(
        "cardio.anthracycline.prior_missing",
        (W,),
        "anthracycline or mitoxantrone planned, no prior exposure recorded",
        doses.ANTHRACYCLINE_SOURCE,
    ),
    Entry(
        "cardio.anthracycline.course_unknown",
        (I, W),
        "anthracycline course without dose per cycle and cycles (warning after prior exposure)",
        doses.ANTHRACYCLINE_SOURCE,
    ),
    Entry(
        "cardio.lvef.missing", (W,), "anthracycline, mitoxantrone or HER2 antibody planned, no LVEF", doses.LVEF_SOURCE
    ),
    Entry("cardio.lvef.low", (W,), "cardiotoxic agent planned, LVEF below 50%", doses.LVEF_SOURCE),
    Entry(
        "hepatic.docetaxel.bilirubin",
        (C,),
        "docetaxel planned, bilirubin above 1.2 mg/dL",
        doses.DOCETAXEL_HEPATIC_SOURCE,
    ),
    Entry(
        "hepatic.irinotecan.bilirubin",
        (W, C),
        "irinotecan planned, bilirubin above 1.2 mg/dL (critical above 2)",
        doses.IRINOTECAN_HEPATIC_SOURCE,
    ),
    Entry(
        "hepatic.taxane.bilirubin",
        (W, C),
        "paclitaxel above 1.25 x ULN (critical above 5 x); nab-paclitaxel above 5 x ULN (1.5 x in pancreatic cancer)",
        doses.TAXANE_HEPATIC_SOURCE,
    ),
    Entry(
        "hepatic.anthracycline.bilirubin",
        (W, C),
        "doxorubicin or epirubicin planned, bilirubin ≥ 1.2 mg/dL (doxorubicin above 5: critical)",
        doses.ANTHRACYCLINE_HEPATIC_SOURCE,
    ),
    Entry(
        "labs.stale",
        (W,),
        "GFR or bilirubin older than the board's limit with systemic therapy, LVEF with a cardiotoxic agent",
        doses.LAB_DATES_SOURCE,
    ),
    Entry("labs.undated", (I,), "the same values recorded without the date measured", doses.LAB_DATES_SOURCE),
    Entry(
        "fertility.preservation",
        (W,),
        "age 18-45, gonadotoxic drugs, pelvic radiotherapy, gonadal surgery or tamoxifen; no discussion recorded",
        treat.FERTILITY_SOURCE,
    ),
    Entry("ps.ecog2", (I,), "ECOG 2 (or a Karnofsky or Lansky score read as ECOG 2)", treat.ECOG_SOURCE),
    Entry("ps.ecog_curative_multimodal", (W,), "ECOG 3-4, curative plan of two or more modalities", treat.ECOG_SOURCE),
    Entry(
        "ps.ecog_palliative_systemic",
        (W,),
        "ECOG 3-4, systemic therapy for a solid tumour without curative intent",
        treat.POOR_PS_THERAPY_SOURCE,
    ),
    Entry("ps.ecog_curative_surgery", (W,), "ECOG 3-4, a curative operation alone", treat.ECOG_SOURCE),
    # tumor biology
    Entry(
        "breast.genomic_assay.missing",
        (I,),
        "early ER+/HER2-/N0 breast cancer without Oncotype DX or MammaPrint",
        assays.ASSAY_SOURCE,
    ),
    Entry(
        "breast.oncotype.low_rs_chemo",
        (W,),
        "chemotherapy planned with RS ≤ 25 over 50, or RS ≤ 15 at 50 or under",
        assays.TAILORX_SOURCE,
    ),
    Entry("breast.oncotype.young_intermediate_rs", (I,), "RS 16-25 at 50 or under", assays.TAILORX_SOURCE),
    Entry("breast.oncotype.high_rs", (I,), "RS ≥ 26", assays.TAILORX_SOURCE),
    Entry(
        "breast.mammaprint.low_risk_chemo",
        (W, I),
        "MammaPrint low risk with chemotherapy planned (warning over 50, info at 50 or under)",
        assays.MINDACT_SOURCE,
    ),
    Entry(
        "colon.oncotype_colon.low_chemo",
        (I,),
        "stage II colon, Oncotype DX Colon low, adjuvant chemotherapy planned",
        assays.COLON_ASSAY_SOURCE,
    ),
    Entry(
        "colon.oncotype_colon.high_no_chemo",
        (I,),
        "stage II colon, Oncotype DX Colon high, no chemotherapy planned",
        assays.COLON_ASSAY_SOURCE,
    ),
    Entry(
        "prostate.decipher.high_no_radiotherapy",
        (I,),
        "after prostatectomy (pT recorded), Decipher high, no radiotherapy planned",
        assays.DECIPHER_SOURCE,
    ),
    Entry(
        "prostate.decipher.low_radiotherapy",
        (I,),
        "after prostatectomy, Decipher low, radiotherapy planned",
        assays.DECIPHER_SOURCE,
    ),
    Entry(
        "breast.z0011.axillary_dissection",
        (W,),
        "T1-2 cN0 pN1, breast-conserving surgery and radiotherapy, axillary dissection planned, no neoadjuvant therapy",
        assays.Z0011_SOURCE,
    ),
    Entry(
        "match.egfr",
        (I,),
        "lung, EGFR mutation, no EGFR inhibitor (stage IB-IIIA resected, unresectable III, advanced)",
        _MATCH_SOURCES["match.egfr"],
    ),
    Entry("match.her2", (I,), "HER2 positive, no HER2-directed agent", _MATCH_SOURCES["match.her2"]),
    Entry(
        "match.braf_v600e",
        (I,),
        "BRAF V600E (V600K in melanoma), no BRAF/MEK inhibitor; metastatic lung and colorectal, melanoma stage III+",
        _MATCH_SOURCES["match.braf_v600e"],
    ),
    Entry(
        "match.brca.parp",
        (I,),
        "BRCA1/2 in breast (not stage I), ovary, pancreas or prostate, no PARP inhibitor",
        _MATCH_SOURCES["match.brca.parp"],
    ),
    Entry(
        "match.msi_high",
        (I,),
        "MSI-high or dMMR, advanced disease, no checkpoint inhibitor",
        _MATCH_SOURCES["match.msi_high"],
    ),
    Entry("match.alk", (I,), "lung, ALK rearrangement, no ALK inhibitor", _MATCH_SOURCES["match.alk"]),
    Entry("match.ros1", (I,), "lung, ROS1 rearrangement, no ROS1 inhibitor", _MATCH_SOURCES["match.ros1"]),
    Entry("match.brca.genetics", (I,), "BRCA1/2 found, no genetic counseling planned", bio.BRCA_GENETICS_SOURCE),
    Entry(
        "genetics.germline_variant",
        (I,),
        "germline pathogenic or likely pathogenic variant in a cancer-susceptibility gene (not a VUS), no genetic "
        "counseling planned",
        bio.GERMLINE_GENETICS_SOURCE,
    ),
    Entry("match.msi_high.genetics", (I,), "MSI-high or dMMR tumour, no genetic counseling planned", bio.LYNCH_SOURCE),
    Entry(
        "workup.nsclc.biomarkers_missing", (W,), "NSCLC without EGFR, ALK, ROS1, KRAS or PD-L1", bio.NSCLC_WORKUP_SOURCE
    ),
    Entry("workup.breast.receptors_missing", (W,), "breast cancer without ER, PR or HER2", bio.BREAST_WORKUP_SOURCE),
    Entry("workup.her2.equivocal", (I,), "HER2 equivocal", bio.HER2_TESTING_SOURCE),
    Entry(
        "metastatic.oligometastatic",
        (I,),
        "1-5 metastases, ECOG 0-1, no stereotactic radiotherapy planned",
        bio.SABR_SOURCE,
    ),
    # readiness and the patient beyond the tumour
    Entry("readiness.pathology.missing", (W,), "no pathology report attached", ready.READINESS_SOURCE),
    Entry("readiness.imaging.missing", (W,), "no imaging report attached", ready.READINESS_SOURCE),
    Entry(
        "readiness.imaging.stale",
        (W,),
        "latest imaging older than the board's limit (CHECKLIST_IMAGING_MAX_AGE_DAYS, 56 days)",
        ready.IMAGING_POLICY_SOURCE,
    ),
    Entry("readiness.staging.missing", (W,), "no TNM or stage group (leukemia excepted)", ready.READINESS_SOURCE),
    Entry("readiness.ecog.missing", (W,), "no ECOG, Karnofsky or Lansky performance status", ready.ECOG_SOURCE),
    Entry("readiness.question.missing", (W,), "no question for the board", ready.READINESS_SOURCE),
    Entry("readiness.preferences.missing", (I,), "no values and preferences recorded", ready.PREFERENCES_SOURCE),
    Entry(
        "readiness.prereview.missing",
        (I,),
        "a required specialty has neither pre-reviewed nor recorded a review (a re-read)",
        ready.PRE_REVIEW_SOURCE,
    ),
    Entry(
        "goals_of_care.not_discussed",
        (W, I),
        "advanced or incurable disease, no goals-of-care discussion from week 10 (info without a diagnosis date)",
        ready.GOALS_OF_CARE_SOURCE,
    ),
    Entry(
        "acp.documents.missing",
        (W, I),
        "advanced or incurable disease without proxy, directive or POLST (warning when none is recorded)",
        ready.ADVANCE_CARE_PLANNING_SOURCE,
    ),
    Entry(
        "navigation.financial.not_recorded",
        (I,),
        "financial navigation not recorded (every patient)",
        ready.FINANCIAL_SOURCE,
    ),
)

BY_RULE = {entry.rule: entry for entry in CATALOG}


def check(finding: Finding) -> Finding:
    """The finding, if the catalog lists its rule with its severity and its source; else ValueError."""
    entry = BY_RULE.get(finding.rule)
    if entry is None or finding.severity not in entry.severities or finding.source != entry.source:
        raise ValueError(f"the checklist catalog does not list {finding.rule} ({finding.severity}) with its source")
    return finding


def markdown() -> str:
    """The README's rule table."""
    lines = ["| Rule | Severity | Fires when | Source |", "|---|---|---|---|"]
    for entry in CATALOG:
        severities = ", ".join(entry.severities)
        lines.append(f"| `{entry.rule}` | {severities} | {entry.trigger} | {entry.source} |")
    return "\n".join(lines) + "\n"
