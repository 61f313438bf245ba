"""Dose and organ-function rules: carboplatin (Calvert), cisplatin and renal function, the cumulative anthracycline
dose and the heart (LVEF), hepatic function, and how old the organ-function values are (SPEC §5.3)."""

from __future__ import annotations

from django.conf import settings

from cases.checklist import drugs
from cases.checklist.drugs import CUMULATIVE_CARDIOTOXIC, HER2_ANTIBODIES, named
from cases.checklist.facts import Facts, Finding, Severity
from cases.codes import DiseaseSite, Modality

CARBOPLATIN = frozenset({"carboplatin"})
CISPLATIN = frozenset({"cisplatin"})
GFR_CAP = 125.0

CALVERT_SOURCE = (
    "Calvert formula (Calvert 1989); FDA carboplatin dosing communication (October 2010): GFR capped at 125 mL/min"
)
CISPLATIN_SOURCE = "Galsky 2011 (cisplatin eligibility); FDA cisplatin labeling"
ANTHRACYCLINE_SOURCE = (
    "FDA doxorubicin labeling (openFDA label records, 2026), boxed warning: cardiomyopathy in 1-20% at cumulative "
    "300-500 mg/m² (5-8% at 450), prior anthracyclines and anthracenediones counted; doxorubicin-equivalence: "
    "Feijen 2019 (JAMA Oncol), 2022 ESC cardio-oncology guideline (Lyon 2022); ASCO cardiac dysfunction guideline "
    "(Armenian 2017)"
)
LVEF_SOURCE = "FDA doxorubicin and trastuzumab labeling; ASCO cardiac dysfunction guideline (Armenian 2017)"
DOCETAXEL_HEPATIC_SOURCE = "FDA docetaxel prescribing information, boxed warning on hepatic impairment (2026 labeling)"
IRINOTECAN_HEPATIC_SOURCE = "FDA irinotecan (Camptosar) labeling, dosage in hepatic impairment (2022 labeling)"
TAXANE_HEPATIC_SOURCE = (
    "FDA paclitaxel labeling, hepatic impairment dosing table (from CALGB 9264, Venook 1998); FDA nab-paclitaxel "
    "(Abraxane) labeling, hepatic impairment (accessed 2026)"
)
ANTHRACYCLINE_HEPATIC_SOURCE = (
    "FDA doxorubicin labeling (Pfizer) and epirubicin (Ellence) labeling, dose modification for hepatic impairment "
    "(accessed 2026)"
)
LAB_DATES_SOURCE = (
    "The board's policy (settings CHECKLIST_LAB_MAX_AGE_DAYS, CHECKLIST_LVEF_MAX_AGE_DAYS); ASCO-ONS antineoplastic "
    "therapy administration safety standards (Siegel 2024): laboratory values reviewed before treatment; FDA "
    "doxorubicin and epirubicin labeling: baseline bilirubin, creatinine and LVEF"
)
BILIRUBIN_ULN_MG_DL = 1.2  # a common laboratory upper limit of normal for total bilirubin; each lab has its own


