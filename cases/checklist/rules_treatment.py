"""Dose and toxicity rules tied to the planned treatment: carboplatin (Calvert), cisplatin and renal function,
anthracyclines and the heart, fertility, performance status (SPEC §5.3)."""

from __future__ import annotations

import re

from cases.checklist import drugs
from cases.checklist.drugs import ANTHRACYCLINES, GONADOTOXIC, HER2_ANTIBODIES, named
from cases.checklist.facts import TREATMENT_MODALITIES, Facts, Finding, Severity
from cases.codes import DiseaseSite, Modality, TreatmentIntent

CARBOPLATIN = frozenset({"carboplatin"})
CISPLATIN = frozenset({"cisplatin"})
GFR_CAP = 125.0

CALVERT_SOURCE = "Calvert 1989; FDA carboplatin dosing guidance (GFR capped at 125 mL/min)"
CISPLATIN_SOURCE = "Galsky 2011 (cisplatin eligibility); FDA cisplatin labeling"
ANTHRACYCLINE_SOURCE = "FDA doxorubicin labeling (cumulative 450-550 mg/m²); ASCO cardiac dysfunction guideline 2017"
LVEF_SOURCE = "FDA doxorubicin and trastuzumab labeling; ASCO cardiac dysfunction guideline 2017"
FERTILITY_SOURCE = "ASCO fertility preservation guideline 2018"
ECOG_SOURCE = "ECOG performance status (Oken 1982); NCCN older adult and treatment-intensity guidance"
POOR_PS_THERAPY_SOURCE = (
    "ASCO top five list for oncology, Choosing Wisely (Schnipper 2012): no cancer-directed therapy for solid tumours "
    "at performance status 3-4 without strong evidence of benefit"
)
DOCETAXEL_HEPATIC_SOURCE = "FDA docetaxel prescribing information, boxed warning on hepatic impairment (2026 labeling)"
BILIRUBIN_ULN_MG_DL = 1.2  # a common laboratory upper limit of normal for total bilirubin; each lab has its own
HEMATOLOGIC = frozenset({DiseaseSite.LYMPHOMA, DiseaseSite.LEUKEMIA, DiseaseSite.MYELOMA})
DRUG_NAMES_SOURCE = (
    "ASHP guidelines on preventing medication errors with chemotherapy and biotherapy (Goldspiel 2015); "
    "Kohler 1998, standardizing the nomenclature of cancer treatment regimens"
)


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


def anthracycline_cumulative(facts: Facts) -> Finding | None:
    planned = facts.planned(ANTHRACYCLINES)
    prior = facts.case.prior_anthracycline_mg_m2
    if not planned or prior is None or prior < ANTHRACYCLINE_APPROACHING:
        return None
    if prior >= ANTHRACYCLINE_LIMIT:
        return Finding(
            "cardio.anthracycline.cumulative",
            Severity.CRITICAL,
            f"Prior cumulative anthracycline {_num(prior)} mg/m² (doxorubicin-equivalent) with {named(planned)} "
            "planned: at or above the 450 mg/m² threshold (cardiotoxicity risk rises over 450-550 mg/m²); verify "
            "whether further anthracycline is appropriate and consider cardio-oncology input.",
            ANTHRACYCLINE_SOURCE,
        )
    return Finding(
        "cardio.anthracycline.approaching",
        Severity.WARNING,
        f"Prior cumulative anthracycline {_num(prior)} mg/m² (doxorubicin-equivalent) with {named(planned)} "
        "planned: the planned course may pass 450 mg/m²; verify the projected cumulative dose.",
        ANTHRACYCLINE_SOURCE,
    )


def _cardiotoxic(facts: Facts) -> frozenset[str]:
    return facts.planned(ANTHRACYCLINES | HER2_ANTIBODIES)


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


REPRODUCTIVE_AGE = (18, 45)
# radiation fields that reach the ovaries, uterus or testes (directly or by scatter)
_GONADOTOXIC_RADIATION = re.compile(
    r"pelvi|\btest(is|es|icul)|\bovar|total[\s-]*body|\btbi\b|craniospinal|\b(meso)?rect(um|al)|\banal\b|\banus\b"
    r"|\bcervi[cx]|\buter|\bvagin|\bvulv|\bprostat|\bbladder|\binguin",
    re.IGNORECASE,
)
_GONADAL_SURGERY = re.compile(r"oophorectom|ovariectom|\bbso\b|hysterectom|orchi(d)?ectom", re.IGNORECASE)


