"""Gene-drug rules: DPYD, UGT1A1, CYP2D6, TPMT/NUDT15 (SPEC §5.3)."""

from __future__ import annotations

import re

from cases.checklist.drugs import (
    FLUOROPYRIMIDINES,
    IRINOTECAN,
    MODERATE_CYP2D6_INHIBITORS,
    SACITUZUMAB,
    STRONG_CYP2D6_INHIBITORS,
    TAMOXIFEN,
    THIOPURINES,
    named,
)
from cases.checklist.facts import Facts, Finding, Severity
from cases.codes import PgxGene, PgxPhenotype
from cases.models import Pharmacogenomic

REDUCED = frozenset({PgxPhenotype.INTERMEDIATE, PgxPhenotype.POOR})
UNKNOWN = frozenset({PgxPhenotype.INDETERMINATE})

DPYD_SOURCE = (
    "FDA fluorouracil and capecitabine labeling, boxed warning: test for DPYD variants before starting "
    "(FDA safety labeling update, February 2026); CPIC DPYD-fluoropyrimidine guideline (Amstutz 2018)"
)
UGT1A1_SOURCE = (
    "FDA irinotecan (Camptosar) labeling, reduced UGT1A1 activity sections (revised January 2022); DPWG "
    "UGT1A1-irinotecan guideline (Hulshof 2022)"
)
SACITUZUMAB_SOURCE = (
    "FDA sacituzumab govitecan (Trodelvy) labeling, March 2025: reduced UGT1A1 activity (grade 3-4 neutropenia "
    "67% in UGT1A1*28 homozygotes vs 46%)"
)
CYP2D6_SOURCE = "CPIC CYP2D6-tamoxifen guideline (Goetz 2018); FDA table of clinical CYP2D6 inhibitors"
THIOPURINE_SOURCE = "CPIC TPMT/NUDT15-thiopurine guideline, 2018 update (Relling 2019)"


def _genotype(facts: Facts, gene: str):
    """The gene's row if a usable result is recorded (an indeterminate result counts as missing)."""
    row = facts.pharmacogenomics.get(gene)
    return row if row is not None and row.phenotype not in UNKNOWN else None


def dpyd_missing(facts: Facts) -> Finding | None:
    fp = facts.planned(FLUOROPYRIMIDINES)
    if not fp or _genotype(facts, PgxGene.DPYD):
        return None
    return Finding(
        "pgx.dpyd.missing",
        Severity.WARNING,
        f"Fluoropyrimidine planned ({named(fp)}) without a DPYD genotype/phenotype on record: verify DPYD testing "
        "before the first dose; DPD deficiency can cause severe or fatal toxicity.",
        DPYD_SOURCE,
    )


def dpyd_reduced(facts: Facts) -> Finding | None:
    fp = facts.planned(FLUOROPYRIMIDINES)
    row = _genotype(facts, PgxGene.DPYD)
    if not fp or row is None or row.phenotype not in REDUCED:
        return None
    if row.phenotype == PgxPhenotype.POOR:
        advice = (
            "CPIC advises avoiding fluoropyrimidines; if no alternative exists, a strongly reduced dose with early "
            "drug-level monitoring"
        )
    else:
        advice = "CPIC advises a reduced starting dose (about 50%), titrated on tolerance"
    return Finding(
        "pgx.dpyd.reduced",
        Severity.CRITICAL,
        f"DPYD {row.phenotype} metabolizer{_diplotype(row)} with {named(fp)} planned: verify the dose — {advice}.",
        DPYD_SOURCE,
    )


_UGT1A1_DECREASED_ALLELES = frozenset({"*28", "*37", "*6"})


def _ugt1a1_poor(row) -> bool:
    if row.phenotype == PgxPhenotype.POOR:
        return True
    alleles = re.findall(r"\*\d+", row.diplotype or "")
    return len(alleles) == 2 and all(a in _UGT1A1_DECREASED_ALLELES for a in alleles)


def _ugt1a1_poor_with(facts: Facts, drug_class) -> Pharmacogenomic | None:
    """The UGT1A1 row of a poor metabolizer with a drug of ``drug_class`` (an SN-38 source) planned, else None."""
    row = facts.pharmacogenomics.get(PgxGene.UGT1A1)
    return row if facts.planned(drug_class) and row is not None and _ugt1a1_poor(row) else None


def ugt1a1_poor(facts: Facts) -> Finding | None:
    row = _ugt1a1_poor_with(facts, IRINOTECAN)
    if row is None:
        return None
    return Finding(
        "pgx.ugt1a1.poor",
        Severity.CRITICAL,
        f"UGT1A1 poor metabolizer{_diplotype(row)} (e.g. *28/*28) with irinotecan planned: higher risk of severe "
        "neutropenia and diarrhea; verify a reduced starting dose.",
        UGT1A1_SOURCE,
    )