def _num(value: float) -> str:
    """A number as people write it: 5, 2.5, 60, 72.4."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def calvert_dose(target_auc: float, gfr_ml_min: float) -> float:
    """Carboplatin dose (mg) = target AUC (mg/mL·min) x (GFR (mL/min) + 25)."""
    return target_auc * (gfr_ml_min + 25)


def carboplatin_dose(facts: Facts) -> list[Finding]:
    """The Calvert dose for each target AUC of the plan, with the capped-GFR dose when the GFR exceeds 125."""
    gfr = facts.case.gfr_ml_min
    if gfr is None or not facts.planned(CARBOPLATIN):
        return []
    aucs = sorted({c.target_auc for c in facts.components_with(CARBOPLATIN) if c.target_auc is not None})
    findings = []
    for auc in aucs:
        dose = calvert_dose(auc, gfr)
        message = (
            f"Carboplatin by the Calvert formula: AUC {_num(auc)} x (GFR {_num(gfr)} + 25) = {dose:.0f} mg; "
            "verify against the prescribed dose."
        )
        severity = Severity.INFO
        if gfr > GFR_CAP:
            capped = calvert_dose(auc, GFR_CAP)
            message = (
                f"Carboplatin by the Calvert formula: AUC {_num(auc)} x (GFR {_num(gfr)} + 25) = {dose:.0f} mg "
                f"uncapped; with the GFR capped at 125 mL/min, AUC {_num(auc)} x (125 + 25) = {capped:.0f} mg "
                "(maximum dose). Verify the GFR estimate and the prescribed dose."
            )
            severity = Severity.WARNING
        findings.append(Finding("dose.carboplatin.calvert", severity, message, CALVERT_SOURCE))
    return findings


def carboplatin_auc_missing(facts: Facts) -> Finding | None:
    components = facts.components_with(CARBOPLATIN)
    if not components or all(c.target_auc is not None for c in components):
        return None
    return Finding(
        "dose.carboplatin.auc_missing",
        Severity.WARNING,
        "Carboplatin planned without a target AUC: the Calvert dose cannot be computed; verify the target AUC.",
        CALVERT_SOURCE,
    )


def carboplatin_gfr_missing(facts: Facts) -> Finding | None:
    if facts.case.gfr_ml_min is not None or not facts.planned(CARBOPLATIN):
        return None
    return Finding(
        "dose.carboplatin.gfr_missing",
        Severity.WARNING,
        "Carboplatin planned without a GFR/creatinine clearance on record: the Calvert dose "
        "(AUC x (GFR + 25)) cannot be computed; verify renal function.",
        CALVERT_SOURCE,
    )


def cisplatin_renal(facts: Facts) -> Finding | None:
    gfr = facts.case.gfr_ml_min
    if not facts.planned(CISPLATIN) or gfr is None or gfr >= 60:
        return None
    return Finding(
        "renal.cisplatin.low_gfr",
        Severity.WARNING,
        f"Cisplatin planned with a GFR of {_num(gfr)} mL/min (below 60): verify cisplatin eligibility and consider "
        "alternatives.",
        CISPLATIN_SOURCE,
    )


ANTHRACYCLINE_LIMIT = 450.0
ANTHRACYCLINE_APPROACHING = 400.0
# Doxorubicin-equivalent factors for cardiotoxicity: Feijen 2019 (JAMA Oncol) for daunorubicin, epirubicin and
# mitoxantrone, the 2022 ESC cardio-oncology guideline (Lyon 2022) for idarubicin (from anticancer efficacy; Feijen
# could not estimate one). Liposomal doxorubicin has no published ratio: it is counted 1:1, the cautious choice.
DOXORUBICIN_EQUIVALENT = {
    "doxorubicin": 1.0,
    "liposomal doxorubicin": 1.0,
    "daunorubicin": 0.6,
    "epirubicin": 0.8,
    "idarubicin": 5.0,
    "mitoxantrone": 10.5,
}


def prior_anthracycline(case) -> float | None:
    """Prior exposure in doxorubicin-equivalent mg/m²: the per-drug list converted, plus the figure recorded already
    as doxorubicin-equivalent; None when neither is recorded (0 is "none")."""
    if case.prior_anthracycline_mg_m2 is None and not case.prior_anthracyclines:
        return None
    converted = sum(DOXORUBICIN_EQUIVALENT[p["drug"]] * p["cumulative_mg_m2"] for p in case.prior_anthracyclines)
    return (case.prior_anthracycline_mg_m2 or 0) + converted


def _planned_courses(facts: Facts) -> tuple[float, list[str], list[str]]:
    """The planned anthracycline courses: the doxorubicin-equivalent total of those with one such drug, a dose
    per cycle and cycles, how each was counted, and the ones that cannot be counted."""
    total, counted, uncounted = 0.0, [], []
    for reading in facts.readings:
        agents = reading.drugs & CUMULATIVE_CARDIOTOXIC
        if not agents:
            continue
        component = reading.component
        if len(agents) == 1 and component.dose_mg_m2 is not None and component.cycles:
            drug = next(iter(agents))
            factor = DOXORUBICIN_EQUIVALENT[drug]
            course = factor * component.dose_mg_m2 * component.cycles
            total += course
            conversion = f" x {factor:g}" if factor != 1 else ""
            counted.append(f"{drug} {_num(component.dose_mg_m2)} mg/m² x {component.cycles}{conversion} = {course:.0f}")
        else:
            uncounted.append(component.detail or named(agents))
    return total, counted, uncounted


def anthracycline_cumulative(facts: Facts) -> list[Finding]:
    """The projected cumulative dose (prior exposure plus the planned course, in doxorubicin-equivalents) against
    450 mg/m²; prior exposure asked for when none is recorded; a course without dose and cycles named."""
    planned = facts.planned(CUMULATIVE_CARDIOTOXIC)
    if not planned:
        return []
    findings = []
    prior = prior_anthracycline(facts.case)
    if prior is None:
        findings.append(
            Finding(
                "cardio.anthracycline.prior_missing",
                Severity.WARNING,
                f"{named(planned).capitalize()} planned with no prior anthracycline exposure recorded: record prior "
                "anthracyclines and mitoxantrone by drug (0 if none) so that the cumulative dose can be projected.",
                ANTHRACYCLINE_SOURCE,
            )
        )
    course, counted, uncounted = _planned_courses(facts)
    if uncounted:
        findings.append(
            Finding(
                "cardio.anthracycline.course_unknown",
                Severity.WARNING if prior else Severity.INFO,
                f"The planned course of {'; '.join(uncounted)} cannot be added to the cumulative anthracycline dose: "
                "record its dose per cycle (mg/m², of the anthracycline) and its number of cycles.",
                ANTHRACYCLINE_SOURCE,
            )
        )
    projected = (prior or 0) + course
    if projected < ANTHRACYCLINE_APPROACHING:
        return findings
    parts = [f"prior {_num(prior)}" if prior is not None else "no prior exposure recorded", *counted]
    account = f"{projected:.0f} mg/m² doxorubicin-equivalent ({'; planned '.join(parts)})"
    if uncounted:
        account += ", not counting the course without dose and cycles"
    if projected >= ANTHRACYCLINE_LIMIT:
        findings.append(
            Finding(
                "cardio.anthracycline.cumulative",
                Severity.CRITICAL,
                f"Projected cumulative anthracycline {account} with {named(planned)} planned: at or above "
                "450 mg/m², where the risk of cardiomyopathy rises steeply; verify whether further anthracycline is "
                "appropriate, consider a non-anthracycline regimen and cardio-oncology input.",
                ANTHRACYCLINE_SOURCE,
            )
        )
    else:
        findings.append(
            Finding(
                "cardio.anthracycline.approaching",
                Severity.WARNING,
                f"Projected cumulative anthracycline {account} with {named(planned)} planned: approaching "
                "450 mg/m²; verify the cumulative dose and the cardiac monitoring plan.",
                ANTHRACYCLINE_SOURCE,
            )
        )
    return findings


def _cardiotoxic(facts: Facts) -> frozenset[str]:
    return facts.planned(CUMULATIVE_CARDIOTOXIC | HER2_ANTIBODIES)


def lvef_missing(facts: Facts) -> Finding | None:
    planned = _cardiotoxic(facts)
    if not planned or facts.case.lvef_percent is not None:
        return None
    return Finding(
        "cardio.lvef.missing",
        Severity.WARNING,
        f"{named(planned).capitalize()} planned without a baseline LVEF on record: verify an echocardiogram or "
        "MUGA before treatment.",
        LVEF_SOURCE,
    )


LVEF_LOW = 50.0


def lvef_low(facts: Facts) -> Finding | None:
    planned = _cardiotoxic(facts)
    lvef = facts.case.lvef_percent
    if not planned or lvef is None or lvef >= LVEF_LOW:
        return None
    return Finding(
        "cardio.lvef.low",
        Severity.WARNING,
        f"Baseline LVEF {_num(lvef)}% (below 50%) with {named(planned)} planned: consider cardio-oncology input "
        "and whether the cardiotoxic agent is appropriate.",
        LVEF_SOURCE,
    )


def docetaxel_bilirubin(facts: Facts) -> Finding | None:
    """Docetaxel's boxed warning: avoid it when bilirubin is above the upper limit of normal."""
    bilirubin = facts.case.bilirubin_mg_dl
    if bilirubin is None or bilirubin <= BILIRUBIN_ULN_MG_DL or not facts.planned(frozenset({"docetaxel"})):
        return None
    return Finding(
        "hepatic.docetaxel.bilirubin",
        Severity.CRITICAL,
        f"Bilirubin {_num(bilirubin)} mg/dL, above the usual upper limit of normal ({_num(BILIRUBIN_ULN_MG_DL)}), with "
        "docetaxel planned: its labeling advises avoiding docetaxel when bilirubin exceeds the laboratory's upper "
        "limit of normal (treatment-related deaths are more frequent); check the laboratory's range and the plan.",
        DOCETAXEL_HEPATIC_SOURCE,
    )


