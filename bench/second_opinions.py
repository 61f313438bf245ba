"""Second opinions: routing throughput (requests routed per second, in-process, as a worker runs them),
report rendering (reports per second, JSON and PDF), and the turnaround analytics at 500 and 5,000
requests (milliseconds per call, and its queries).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tumorboard .venv/bin/python bench/second_opinions.py
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

ROUTED = 200


def world():
    from scheduling.models import Board, Meeting
    from specialists.models import BoardMembership, Institution, User

    academic = Institution.objects.create(name="Bench academic", kind="academic_center")
    community = Institution.objects.create(name="Bench community", kind="community_hospital")
    for site in ("breast", "lung", "colorectal"):
        board = Board.objects.create(name=site, institution=academic, disease_sites=[site], timezone="Europe/Paris")
        coordinator = User.objects.create(username=f"coord-{site}", institution=academic, email=f"{site}@x.org")
        BoardMembership.objects.create(user=coordinator, board=board, role="coordinator")
        start = timezone.now() + datetime.timedelta(days=2)
        Meeting.objects.bulk_create(
            Meeting(
                board=board,
                starts_at=start + datetime.timedelta(days=7 * week),
                ends_at=start + datetime.timedelta(days=7 * week, hours=1),
                capacity_minutes=60,
            )
            for week in range(8)
        )
    referrer = User.objects.create(username="referrer", institution=community, email="ref@x.org")
    return academic, community, referrer


def requests(academic, community, referrer, n: int, *, routed: bool):
    from cases.models import Case, Patient, SecondOpinion

    start = Patient.objects.count()
    patients = Patient.objects.bulk_create(
        Patient(institution=community, mrn=f"B{start + i}", name="Bench", birth_date=datetime.date(1960, 1, 1))
        for i in range(n)
    )
    sites = ("breast", "lung", "colorectal")
    cases = Case.objects.bulk_create(
        Case(patient=p, institution=community, created_by=referrer, primary_site=sites[i % 3])
        for i, p in enumerate(patients)
    )
    now = timezone.now()
    rows = []
    for i, case in enumerate(cases):
        created = now - datetime.timedelta(days=60)
        done = routed and i % 5 != 0
        rows.append(
            SecondOpinion(
                case=case,
                requesting_institution=community,
                target_institution=academic,
                requested_by=referrer,
                reason="bench",
                questions=["q"],
                urgency="urgent" if i % 4 == 0 else "routine",
                status="report_sent" if done else "requested",
                due_at=created + datetime.timedelta(days=14) if routed else None,
                routed_at=created if routed else None,
                report_sent_at=created + datetime.timedelta(hours=24 + (i * 37) % 300) if done else None,
            )
        )
    objs = SecondOpinion.objects.bulk_create(rows)
    SecondOpinion.objects.filter(pk__in=[o.pk for o in objs]).update(created_at=now - datetime.timedelta(days=60))
    return objs


def main() -> None:
    from cases.services.second_opinions import second_opinion_route
    from cases.turnaround import turnaround_stats
    from specialists.models import User

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        academic, community, referrer = world()
        unrouted = requests(academic, community, referrer, ROUTED, routed=False)
        began = time.perf_counter()
        for so in unrouted:
            assert second_opinion_route(request_id=so.pk) == "routed"
        elapsed = time.perf_counter() - began
        print(f"routing: {ROUTED} requests in {elapsed:.2f} s = {ROUTED / elapsed:.0f} requests/s (with notifications)")
        admin = User.objects.create(username="bench-admin", is_superuser=True)
        total = ROUTED
        for size in (500, 5000):
            requests(academic, community, referrer, size - total, routed=True)
            total = size
            turnaround_stats(admin)  # warm
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                for _ in range(10):
                    stats = turnaround_stats(admin)
                ms = (time.perf_counter() - began) * 100
            print(
                f"turnaround analytics at {size:5d} requests: {ms:6.1f} ms per call, "
                f"{len(queries) // 10} queries; median {stats['median_hours']} h, p90 {stats['p90_hours']} h, "
                f"overdue {stats['overdue_count']}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
