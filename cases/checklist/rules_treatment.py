"""Rules on the planned treatment as a whole: drugs the checklist cannot read (it fails closed), fertility,
performance status (SPEC §5.3). Doses and organ function: rules_doses.py."""

from __future__ import annotations

import re

from cases.checklist import drugs
from cases.checklist.drugs import GONADOTOXIC, named
from cases.checklist.facts import PERFORMANCE_CONVERSION_SOURCE, TREATMENT_MODALITIES, Facts, Finding, Severity
from cases.codes import DiseaseSite, Modality, TreatmentIntent
from cases.quorum import REPRODUCTIVE_AGE

FERTILITY_SOURCE = "ASCO fertility preservation guideline (Oktay 2018)"
ECOG_SOURCE = f"ECOG performance status (Oken 1982); {PERFORMANCE_CONVERSION_SOURCE}"
POOR_PS_THERAPY_SOURCE = (
    "ASCO top five list for oncology, Choosing Wisely (Schnipper 2012): no cancer-directed therapy for solid tumours "
    f"at performance status 3-4 without strong evidence of benefit; {PERFORMANCE_CONVERSION_SOURCE}"
)
HEMATOLOGIC = frozenset({DiseaseSite.LYMPHOMA, DiseaseSite.LEUKEMIA, DiseaseSite.MYELOMA})
DRUG_NAMES_SOURCE = (
    "ASHP guidelines on preventing medication errors with chemotherapy and biotherapy (Goldspiel 2015); "
    "Kohler 1998, standardizing the nomenclature of cancer treatment regimens"
)


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
    if facts.performance is None or facts.performance.ecog < 2:
        return None
    ecog, words = facts.performance.ecog, facts.performance.words
    if ecog == 2:
        return Finding(
            "ps.ecog2",
            Severity.INFO,
            f"{words}: ambulatory but unable to work; treatment intensity needs careful judgement — verify the plan "
            "fits the patient's performance status.",
            ECOG_SOURCE,
        )
    treatments = facts.modalities & TREATMENT_MODALITIES
    if facts.intent != TreatmentIntent.CURATIVE or len(treatments) < 2:
        return None
    return Finding(
        "ps.ecog_curative_multimodal",
        Severity.WARNING,
        f"{words} with a curative-intent multimodal plan ({', '.join(sorted(treatments))}): consider whether "
        "the patient can tolerate it, or a reduced-intensity or palliative approach.",
        ECOG_SOURCE,
    )


def performance_status_poor(facts: Facts) -> Finding | None:
    """ECOG 3-4 with palliative systemic therapy for a solid tumour, or with a curative operation as the only
    treatment: prompts the board to weigh benefit against the patient's condition (multimodal curative plans:
    ps.ecog_curative_multimodal)."""
    if facts.performance is None or facts.performance.ecog < 3:
        return None
    words = facts.performance.words
    treatments = facts.modalities & TREATMENT_MODALITIES
    if (
        facts.intent in {TreatmentIntent.PALLIATIVE, TreatmentIntent.DISEASE_CONTROL}
        and Modality.SYSTEMIC_THERAPY in treatments
        and facts.case.primary_site not in HEMATOLOGIC
    ):
        return Finding(
            "ps.ecog_palliative_systemic",
            Severity.WARNING,
            f"{words} with systemic therapy for a solid tumour without curative intent: consider whether it is "
            "likely to help (strong evidence, such as a targeted agent for a driver mutation) or whether best "
            "supportive and palliative care serves the patient better.",
            POOR_PS_THERAPY_SOURCE,
        )
    if facts.intent == TreatmentIntent.CURATIVE and treatments == {Modality.SURGERY}:
        return Finding(
            "ps.ecog_curative_surgery",
            Severity.WARNING,
            f"{words} with a curative operation: consider the operative risk at this performance status "
            "(anaesthetic and geriatric assessment) and whether a less invasive or non-operative approach fits.",
            ECOG_SOURCE,
        )
    return None


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
    fertility,
    performance_status,
    performance_status_poor,
]