def irinotecan_bilirubin(facts: Facts) -> Finding | None:
    """Irinotecan is cleared by the liver: its labeling gives no dose above a bilirubin of 2 mg/dL and suggests a
    lower starting dose above normal."""
    bilirubin = facts.case.bilirubin_mg_dl
    if bilirubin is None or bilirubin <= BILIRUBIN_ULN_MG_DL or not facts.planned(drugs.IRINOTECAN):
        return None
    if bilirubin > 2:
        return Finding(
            "hepatic.irinotecan.bilirubin",
            Severity.CRITICAL,
            f"Bilirubin {_num(bilirubin)} mg/dL with irinotecan planned: its labeling gives no dose for bilirubin "
            "above 2 mg/dL (insufficient information); verify whether irinotecan is appropriate.",
            IRINOTECAN_HEPATIC_SOURCE,
        )
    return Finding(
        "hepatic.irinotecan.bilirubin",
        Severity.WARNING,
        f"Bilirubin {_num(bilirubin)} mg/dL, above the usual upper limit of normal, with irinotecan planned: more "
        "severe neutropenia at raised bilirubin; its labeling suggests a starting dose one level lower.",
        IRINOTECAN_HEPATIC_SOURCE,
    )


def taxane_bilirubin(facts: Facts) -> Finding | None:
    """Paclitaxel's labeling lowers the first dose above 1.25 x ULN and advises against it above 5 x ULN; nab-paclitaxel
    is not recommended above 5 x ULN (above 1.5 x ULN in pancreatic cancer)."""
    bilirubin = facts.case.bilirubin_mg_dl
    planned = facts.planned(frozenset({"paclitaxel", "nab-paclitaxel"}))
    if bilirubin is None or not planned:
        return None
    times = bilirubin / BILIRUBIN_ULN_MG_DL
    pancreas = facts.case.primary_site == DiseaseSite.PANCREAS
    nab_limit = 1.5 if pancreas else 5
    if times > 5 or ("nab-paclitaxel" in planned and times > nab_limit):
        return Finding(
            "hepatic.taxane.bilirubin",
            Severity.CRITICAL,
            f"Bilirubin {_num(bilirubin)} mg/dL ({times:.1f} x the usual upper limit of normal) with {named(planned)} "
            "planned: its labeling does not recommend it at this level of hepatic impairment; verify the plan.",
            TAXANE_HEPATIC_SOURCE,
        )
    if "paclitaxel" in planned and times > 1.25:
        return Finding(
            "hepatic.taxane.bilirubin",
            Severity.WARNING,
            f"Bilirubin {_num(bilirubin)} mg/dL ({times:.1f} x the usual upper limit of normal) with paclitaxel "
            "planned: its labeling lowers the first-course dose (3-hour infusion: 135 mg/m² at 1.26-2 x ULN, "
            "90 mg/m² at 2.01-5 x ULN); verify the dose.",
            TAXANE_HEPATIC_SOURCE,
        )
    return None