def fertility(facts: Facts) -> Finding | None:
    low, high = REPRODUCTIVE_AGE
    if facts.age is None or not low <= facts.age <= high or facts.case.fertility_preservation_discussed:
        return None
    if Modality.FERTILITY_PRESERVATION in facts.modalities:
        return None
    reasons = []
    drugs = facts.planned(GONADOTOXIC)
    if drugs:
        reasons.append(named(drugs))
    if any(
        c.modality == Modality.RADIATION_THERAPY and _GONADOTOXIC_RADIATION.search(c.detail or "")
        for c in facts.components
    ):
        reasons.append("pelvic/gonadal radiation")
    if any(c.modality == Modality.SURGERY and _GONADAL_SURGERY.search(c.detail or "") for c in facts.components):
        reasons.append("surgery removing or affecting the gonads or uterus")
    if facts.planned(frozenset({"tamoxifen"})):
        reasons.append("years of endocrine therapy (tamoxifen), during which pregnancy is deferred")
    if not reasons:
        return None
    return Finding(
        "fertility.preservation",
        Severity.WARNING,
        f"Patient of reproductive age ({facts.age}) with treatment planned that may affect fertility "
        f"({'; '.join(reasons)}) and no fertility-preservation discussion recorded: consider a fertility "
        "consultation before treatment starts.",
        FERTILITY_SOURCE,
    )


def performance_status(facts: Facts) -> Finding | None:
    ecog = facts.case.ecog
    if ecog is None or ecog < 2:
        return None
    if ecog == 2:
        return Finding(
            "ps.ecog2",
            Severity.INFO,
            "ECOG 2: ambulatory but unable to work; treatment intensity needs careful judgement — verify the plan "
            "fits the patient's performance status.",
            ECOG_SOURCE,
        )
    treatments = facts.modalities & TREATMENT_MODALITIES
    if facts.intent != TreatmentIntent.CURATIVE or len(treatments) < 2:
        return None
    return Finding(
        "ps.ecog_curative_multimodal",
        Severity.WARNING,
        f"ECOG {ecog} with a curative-intent multimodal plan ({', '.join(sorted(treatments))}): consider whether "
        "the patient can tolerate it, or a reduced-intensity or palliative approach.",
        ECOG_SOURCE,
    )


def performance_status_poor(facts: Facts) -> Finding | None:
    """ECOG 3-4 with palliative systemic therapy for a solid tumour, or with a curative operation as the only
    treatment: prompts the board to weigh benefit against the patient's condition (multimodal curative plans:
    ps.ecog_curative_multimodal)."""
    ecog = facts.case.ecog
    if ecog is None or ecog < 3:
        return None
    treatments = facts.modalities & TREATMENT_MODALITIES
    if (
        facts.intent in {TreatmentIntent.PALLIATIVE, TreatmentIntent.DISEASE_CONTROL}
        and Modality.SYSTEMIC_THERAPY in treatments
        and facts.case.primary_site not in HEMATOLOGIC
    ):
        return Finding(
            "ps.ecog_palliative_systemic",
            Severity.WARNING,
            f"ECOG {ecog} with systemic therapy for a solid tumour without curative intent: consider whether it is "
            "likely to help (strong evidence, such as a targeted agent for a driver mutation) or whether best "
            "supportive and palliative care serves the patient better.",
            POOR_PS_THERAPY_SOURCE,
        )
    if facts.intent == TreatmentIntent.CURATIVE and treatments == {Modality.SURGERY}:
        return Finding(
            "ps.ecog_curative_surgery",
            Severity.WARNING,
            f"ECOG {ecog} with a curative operation: consider the operative risk at this performance status "
            "(anaesthetic and geriatric assessment) and whether a less invasive or non-operative approach fits.",
            ECOG_SOURCE,
        )
    return None


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


def drugs_unrecognised(facts: Facts) -> list[Finding]:
    """Fail closed: a systemic therapy whose drugs the checklist cannot all read would silently skip the drug
    safety checks (pharmacogenomics, doses, cardiac and fertility rules); the board is told which, and asked for
    the drugs by their generic names."""
    findings = []
    for reading in facts.readings:
        component = reading.component
        if component.modality != Modality.SYSTEMIC_THERAPY:
            continue
        what = component.detail or ", ".join(component.drugs or []) or "systemic therapy"
        problems = [f"{name} may mean {drugs.AMBIGUOUS[name]}" for name in reading.ambiguous]
        problems += [f'"{name}" is not a drug name the checklist knows' for name in reading.unknown]
        if not reading.drugs and not problems:
            problems.append("no drug is named")
        if problems:
            findings.append(
                Finding(
                    "safety.drugs.unrecognised",
                    Severity.WARNING,
                    f"Safety checks could not run for {what}: {'; '.join(problems)}. List each drug by its generic "
                    "name so that the pharmacogenomic, dose and toxicity checks can run.",
                    DRUG_NAMES_SOURCE,
                )
            )
    return findings


RULES = [
    drugs_unrecognised,
    carboplatin_dose,
    carboplatin_auc_missing,
    carboplatin_gfr_missing,
    cisplatin_renal,
    anthracycline_cumulative,
    lvef_missing,
    lvef_low,
    fertility,
    performance_status,
    performance_status_poor,
    docetaxel_bilirubin,
]
