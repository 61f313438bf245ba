"""The specialties a case needs (SPEC §5.1): its board's, plus those its biology and intent call for, and whether
a meeting covers them (scheduling/quorum.py counts who is there); and the specialties that review it before the
meeting (its review tasks): those, plus nurse navigation for financial or fertility needs."""

from __future__ import annotations

import datetime

from cases.codes import BiomarkerResult, FinancialNavigation, TreatmentIntent
from scheduling.quorum import Quorum, covered_for_case, specialties_ordered
from specialists.models import Specialty

GERMLINE_GENES = {"BRCA1", "BRCA2"}
POSITIVE = {BiomarkerResult.POSITIVE, BiomarkerResult.DETECTED}
# ASCO fertility preservation guideline (Oktay 2018): discuss fertility with every patient of reproductive age before
# treatment starts (the checklist's fertility rule uses the same ages)
REPRODUCTIVE_AGE = (18, 45)
NAVIGATION_SOURCE = (
    "NCCN health-related social needs recommendations (2023); ASCO communication guideline (Gilligan 2017): a patient "
    "referred for financial navigation; ASCO fertility preservation guideline (Oktay 2018): a patient of reproductive "
    "age without a fertility-preservation discussion recorded"
)


def specialties_required_for_case(case) -> set[str]:
    """The board's required specialties plus those the case needs: genetics for a germline finding,
    palliative care for palliative intent or ECOG ≥ 3. Uses prefetched biomarkers when present."""
    required = set(case.board.required_specialties if case.board_id else [])
    if any(b.name in GERMLINE_GENES and b.result in POSITIVE for b in case.biomarkers.all()):
        required.add(Specialty.GENETICS)
    if case.treatment_intent == TreatmentIntent.PALLIATIVE or (case.ecog is not None and case.ecog >= 3):
        required.add(Specialty.PALLIATIVE_CARE)
    return required


def case_quorum(case, meeting, attendances, present_users=()) -> Quorum:
    """Quorum for one case: ``present_users`` are those recorded present for its agenda item."""
    missing = specialties_required_for_case(case) - covered_for_case(meeting, attendances, present_users)
    return Quorum(met=not missing, missing=specialties_ordered(missing))


def specialties_to_review(case, today: datetime.date) -> set[str]:
    """Who reviews the case before its meeting (a review task each): the specialties it needs
    (``specialties_required_for_case``), and nurse navigation when the patient was referred for financial navigation
    or is of reproductive age with no fertility-preservation discussion recorded (NAVIGATION_SOURCE). Reads
    ``case.patient``."""
    needed = specialties_required_for_case(case)
    low, high = REPRODUCTIVE_AGE
    fertility = not case.fertility_preservation_discussed and low <= case.patient.age_on(today) <= high
    if case.financial_navigation == FinancialNavigation.REFERRED or fertility:
        needed.add(Specialty.NURSE_NAVIGATION)
    return needed
