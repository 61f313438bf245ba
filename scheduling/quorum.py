"""Quorum (SPEC §5.1): the specialties a meeting and each case need, and which of them are covered.

Before a meeting starts, a specialty is covered by a member who accepted the invitation; once it is
in progress (or completed), by a member who checked in. For a case, the people recorded present for
that case count when any are recorded; otherwise everyone present at the meeting does.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduling.models import AgendaItem, AgendaItemStatus, MeetingStatus, Rsvp
from specialists.models import Specialty


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


def covered_for_case(meeting, attendances, present_users) -> set[str]:
    """A remote guest (the second-opinion requester) present for their case covers no board specialty."""
    if present_users:
        guests = {a.user_id for a in attendances if a.guest_case_id is not None}
        return {u.specialty for u in present_users if u.specialty and u.pk not in guests}
    return covered_specialties(meeting, attendances)


def case_specialties_present(case, meeting) -> set[str]:
    """The specialties present for ``case`` at ``meeting``, counted as ``case_quorum`` counts them."""
    item = AgendaItem.objects.filter(
        case=case, meeting=meeting, status__in=[AgendaItemStatus.SCHEDULED, AgendaItemStatus.PRESENTED]
    ).first()
    present_users = list(item.present.all()) if item is not None else []
    return covered_for_case(meeting, meeting.attendances.select_related("user"), present_users)
