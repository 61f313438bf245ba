"""Agenda allocation throughput: 1,000 cases over 50 meetings vs 10,000 cases over 500 meetings.

Runs the real service (one transaction, compare-and-set reservation and an audit row per case) against
PostgreSQL in a throw-away database, and prints the times and their ratio: ~10 means linear growth.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tumorboard .venv/bin/python bench/allocation.py
"""

import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tumorboard")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def scenario(cases: int, meetings: int) -> float:
    from cases.lifecycle.agenda import agenda_allocate
    from cases.models import Case, Patient
    from scheduling.models import Board, Meeting
    from specialists.models import Institution, User

    suffix = f"{cases}-{meetings}"
    institution = Institution.objects.create(name=f"Bench {suffix}", kind="academic_center")
    user = User.objects.create(username=f"bench-{suffix}", institution=institution)
    board = Board.objects.create(
        name="Bench", institution=institution, duration_minutes=200, minutes_per_case=10, submission_cutoff_hours=1
    )
    start = timezone.now() + datetime.timedelta(days=1)
    Meeting.objects.bulk_create(
        Meeting(
            board=board,
            starts_at=start + datetime.timedelta(days=i),
            ends_at=start + datetime.timedelta(days=i, minutes=200),
            capacity_minutes=200,
        )
        for i in range(meetings)
    )
    patients = Patient.objects.bulk_create(
        Patient(institution=institution, mrn=f"B{i}", name=f"Bench {i}", birth_date=datetime.date(1960, 1, 1))
        for i in range(cases)
    )
    ids = [
        c.pk
        for c in Case.objects.bulk_create(
            Case(
                patient=p,
                institution=institution,
                board=board,
                created_by=user,
                status="submitted",
                primary_site="breast",
                urgency="urgent" if i % 10 == 0 else "routine",
            )
            for i, p in enumerate(patients)
        )
    ]
    began = time.perf_counter()
    placed = sum(1 for case_id in ids if agenda_allocate(case_id=case_id))
    elapsed = time.perf_counter() - began
    assert placed == cases, (placed, cases)  # 20 cases fit a meeting: every case gets a slot
    return elapsed


def main() -> None:
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        small = scenario(1_000, 50)
        print(f"1,000 cases over 50 meetings:    {small:7.2f} s  ({1_000 / small:7.0f} cases/s)")
        large = scenario(10_000, 500)
        print(f"10,000 cases over 500 meetings:  {large:7.2f} s  ({10_000 / large:7.0f} cases/s)")
        print(f"ratio (10x the work): {large / small:.1f}")
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
