"""The specialties a case needs (SPEC §5.1): its board's, plus those its biology and intent call for, and whether
a meeting covers them (scheduling/quorum.py counts who is there)."""

from __future__ import annotations

from cases.codes import BiomarkerResult, TreatmentIntent
from scheduling.quorum import Quorum, covered_for_case, specialties_ordered
from specialists.models import Specialty

GERMLINE_GENES = {"BRCA1", "BRCA2"}
POSITIVE = {BiomarkerResult.POSITIVE, BiomarkerResult.DETECTED}


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
