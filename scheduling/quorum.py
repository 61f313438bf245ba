"""Quorum (SPEC §5.1): the specialties a meeting and each case need, and which of them are covered.

Before a meeting starts, a specialty is covered by a member who accepted the invitation; once it is
in progress (or completed), by a member who checked in. For a case, the people recorded present for
that case count when any are recorded; otherwise everyone present at the meeting does.
"""

from __future__ import annotations

from dataclasses import dataclass

from cases.codes import BiomarkerResult, TreatmentIntent
from scheduling.models import MeetingStatus, Rsvp
from specialists.models import Specialty

GERMLINE_GENES = {"BRCA1", "BRCA2"}
POSITIVE = {BiomarkerResult.POSITIVE, BiomarkerResult.DETECTED}


@dataclass(frozen=True)
class Quorum:
    met: bool
    missing: list[str]

    def as_dict(self) -> dict:
        return {"met": self.met, "missing": self.missing}


def specialties_ordered(codes) -> list[str]:
    """Specialty codes in the order of SPEC §3, each once."""
    order = {code: i for i, code in enumerate(Specialty.values)}
    return sorted(set(codes), key=lambda c: order.get(c, len(order)))


def specialties_required_for_case(case) -> set[str]:
    """The board's required specialties plus those the case needs: genetics for a germline finding,
    palliative care for palliative intent or ECOG ≥ 3. Uses prefetched biomarkers when present."""
    required = set(case.board.required_specialties if case.board_id else [])
    if any(b.name in GERMLINE_GENES and b.result in POSITIVE for b in case.biomarkers.all()):
        required.add(Specialty.GENETICS)
    if case.treatment_intent == TreatmentIntent.PALLIATIVE or (case.ecog is not None and case.ecog >= 3):
        required.add(Specialty.PALLIATIVE_CARE)
    return required


def covered_specialties(meeting, attendances) -> set[str]:
    """Specialties covered by the given attendance rows (with their users loaded)."""
    started = meeting.status in {MeetingStatus.IN_PROGRESS, MeetingStatus.COMPLETED}
    return {
        a.user.specialty
        for a in attendances
        if a.guest_case_id is None and a.user.specialty and (a.present if started else a.rsvp == Rsvp.ACCEPTED)
    }


def meeting_quorum(meeting, attendances) -> Quorum:
    missing = set(meeting.board.required_specialties) - covered_specialties(meeting, attendances)
    return Quorum(met=not missing, missing=specialties_ordered(missing))


def _covered_for_case(meeting, attendances, present_users) -> set[str]:
    """A remote guest (the second-opinion requester) present for their case covers no board specialty."""
    if present_users:
        guests = {a.user_id for a in attendances if a.guest_case_id is not None}
        return {u.specialty for u in present_users if u.specialty and u.pk not in guests}
    return covered_specialties(meeting, attendances)


def case_quorum(case, meeting, attendances, present_users=()) -> Quorum:
    """Quorum for one case: ``present_users`` are those recorded present for its agenda item."""
    missing = specialties_required_for_case(case) - _covered_for_case(meeting, attendances, present_users)
    return Quorum(met=not missing, missing=specialties_ordered(missing))


def case_specialties_present(case, meeting) -> set[str]:
    """The specialties present for ``case`` at ``meeting``, counted as ``case_quorum`` counts them."""
    from scheduling.models import AgendaItem, AgendaItemStatus

    item = AgendaItem.objects.filter(
        case=case, meeting=meeting, status__in=[AgendaItemStatus.SCHEDULED, AgendaItemStatus.PRESENTED]
    ).first()
    present_users = list(item.present.all()) if item is not None else []
    return _covered_for_case(meeting, meeting.attendances.select_related("user"), present_users)
