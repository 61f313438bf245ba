"""Genomic assays and de-escalation: Oncotype DX and MammaPrint in early breast cancer (TAILORx, MINDACT),
Oncotype DX Colon, Decipher, and axillary surgery after a positive sentinel node (Z0011) (SPEC §5.3)."""

from __future__ import annotations

import re

from cases.checklist.drugs import (
    CYTOTOXIC,
    named,
)
from cases.checklist.facts import HER2_NEGATIVE, Facts, Finding, Severity
from cases.codes import BiomarkerName, BiomarkerResult, DiseaseSite, Modality
from cases.staging import stage_category

# ---------------------------------------------------------------------------------------------------------
# Early breast cancer, ER+/HER2-/node-negative: Oncotype DX and MammaPrint

ASSAY_SOURCE = (
    "TAILORx (Sparano 2018); MINDACT (Cardoso 2016); ASCO biomarkers for adjuvant therapy in early breast cancer "
    "guideline (Andre 2022)"
)
TAILORX_SOURCE = "TAILORx (Sparano 2018)"
MINDACT_SOURCE = (
    "MINDACT (Cardoso 2016; Piccart 2021, by age); ASCO biomarkers for adjuvant therapy in early breast cancer "
    "guideline (Andre 2022)"
)
COLON_ASSAY_SOURCE = (
    "Oncotype DX Colon: QUASAR validation (Gray 2011), CALGB 9581 (Venook 2013); ASCO adjuvant therapy for stage II "
    "colon cancer guideline (Baxter 2022)"
)
DECIPHER_SOURCE = "ASCO molecular biomarkers in localized prostate cancer guideline (Eggener 2020)"
Z0011_SOURCE = "ACOSOG Z0011 (Giuliano 2011); ASCO sentinel node biopsy in early breast cancer guideline (Lyman 2017)"
_EARLY_GROUP = re.compile(r"^(I|II)([ABC]\d?)?$")


def _node_negative(case) -> bool:
    """Node status from the pathological N when recorded, else the clinical N."""
    n = stage_category(case.pathological_n or case.clinical_n)
    return n.startswith("N0")


def _early_er_pos_her2_neg_n0(facts: Facts) -> bool:
    case = facts.case
    return (
        case.primary_site == DiseaseSite.BREAST
        and not facts.metastatic
        and bool(_EARLY_GROUP.match(case.stage_group.strip().upper()))
        and _node_negative(case)
        and facts.biomarker_result(BiomarkerName.ER) == BiomarkerResult.POSITIVE
        and facts.biomarker_result(BiomarkerName.HER2) in HER2_NEGATIVE
    )


def breast_genomic_assay_missing(facts: Facts) -> Finding | None:
    if not _early_er_pos_her2_neg_n0(facts):
        return None
    if facts.tested(BiomarkerName.ONCOTYPE_RS) or facts.tested(BiomarkerName.MAMMAPRINT):
        return None
    return Finding(
        "breast.genomic_assay.missing",
        Severity.INFO,
        "Early ER-positive, HER2-negative, node-negative breast cancer without a genomic assay on record: consider "
        "Oncotype DX (or MammaPrint) to inform the adjuvant chemotherapy decision.",
        ASSAY_SOURCE,
    )