# The labeled dose by bilirubin (mg/dL), highest band first: (from, severity, what the labeling says).
_ANTHRACYCLINE_HEPATIC = {
    "doxorubicin": (
        (5.01, Severity.CRITICAL, "contraindicated in severe hepatic impairment (bilirubin above 5 mg/dL)"),
        (3.1, Severity.WARNING, "dose reduced by 75% at bilirubin 3.1-5 mg/dL"),
        (1.2, Severity.WARNING, "dose reduced by 50% at bilirubin 1.2-3 mg/dL"),
    ),
    "epirubicin": (
        (3.01, Severity.WARNING, "a quarter of the starting dose at bilirubin above 3 mg/dL"),
        (1.2, Severity.WARNING, "half the starting dose at bilirubin 1.2-3 mg/dL"),
    ),
}


def anthracycline_bilirubin(facts: Facts) -> list[Finding]:
    bilirubin = facts.case.bilirubin_mg_dl
    if bilirubin is None:
        return []
    findings = []
    for drug in sorted(facts.planned(frozenset(_ANTHRACYCLINE_HEPATIC))):
        band = next((band for band in _ANTHRACYCLINE_HEPATIC[drug] if bilirubin >= band[0]), None)
        if band is not None:
            _, severity, labeled = band
            findings.append(
                Finding(
                    "hepatic.anthracycline.bilirubin",
                    severity,
                    f"Bilirubin {_num(bilirubin)} mg/dL with {drug} planned: its labeling says {labeled}; verify the "
                    "dose.",
                    ANTHRACYCLINE_HEPATIC_SOURCE,
                )
            )
    return findings