def ugt1a1_sacituzumab(facts: Facts) -> Finding | None:
    """Sacituzumab govitecan releases SN-38, the irinotecan metabolite UGT1A1 clears: its labeling warns of more
    neutropenia with reduced UGT1A1 activity (it gives no genotype-based starting dose)."""
    row = _ugt1a1_poor_with(facts, SACITUZUMAB)
    if row is None:
        return None
    return Finding(
        "pgx.ugt1a1.sacituzumab",
        Severity.WARNING,
        f"UGT1A1 poor metabolizer{_diplotype(row)} with sacituzumab govitecan planned: higher risk of severe "
        "neutropenia, febrile neutropenia and anemia (SN-38); verify close blood-count monitoring and the plan for "
        "withholding or reducing doses.",
        SACITUZUMAB_SOURCE,
    )


def ugt1a1_missing(facts: Facts) -> Finding | None:
    row = facts.pharmacogenomics.get(PgxGene.UGT1A1)
    if not facts.planned(IRINOTECAN) or (row is not None and (row.phenotype not in UNKNOWN or _ugt1a1_poor(row))):
        return None
    return Finding(
        "pgx.ugt1a1.missing",
        Severity.INFO,
        "Irinotecan planned without a UGT1A1 result on record: consider UGT1A1 genotyping (*28) before dosing.",
        UGT1A1_SOURCE,
    )


def _tamoxifen(facts: Facts) -> bool:
    return bool((facts.planned_drugs | facts.active_medication_drugs) & TAMOXIFEN)


def cyp2d6_inhibitor(facts: Facts) -> list[Finding]:
    if not _tamoxifen(facts):
        return []
    findings = []
    strong = facts.active_medication_drugs & STRONG_CYP2D6_INHIBITORS
    if strong:
        findings.append(
            Finding(
                "pgx.cyp2d6.strong_inhibitor",
                Severity.CRITICAL,
                f"Tamoxifen with an active strong CYP2D6 inhibitor ({named(strong)}): it lowers endoxifen, the "
                "active metabolite; avoid the combination — consider venlafaxine as an alternative (e.g. for hot "
                "flashes or depression).",
                CYP2D6_SOURCE,
            )
        )
    moderate = facts.active_medication_drugs & MODERATE_CYP2D6_INHIBITORS
    if moderate:
        findings.append(
            Finding(
                "pgx.cyp2d6.moderate_inhibitor",
                Severity.WARNING,
                f"Tamoxifen with an active moderate CYP2D6 inhibitor ({named(moderate)}): consider an alternative "
                "with little CYP2D6 inhibition (e.g. venlafaxine).",
                CYP2D6_SOURCE,
            )
        )
    return findings


def cyp2d6_metabolizer(facts: Facts) -> Finding | None:
    row = facts.pharmacogenomics.get(PgxGene.CYP2D6)
    if not _tamoxifen(facts) or row is None or row.phenotype not in REDUCED:
        return None
    if row.phenotype == PgxPhenotype.POOR:
        return Finding(
            "pgx.cyp2d6.poor",
            Severity.WARNING,
            f"CYP2D6 poor metabolizer{_diplotype(row)} with tamoxifen: lower endoxifen exposure; consider an "
            "aromatase inhibitor (with ovarian suppression if premenopausal) where appropriate.",
            CYP2D6_SOURCE,
        )
    return Finding(
        "pgx.cyp2d6.intermediate",
        Severity.INFO,
        f"CYP2D6 intermediate metabolizer{_diplotype(row)} with tamoxifen: consider whether an aromatase inhibitor "
        "is an option; avoid CYP2D6 inhibitors.",
        CYP2D6_SOURCE,
    )


_THIOPURINE_GENES = (PgxGene.TPMT, PgxGene.NUDT15)


def thiopurine_missing(facts: Facts) -> Finding | None:
    planned = facts.planned(THIOPURINES)
    missing = [gene for gene in _THIOPURINE_GENES if not _genotype(facts, gene)]
    if not planned or not missing:
        return None
    return Finding(
        "pgx.tpmt_nudt15.missing",
        Severity.WARNING,
        f"Thiopurine planned ({named(planned)}) without a {' and '.join(missing)} result on record: verify "
        "genotyping before dosing; deficiency causes severe myelosuppression at standard doses.",
        THIOPURINE_SOURCE,
    )


def thiopurine_deficient(facts: Facts) -> Finding | None:
    planned = facts.planned(THIOPURINES)
    rows = [row for gene in _THIOPURINE_GENES if (row := _genotype(facts, gene)) and row.phenotype in REDUCED]
    if not planned or not rows:
        return None
    genes = ", ".join(f"{row.gene} {row.phenotype} metabolizer{_diplotype(row)}" for row in rows)
    return Finding(
        "pgx.tpmt_nudt15.deficient",
        Severity.CRITICAL,
        f"{genes} with {named(planned)} planned: risk of life-threatening myelosuppression at standard doses; "
        "verify a reduced starting dose (markedly reduced for a poor metabolizer).",
        THIOPURINE_SOURCE,
    )


def _diplotype(row) -> str:
    return f" ({row.diplotype})" if row.diplotype else ""


RULES = [
    dpyd_reduced,
    dpyd_missing,
    ugt1a1_poor,
    ugt1a1_sacituzumab,
    ugt1a1_missing,
    cyp2d6_inhibitor,
    cyp2d6_metabolizer,
    thiopurine_deficient,
    thiopurine_missing,
]