def breast_oncotype(facts: Facts) -> Finding | None:
    if not _early_er_pos_her2_neg_n0(facts):
        return None
    score = facts.biomarker_value(BiomarkerName.ONCOTYPE_RS)
    if score is None:
        return None
    chemo = facts.planned(CYTOTOXIC)
    if score <= 25 and facts.age is not None and facts.age > 50 and chemo:
        return Finding(
            "breast.oncotype.low_rs_chemo",
            Severity.WARNING,
            f"Oncotype DX recurrence score {score:g} (≤ 25), age over 50, with chemotherapy planned "
            f"({named(chemo)}): TAILORx found no benefit from adding chemotherapy to endocrine therapy in this "
            "group; verify the indication for chemotherapy.",
            TAILORX_SOURCE,
        )
    if score <= 15 and facts.age is not None and facts.age <= 50 and chemo:
        return Finding(
            "breast.oncotype.low_rs_chemo",
            Severity.WARNING,
            f"Oncotype DX recurrence score {score:g} (≤ 15), age 50 or under, with chemotherapy planned "
            f"({named(chemo)}): TAILORx found no benefit from adding chemotherapy at this score, whatever the "
            "age; verify the indication for chemotherapy.",
            TAILORX_SOURCE,
        )
    if 16 <= score <= 25 and facts.age is not None and facts.age <= 50:
        return Finding(
            "breast.oncotype.young_intermediate_rs",
            Severity.INFO,
            f"Oncotype DX recurrence score {score:g} (16-25), age 50 or under: TAILORx found some benefit from "
            "chemotherapy in this group, possibly from its suppression of ovarian function; discuss chemotherapy "
            "against endocrine therapy with ovarian function suppression.",
            TAILORX_SOURCE,
        )
    if score >= 26:
        return Finding(
            "breast.oncotype.high_rs",
            Severity.INFO,
            f"Oncotype DX recurrence score {score:g} (≥ 26): TAILORx supports a benefit from adding chemotherapy "
            "to endocrine therapy; consider chemotherapy.",
            TAILORX_SOURCE,
        )
    return None


def breast_mammaprint(facts: Facts) -> Finding | None:
    """MINDACT: a genomically low-risk result (MammaPrint) in early breast cancer with chemotherapy planned."""
    case = facts.case
    chemo = facts.planned(CYTOTOXIC)
    if (
        case.primary_site != DiseaseSite.BREAST
        or facts.metastatic
        or facts.biomarker_result(BiomarkerName.MAMMAPRINT) != BiomarkerResult.LOW
        or not chemo
        or facts.age is None
    ):
        return None
    if facts.age > 50:
        return Finding(
            "breast.mammaprint.low_risk_chemo",
            Severity.WARNING,
            f"MammaPrint genomic low risk, age over 50, with chemotherapy planned ({named(chemo)}): in MINDACT, "
            "clinically high-risk, genomically low-risk patients had 94.7% 5-year distant-metastasis-free survival "
            "without chemotherapy, and over 50 chemotherapy added about 0.2 points; verify the indication for "
            "chemotherapy.",
            MINDACT_SOURCE,
        )
    return Finding(
        "breast.mammaprint.low_risk_chemo",
        Severity.INFO,
        f"MammaPrint genomic low risk, age 50 or under, with chemotherapy planned ({named(chemo)}): in MINDACT "
        "chemotherapy added about 5 points of 8-year distant-metastasis-free survival at this age (possibly from "
        "ovarian suppression), and ASCO advises against using MammaPrint to decide chemotherapy at 50 or under; "
        "discuss chemotherapy against endocrine therapy with ovarian function suppression.",
        MINDACT_SOURCE,
    )


_STAGE_II = re.compile(r"^II[ABC]?$")


def colon_oncotype(facts: Facts) -> Finding | None:
    """Oncotype DX Colon in stage II colon cancer: a low score with adjuvant chemotherapy planned, or a high score
    with none, is put to the board (the assay was validated in stage II, mismatch-repair-proficient disease)."""
    case = facts.case
    result = facts.biomarker_result(BiomarkerName.ONCOTYPE_COLON)
    if (
        case.primary_site != DiseaseSite.COLORECTAL
        or facts.metastatic
        or not _STAGE_II.match(case.stage_group.strip().upper())
        or result not in {BiomarkerResult.LOW, BiomarkerResult.HIGH}
    ):
        return None
    score = facts.biomarker_value(BiomarkerName.ONCOTYPE_COLON)
    what = f"Oncotype DX Colon recurrence score {score:g}" if score is not None else "Oncotype DX Colon"
    chemo = facts.planned(CYTOTOXIC)
    if result == BiomarkerResult.LOW and chemo:
        return Finding(
            "colon.oncotype_colon.low_chemo",
            Severity.INFO,
            f"{what}, low recurrence risk, stage II colon cancer with adjuvant chemotherapy planned "
            f"({named(chemo)}): the low-score group had the lowest recurrence in QUASAR, and ASCO does not "
            "routinely recommend adjuvant chemotherapy in stage II without high-risk features; verify the "
            "high-risk features behind the plan (T4, fewer than 12 nodes, perforation, obstruction).",
            COLON_ASSAY_SOURCE,
        )
    if result == BiomarkerResult.HIGH and not chemo:
        return Finding(
            "colon.oncotype_colon.high_no_chemo",
            Severity.INFO,
            f"{what}, high recurrence risk, stage II colon cancer without adjuvant chemotherapy in the plan: "
            "consider discussing adjuvant chemotherapy with the patient, weighing the high-risk features and the "
            "mismatch-repair status.",
            COLON_ASSAY_SOURCE,
        )
    return None