def organ_function_dates(facts: Facts) -> list[Finding]:
    """A GFR or bilirubin older than the board's limit with systemic therapy planned, an LVEF older than its limit
    with a cardiotoxic agent planned; a value with no date is asked for its date."""
    case = facts.case
    systemic = Modality.SYSTEMIC_THERAPY in facts.modalities or bool(facts.planned_drugs)
    lab_limit, lvef_limit = settings.CHECKLIST_LAB_MAX_AGE_DAYS, settings.CHECKLIST_LVEF_MAX_AGE_DAYS
    values = [
        ("GFR", case.gfr_ml_min, "mL/min", case.gfr_date, lab_limit, systemic, "systemic therapy"),
        ("bilirubin", case.bilirubin_mg_dl, "mg/dL", case.bilirubin_date, lab_limit, systemic, "systemic therapy"),
        ("LVEF", case.lvef_percent, "%", case.lvef_date, lvef_limit, bool(_cardiotoxic(facts)), "a cardiotoxic agent"),
    ]
    findings = []
    for label, value, unit, measured, limit, relevant, treatment in values:
        if value is None or not relevant:
            continue
        shown = f"{label} {_num(value)}{'' if unit == '%' else ' '}{unit}"
        if measured is None:
            findings.append(
                Finding(
                    "labs.undated",
                    Severity.INFO,
                    f"{shown} recorded without the date it was measured, with {treatment} planned: record the date "
                    "so that the board knows it is current.",
                    LAB_DATES_SOURCE,
                )
            )
            continue
        age = (facts.today - measured).days
        if age > limit:
            findings.append(
                Finding(
                    "labs.stale",
                    Severity.WARNING,
                    f"{shown} was measured {age} days ago (the board's limit is {limit} days) with {treatment} "
                    "planned: verify a current value before dosing.",
                    LAB_DATES_SOURCE,
                )
            )
    return findings


RULES = [
    carboplatin_dose,
    carboplatin_auc_missing,
    carboplatin_gfr_missing,
    cisplatin_renal,
    anthracycline_cumulative,
    lvef_missing,
    lvef_low,
    docetaxel_bilirubin,
    irinotecan_bilirubin,
    taxane_bilirubin,
    anthracycline_bilirubin,
    organ_function_dates,
]
