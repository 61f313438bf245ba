"""The demo's continuing-education credit: the Breast board offers 1 h per meeting (its last four meetings have
their members checked in, and some of them attested, so the roster and the certificates have something to show).
Idempotent, like the rest of the loader. Radiation oncology (``radonc``) checked in to the last meeting without
attesting yet: signed in as them, the meeting page offers the attestation."""

from __future__ import annotations

import datetime
from decimal import Decimal

from scheduling.cme import statement_for
from scheduling.models import Attendance, Board, CmeAttestation, Meeting, Rsvp
from specialists.models import User

CREDIT = {
    "cme_hours": Decimal("1"),
    "cme_accrediting_body": "Riverside University Cancer Center, Office of CME (ACCME-accredited provider)",
    "cme_activity_id": "RSS-BREAST-2026",
}
# meeting index (-1: the last held) → who checked in, and the hours each attested (None: not attested)
CHECK_INS = {
    -1: {"medonc": 1, "surgonc": 1, "radonc": None, "pathologist": Decimal("0.75"), "radiologist": None},
    -2: {"medonc": 1, "surgonc": 1, "radonc": 1, "pathologist": None, "radiologist": 1},
    -3: {"medonc": 1, "radonc": 1, "pathologist": 1, "radiologist": None},
    -4: {"medonc": 1, "surgonc": None, "radonc": 1, "radiologist": 1},
}


def cme_load(*, board: Board, meetings: dict[int, Meeting], users: dict[str, User]) -> int:
    """Credit on ``board``, check-ins and attestations on its last held meetings; returns the attestations."""
    for field, value in CREDIT.items():
        setattr(board, field, value)
    board.save(update_fields=[*CREDIT, "updated_at"])
    attested = 0
    for index, people in CHECK_INS.items():
        meeting = meetings.get(index)
        if meeting is None:
            continue
        meeting.board = board
        for at, (username, hours) in enumerate(people.items()):
            checked_in = meeting.starts_at + datetime.timedelta(minutes=2 + 3 * at)
            attendance, _ = Attendance.objects.update_or_create(
                meeting=meeting,
                user=users[username],
                guest_case=None,
                defaults={"rsvp": Rsvp.ACCEPTED, "present": True, "remote": at % 2 == 1, "checked_in_at": checked_in},
            )
            if hours is None:
                continue
            attestation, created = CmeAttestation.objects.get_or_create(
                attendance=attendance,
                defaults={
                    "hours_claimed": Decimal(hours),
                    "hours_offered": CREDIT["cme_hours"],
                    "accrediting_body": CREDIT["cme_accrediting_body"],
                    "activity_id": CREDIT["cme_activity_id"],
                    "statement": statement_for(meeting),
                },
            )
            if created:  # attested the day after the meeting
                CmeAttestation.objects.filter(pk=attestation.pk).update(
                    created_at=meeting.ends_at + datetime.timedelta(days=1)
                )
            attested += 1
    return attested
