"""Tumor-biology rules: biomarker-matched options and the setting each is for, genetics referrals, missing
biomarker work-up, oligometastatic disease (SPEC §5.3). Genomic assays and Z0011: rules_assays.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cases.checklist.drugs import (
    ALK_INHIBITORS,
    BRAF_MEK_INHIBITORS,
    CHECKPOINT_INHIBITORS,
    EGFR_TKIS,
    HER2_DIRECTED,
    PARP_INHIBITORS,
    ROS1_INHIBITORS,
)
from cases.checklist.facts import HER2_NEGATIVE, POSITIVE, Facts, Finding, Severity
from cases.codes import BiomarkerName, BiomarkerResult, DiseaseSite, Modality, VariantInterpretation, VariantOrigin

LYNCH_SOURCE = "NSGC/CGA-ICC Lynch syndrome practice guideline (Weissman 2012)"
BRCA_GENETICS_SOURCE = (
    "ASCO-SSO germline testing in breast cancer guideline (Bedrosian 2024); ASCO germline and somatic testing in "
    "epithelial ovarian cancer guideline (Konstantinopoulos 2020)"
)
# Cancer-susceptibility genes: the cancer genes of the ACMG secondary-findings list v3.2 (Miller 2023), with the
# moderate-penetrance genes of the NCCN Genetic/Familial High-Risk Assessment guidelines (breast, ovarian, pancreatic
# and prostate; colorectal, endometrial and gastric) that have management recommendations (2024).
SUSCEPTIBILITY_GENES = frozenset({
    # ACMG SF v3.2, hereditary cancer
    "APC", "BMPR1A", "BRCA1", "BRCA2", "MAX", "MEN1", "MLH1", "MSH2", "MSH6", "MUTYH", "NF2", "PALB2", "PMS2",
    "PTEN", "RB1", "RET", "SDHAF2", "SDHB", "SDHC", "SDHD", "SMAD4", "STK11", "TMEM127", "TP53", "TSC1", "TSC2",
    "VHL", "WT1",
    # NCCN Genetic/Familial High-Risk Assessment
    "ATM", "BARD1", "BRIP1", "CDH1", "CDKN2A", "CHEK2", "EPCAM", "RAD51C", "RAD51D",
})  # fmt: skip
GERMLINE_GENETICS_SOURCE = (
    "ACMG SF v3.2 secondary-findings gene list (Miller 2023); NCCN Guidelines Genetic/Familial High-Risk "
    "Assessment: Breast, Ovarian, Pancreatic and Prostate, and Colorectal, Endometrial and Gastric (2024); ACMG/AMP "
    "variant interpretation (Richards 2015): a variant of uncertain significance is not used in clinical decisions"
)
NSCLC_WORKUP_SOURCE = "CAP/IASLC/AMP molecular testing guideline for lung cancer (Lindeman 2018)"
BREAST_WORKUP_SOURCE = "ASCO/CAP ER/PR (2020) and HER2 (2018) testing guidelines"
HER2_TESTING_SOURCE = "ASCO/CAP HER2 testing guideline 2018"
SABR_SOURCE = "SABR-COMET (Palma 2019)"


# ---------------------------------------------------------------------------------------------------------
# Biomarker-matched options


@dataclass(frozen=True)
class Match:
    rule: str
    finding: Callable[[Facts], str | None]  # the biomarker finding as words, or None when absent
    agents: frozenset[str]  # any of these in the plan counts as the option being taken up
    option: Callable[[Facts], str]  # what to consider
    source: str
    sites: frozenset[str] = frozenset()  # empty: any primary site
    # the setting the option is for at this case's stage, as words, or None when it is not for this stage
    setting: Callable[[Facts], str | None] = lambda facts: ""


def _positive(facts: Facts, name: str) -> bool:
    return facts.biomarker_result(name) in POSITIVE


def _detail(facts: Facts, name: str) -> str:
    row = facts.latest_biomarker(name)
    return f" ({row.detail})" if row and row.detail else ""


def _egfr(facts: Facts) -> str | None:
    return f"EGFR mutation{_detail(facts, 'EGFR')}" if _positive(facts, BiomarkerName.EGFR) else None


def _group(facts: Facts) -> str:
    return facts.case.stage_group.strip().upper()


_STAGE_I = re.compile(r"^I[ABC]?\d?$")
_UNRESECTED_III = re.compile(r"^III[BC]$")


def _egfr_setting(facts: Facts) -> str | None:
    if facts.advanced:
        return "advanced NSCLC (FLAURA)"
    group = _group(facts)
    if not group:
        return "the setting depends on the stage, which is not recorded"
    if _egfr_option(facts).startswith("amivantamab"):
        return None  # for advanced disease only
    if group.startswith("IA"):
        return None  # ADAURA enrolled resected stage IB-IIIA
    if _UNRESECTED_III.match(group):
        return "unresectable stage III after chemoradiation (LAURA)"
    return "after complete resection of stage IB-IIIA (ADAURA)"


def _braf_setting(facts: Facts) -> str | None:
    site = facts.case.primary_site
    if site == DiseaseSite.MELANOMA:
        if facts.advanced:
            return "unresectable or metastatic melanoma"
        return "resected stage III melanoma (COMBI-AD)" if _group(facts).startswith("III") else None
    if site == DiseaseSite.COLORECTAL:
        return "metastatic colorectal cancer (BEACON CRC)" if facts.advanced else None
    if site == DiseaseSite.LUNG:
        return "metastatic NSCLC" if facts.advanced else None
    return ""


def _parp_setting(facts: Facts) -> str | None:
    if facts.case.primary_site != DiseaseSite.BREAST:
        return ""
    if facts.advanced:
        return "metastatic HER2-negative breast cancer (OlympiAD)"
    if _STAGE_I.match(_group(facts)):
        return None  # OlympiA: high-risk early breast cancer only
    return "high-risk HER2-negative early breast cancer after (neo)adjuvant chemotherapy, as defined in OlympiA"


def _msi_setting(facts: Facts) -> str | None:
    return "unresectable or metastatic disease (KEYNOTE-177; tissue-agnostic approval)" if facts.advanced else None


def _egfr_option(facts: Facts) -> str:
    row = facts.latest_biomarker(BiomarkerName.EGFR)
    if row and re.search(r"exon\s*20", row.detail, re.IGNORECASE) and "ins" in row.detail.lower():
        return "amivantamab (exon 20 insertion)"
    return "osimertinib"


def _her2(facts: Facts) -> str | None:
    row = facts.latest_biomarker(BiomarkerName.HER2)
    if row is None:
        return None
    if row.result == BiomarkerResult.POSITIVE or (
        "amplif" in row.detail.lower() and row.result not in HER2_NEGATIVE | {BiomarkerResult.EQUIVOCAL}
    ):
        return f"HER2 positive/amplified{_detail(facts, 'HER2')}"
    return None


def _braf_v600e(facts: Facts) -> str | None:
    """BRAF V600E; in melanoma also V600K, which the dabrafenib + trametinib labeling covers there (not in lung or
    colorectal cancer)."""
    row = facts.latest_biomarker(BiomarkerName.BRAF)
    if row is None or row.result not in POSITIVE:
        return None
    detail = re.sub(r"\s+", "", row.detail.upper())
    if "V600E" in detail:
        return "BRAF V600E mutation"
    if "V600K" in detail and facts.case.primary_site == DiseaseSite.MELANOMA:
        return "BRAF V600K mutation"
    return None


def _braf_option(facts: Facts) -> str:
    if facts.case.primary_site == DiseaseSite.COLORECTAL:
        return "encorafenib + cetuximab (BRAF V600E colorectal cancer)"
    return "dabrafenib + trametinib"


def _brca(facts: Facts) -> str | None:
    genes = [name for name in (BiomarkerName.BRCA1, BiomarkerName.BRCA2) if _positive(facts, name)]
    return f"{'/'.join(genes)} pathogenic variant" if genes else None


def _msi_high(facts: Facts) -> str | None:
    row = facts.latest_biomarker(BiomarkerName.MSI)
    if row is None:
        return None
    detail = re.sub(r"[\s-]+", "", row.detail.upper())
    if row.result in POSITIVE | {BiomarkerResult.HIGH} or (
        ("DMMR" in detail or "MSIH" in detail)
        and row.result not in {BiomarkerResult.NEGATIVE, BiomarkerResult.NOT_DETECTED, BiomarkerResult.LOW}
    ):
        return "MSI-high/dMMR"
    return None


def _alk(facts: Facts) -> str | None:
    return f"ALK rearrangement{_detail(facts, 'ALK')}" if _positive(facts, BiomarkerName.ALK) else None


def _ros1(facts: Facts) -> str | None:
    return f"ROS1 rearrangement{_detail(facts, 'ROS1')}" if _positive(facts, BiomarkerName.ROS1) else None


LUNG = frozenset({DiseaseSite.LUNG})

MATCHES = (
    Match(
        "match.egfr",
        _egfr,
        EGFR_TKIS,
        _egfr_option,
        "FLAURA (Soria 2018); ADAURA (Wu 2020); LAURA (Lu 2024)",
        LUNG,
        _egfr_setting,
    ),
    Match(
        "match.her2",
        _her2,
        HER2_DIRECTED,
        lambda f: "trastuzumab (and trastuzumab deruxtecan where indicated)",
        "HERA (Piccart-Gebhart 2005); ToGA (Bang 2010); DESTINY-Breast03 (Cortés 2022)",
    ),
    Match(
        "match.braf_v600e",
        _braf_v600e,
        BRAF_MEK_INHIBITORS,
        _braf_option,
        "FDA dabrafenib and trametinib labeling (melanoma: V600E or V600K); COMBI-AD (Long 2017); dabrafenib plus "
        "trametinib in BRAF V600E NSCLC (Planchard 2016); BEACON CRC (Kopetz 2019)",
        setting=_braf_setting,
    ),
    Match(
        "match.brca.parp",
        _brca,
        PARP_INHIBITORS,
        lambda f: "olaparib (PARP inhibitor)",
        "OlympiA (Tutt 2021); OlympiAD (Robson 2017); SOLO-1 (Moore 2018)",
        setting=_parp_setting,
    ),
    Match(
        "match.msi_high",
        _msi_high,
        CHECKPOINT_INHIBITORS,
        lambda f: "pembrolizumab",
        "KEYNOTE-177 (André 2020); FDA tissue-agnostic pembrolizumab approval (2017)",
        setting=_msi_setting,
    ),
    Match(
        "match.alk",
        _alk,
        ALK_INHIBITORS,
        lambda f: "alectinib or lorlatinib",
        "ALEX (Peters 2017); CROWN (Shaw 2020)",
        LUNG,
    ),
    Match(
        "match.ros1",
        _ros1,
        ROS1_INHIBITORS,
        lambda f: "crizotinib, entrectinib or repotrectinib",
        "Crizotinib in ROS1 NSCLC (Shaw 2014); entrectinib (Drilon 2020); TRIDENT-1 repotrectinib (Drilon 2024)",
        LUNG,
    ),
)


def _matched(facts: Facts, match: Match) -> Finding | None:
    if match.sites and facts.case.primary_site not in match.sites:
        return None
    biomarker = match.finding(facts)
    if biomarker is None or facts.planned(match.agents):
        return None
    setting = match.setting(facts)
    if setting is None:  # not an option at this stage
        return None
    where = "no matched agent in the current plan" if facts.plan else "no plan recorded yet"
    option = f"{match.option(facts)}{f' ({setting})' if setting else ''}"
    return Finding(match.rule, Severity.INFO, f"{biomarker}, {where}: consider {option}.", match.source)


def matched_options(facts: Facts) -> list[Finding]:
    return [finding for match in MATCHES if (finding := _matched(facts, match))]


def _genetics_referral(facts: Facts, rule: str, biomarker: str | None, why: str, source: str) -> Finding | None:
    """A finding that points to a germline syndrome, with no genetic counseling in the plan: a referral prompt."""
    if biomarker is None or Modality.GENETIC_COUNSELING in facts.modalities:
        return None
    message = f"{biomarker} and no genetic counseling in the plan: consider a genetics referral ({why})."
    return Finding(rule, Severity.INFO, message, source)


def lynch_genetics_referral(facts: Facts) -> Finding | None:
    """A mismatch-repair-deficient tumour may be the first sign of Lynch syndrome, whatever the stage."""
    return _genetics_referral(
        facts,
        "match.msi_high.genetics",
        f"{biomarker} tumour" if (biomarker := _msi_high(facts)) else None,
        "Lynch syndrome germline testing, unless MLH1 promoter hypermethylation or BRAF V600E in a colorectal tumour "
        "already points to a sporadic cancer",
        LYNCH_SOURCE,
    )


def brca_genetics_referral(facts: Facts) -> Finding | None:
    return _genetics_referral(
        facts,
        "match.brca.genetics",
        _brca(facts),
        "germline confirmation and cascade testing of relatives",
        BRCA_GENETICS_SOURCE,
    )


PATHOGENIC = frozenset({VariantInterpretation.PATHOGENIC, VariantInterpretation.LIKELY_PATHOGENIC})


def germline_genetics_referral(facts: Facts) -> Finding | None:
    """A germline pathogenic or likely pathogenic variant in a cancer-susceptibility gene, as BRCA1/2 on the
    biomarkers prompt (``match.brca.genetics``, which names BRCA1/2 when both record them); a variant of uncertain
    significance, a benign one, a somatic one or one without an interpretation does not."""
    prompted = {name for name in (BiomarkerName.BRCA1, BiomarkerName.BRCA2) if _positive(facts, name)}
    found = [
        v
        for v in facts.variants
        if v.origin == VariantOrigin.GERMLINE
        and v.interpretation in PATHOGENIC
        and (gene := v.gene.strip().upper()) in SUSCEPTIBILITY_GENES
        and gene not in prompted
    ]
    if not found:
        return None
    named = "; ".join(f"{v} ({v.get_interpretation_display().lower()})" for v in found)
    return _genetics_referral(
        facts,
        "genetics.germline_variant",
        f"Germline {named}",
        "counseling on the hereditary cancer risk, risk-reducing options and cascade testing of relatives",
        GERMLINE_GENETICS_SOURCE,
    )


# ---------------------------------------------------------------------------------------------------------
# Missing biomarker work-up

NSCLC_PANEL = (BiomarkerName.EGFR, BiomarkerName.ALK, BiomarkerName.ROS1, BiomarkerName.KRAS, BiomarkerName.PD_L1)
BREAST_PANEL = (BiomarkerName.ER, BiomarkerName.PR, BiomarkerName.HER2)


def _is_nsclc(histology: str) -> bool:
    h = histology.lower()
    if not h.strip():
        return False  # no histology yet: the pathology readiness rules prompt for it
    if re.search(r"non[\s-]*small|nsclc", h):
        return True
    return not re.search(r"small[\s-]*cell|\bsclc\b|carcinoid", h)


def workup_nsclc(facts: Facts) -> Finding | None:
    case = facts.case
    if case.primary_site != DiseaseSite.LUNG or not _is_nsclc(case.histology):
        return None
    missing = [name for name in NSCLC_PANEL if not facts.tested(name)]
    if not missing:
        return None
    return Finding(
        "workup.nsclc.biomarkers_missing",
        Severity.WARNING,
        f"Non-small cell lung cancer without {', '.join(missing)} on record: verify biomarker testing before "
        "choosing systemic therapy.",
        NSCLC_WORKUP_SOURCE,
    )


def workup_breast(facts: Facts) -> Finding | None:
    case = facts.case
    if case.primary_site != DiseaseSite.BREAST:
        return None
    histology = case.histology.lower()
    in_situ_only = bool(re.search(r"in[\s-]*situ|\bdcis\b", histology)) and "invasive" not in histology
    panel = (BiomarkerName.ER,) if in_situ_only else BREAST_PANEL
    missing = [name for name in panel if not facts.tested(name)]
    if not missing:
        return None
    return Finding(
        "workup.breast.receptors_missing",
        Severity.WARNING,
        f"Breast cancer without {', '.join(missing)} on record: verify receptor testing before choosing systemic "
        "therapy.",
        BREAST_WORKUP_SOURCE,
    )


def her2_equivocal(facts: Facts) -> Finding | None:
    if facts.biomarker_result(BiomarkerName.HER2) != BiomarkerResult.EQUIVOCAL:
        return None
    return Finding(
        "workup.her2.equivocal",
        Severity.INFO,
        "HER2 result equivocal: verify reflex testing (ISH, or IHC on another specimen) to settle HER2 status.",
        HER2_TESTING_SOURCE,
    )


# ---------------------------------------------------------------------------------------------------------
# Oligometastatic disease

_STEREOTACTIC = re.compile(r"sabr|sbrt|stereotactic|radiosurgery|\bsrs\b", re.IGNORECASE)


def oligometastatic(facts: Facts) -> Finding | None:
    count = facts.case.metastasis_count
    if not facts.metastatic or count is None or not 1 <= count <= 5:
        return None
    if facts.performance is not None and facts.performance.ecog >= 2:
        return None  # SABR-COMET enrolled ECOG 0-1 only
    if any(c.modality == Modality.RADIATION_THERAPY and _STEREOTACTIC.search(c.detail or "") for c in facts.components):
        return None
    return Finding(
        "metastatic.oligometastatic",
        Severity.INFO,
        f"Oligometastatic disease ({count} metastas{'is' if count == 1 else 'es'}): consider stereotactic ablative "
        "radiotherapy (SABR) to all sites or a clinical trial if the primary tumour is controlled; SABR-COMET "
        "(ECOG 0-1, controlled primary) showed longer overall survival.",
        SABR_SOURCE,
    )


RULES = [
    matched_options,
    brca_genetics_referral,
    germline_genetics_referral,
    lynch_genetics_referral,
    workup_nsclc,
    workup_breast,
    her2_equivocal,
    oligometastatic,
]