def prostate_decipher(facts: Facts) -> Finding | None:
    """Decipher after radical prostatectomy (a pathological T stage recorded): a high-risk result without
    radiotherapy in the plan, or a low-risk one with adjuvant radiotherapy planned."""
    case = facts.case
    result = facts.biomarker_result(BiomarkerName.DECIPHER)
    if case.primary_site != DiseaseSite.PROSTATE or facts.metastatic or not case.pathological_t.strip():
        return None
    radiotherapy = Modality.RADIATION_THERAPY in facts.modalities
    if result == BiomarkerResult.HIGH and not radiotherapy:
        return Finding(
            "prostate.decipher.high_no_radiotherapy",
            Severity.INFO,
            "Decipher high genomic risk after radical prostatectomy and no radiotherapy in the plan: consider "
            "discussing adjuvant or early salvage radiotherapy; use the result where it changes management.",
            DECIPHER_SOURCE,
        )
    if result == BiomarkerResult.LOW and radiotherapy:
        return Finding(
            "prostate.decipher.low_radiotherapy",
            Severity.INFO,
            "Decipher low genomic risk after radical prostatectomy with radiotherapy planned: consider discussing "
            "observation with early salvage radiotherapy instead of adjuvant radiotherapy.",
            DECIPHER_SOURCE,
        )
    return None


_BREAST_CONSERVING = re.compile(
    r"lumpectom|breast[\s-]*conserv|\bbcs\b|partial mastectom|wide local excision|quadrantectom|segmentectom",
    re.IGNORECASE,
)
_AXILLARY_DISSECTION = re.compile(
    r"axillary\s+(lymph\s+node\s+)?(dissection|clearance)|\balnd\b|completion\s+(axillary\s+)?dissection",
    re.IGNORECASE,
)
_NEOADJUVANT = re.compile(r"neo[\s-]*adjuvant|pre[\s-]*operative", re.IGNORECASE)


def breast_z0011(facts: Facts) -> Finding | None:
    """ACOSOG Z0011: T1-2, clinically node-negative, sentinel-node metastases (pN1), breast-conserving surgery with
    whole-breast radiotherapy and no neoadjuvant therapy, with an axillary dissection planned."""
    case = facts.case
    t = stage_category(case.pathological_t or case.clinical_t)
    if (
        case.primary_site != DiseaseSite.BREAST
        or facts.metastatic
        or not t.startswith(("T1", "T2"))
        or stage_category(case.clinical_n).startswith(("N1", "N2", "N3"))
        or not stage_category(case.pathological_n).startswith("N1")
    ):
        return None
    surgery = " ".join(c.detail or "" for c in facts.components if c.modality == Modality.SURGERY)
    if not (_BREAST_CONSERVING.search(surgery) and _AXILLARY_DISSECTION.search(surgery)):
        return None
    if Modality.RADIATION_THERAPY not in facts.modalities or any(
        _NEOADJUVANT.search(c.detail or "") for c in facts.components
    ):
        return None
    return Finding(
        "breast.z0011.axillary_dissection",
        Severity.WARNING,
        "T1-2 breast cancer with sentinel-node metastases (pN1), breast-conserving surgery and whole-breast "
        "radiotherapy, with an axillary dissection planned: with one or two positive sentinel nodes, Z0011 found no "
        "survival benefit from axillary dissection and ASCO recommends against it; verify the number of positive "
        "nodes and the indication.",
        Z0011_SOURCE,
    )


RULES = [
    breast_genomic_assay_missing,
    breast_oncotype,
    breast_mammaprint,
    colon_oncotype,
    prostate_decipher,
    breast_z0011,
]
