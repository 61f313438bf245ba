"""Analytics and the dashboard at network scale: p50/p95 of the change-rate statistics (``plan_change_stats``), the case
volume (``case_volume``) and the coordinator's dashboard (``_dashboard``) for a coordinator whose board has 1,000
cases and one whose board has 100,000, in the same throw-away database; prints the ratios (issue 20's goal: p95 at
100k within 1.5 times the 1k figure).

Each figure three times: "cold", the first load after a committed write of one of the coordinator's cases (a follow-up
recorded: what a coordinator sees after a change in their board's work; the analytics are kept in parts by case,
tumorboard/figures.py, and that write makes its case's part stale); "all stale", the first load after a write that
makes every part stale (a board's row); and "warm", a load with nothing written since the last one. The cache is the
broker's Redis when CELERY_BROKER_URL names one (as deployed), else process memory.

Each case of the world has a proposed and a board plan, a change record (one in three changed) and, for half of them,
a follow-up; one in twenty is waiting for a meeting. Generated with bulk inserts (a few minutes at 100k).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tumorboard CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/analytics.py [--cases 100000] [--keep]

``--keep`` keeps the database (``test_`` + its name) and its world for the next ``--keep`` run.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tumorboard")
# The figures cache on, in the broker's Redis as deployed (tumorboard/figures.py), else in this process's memory.
os.environ.setdefault("FIGURES_CACHE_SECONDS", "300")
_broker = os.environ.get("CELERY_BROKER_URL", "")
os.environ.setdefault("TEST_CACHE_URL", _broker if _broker.startswith("redis") else "locmem://")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

ROUNDS = 15
BATCH = 5_000
BIRTH = datetime.date(1960, 1, 1)


def world(cases: int, tag: str):
    """A board with ``cases`` cases and its coordinator (who sees them through the board)."""
    from cases.models import Case, ChangeRecord, FollowUp, Patient, Plan
    from scheduling.models import Board
    from specialists.models import BoardMembership, Institution, User

    institution = Institution.objects.create(name=f"Bench {tag}", kind="academic_center")
    coordinator = User.objects.create(username=f"bench-{tag}", institution=institution, specialty="medical_oncology")
    board = Board.objects.create(name=f"Bench {tag}", institution=institution, minutes_per_case=10)
    BoardMembership.objects.create(board=board, user=coordinator, role="coordinator")
    now = timezone.now()
    for start in range(0, cases, BATCH):
        n = min(BATCH, cases - start)
        patients = Patient.objects.bulk_create(
            Patient(institution=institution, mrn=f"{tag}-{start + i}", name="Bench", birth_date=BIRTH) for i in range(n)
        )
        rows = Case.objects.bulk_create(
            Case(
                patient=p,
                institution=institution,
                board=board,
                created_by=coordinator,
                status="submitted" if (start + i) % 20 == 0 else "closed",
                submitted_at=now - datetime.timedelta(days=(start + i) % 720),
                primary_site=("breast", "lung", "colorectal", "prostate")[(start + i) % 4],
            )
            for i, p in enumerate(patients)
        )
        decided = [c for c in rows if c.status == "closed"]
        proposed = Plan.objects.bulk_create(
            Plan(case=c, kind="proposed", version=1, intent="curative", created_by=coordinator) for c in decided
        )
        recommended = Plan.objects.bulk_create(
            Plan(case=c, kind="board", version=1, intent="curative", consensus="unanimous", created_by=coordinator)
            for c in decided
        )
        ChangeRecord.objects.bulk_create(
            ChangeRecord(
                case=c,
                board=board,
                basis="proposed",
                from_plan=p,
                to_plan=r,
                decided_at=c.submitted_at + datetime.timedelta(days=7),
                changed=c.pk % 3 == 0,
                intent_changed=c.pk % 3 == 0,
                summary="",
            )
            for c, p, r in zip(decided, proposed, recommended, strict=True)
        )
        with connection.cursor() as cursor:  # a board plan is recorded when it is decided
            cursor.execute(
                "UPDATE cases_plan SET created_at = record.decided_at FROM cases_changerecord record "
                "WHERE cases_plan.id = record.to_plan_id AND record.case_id = ANY(%s)",
                [[c.pk for c in decided]],
            )
        FollowUp.objects.bulk_create(
            FollowUp(case=c, plan=r, implemented="yes", recorded_by=coordinator)
            for c, r in zip(decided, recommended, strict=True)
            if c.pk % 2 == 0
        )
    return coordinator


def timings(call, rounds: int = ROUNDS, before=None) -> tuple[float, float]:
    call()  # warm
    times = []
    for _ in range(rounds):
        if before is not None:
            before()
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def a_case_written(user):
    """A committed write of one of ``user``'s cases (a follow-up's note changed and put back: the world is left as it
    was), a different case each time: the next load of its figures is cold for that case's part."""
    from cases.models import FollowUp

    cases = iter(
        FollowUp.objects.filter(case__board__name=f"Bench {user.username[6:]}", plan__kind="board").order_by("?")
    )

    def write():
        follow_up = next(cases)
        FollowUp.objects.filter(pk=follow_up.pk).update(note="bench")
        FollowUp.objects.filter(pk=follow_up.pk).update(note=follow_up.note)

    return write


def a_board_written() -> None:
    """A committed write of a board's row (unchanged): every part of every figure is stale."""
    from django.db.models import F

    from scheduling.models import Board

    Board.objects.filter(name="Bench small").update(minutes_per_case=F("minutes_per_case"))


def main() -> None:
    from cases.analytics import case_volume, plan_change_stats
    from scheduling.pages.overview import _dashboard
    from specialists.models import User

    large_n = int(sys.argv[sys.argv.index("--cases") + 1]) if "--cases" in sys.argv else 100_000
    keep = "--keep" in sys.argv
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=not keep, keepdb=keep)
    try:
        began = time.perf_counter()
        if keep and User.objects.filter(username="bench-large").exists():
            small, large = User.objects.get(username="bench-small"), User.objects.get(username="bench-large")
            print("world: kept from the last --keep run")
        else:
            small, large = world(1_000, "small"), world(large_n, "large")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"world: 1,000 + {large_n:,} cases in {time.perf_counter() - began:.0f} s")
        print(f"figures cache: {settings.CACHES['default']['BACKEND']}, {settings.FIGURES_CACHE_SECONDS} s")
        for label, call in (
            ("plan_change_stats", plan_change_stats),
            ("case_volume", case_volume),
            ("dashboard", _dashboard),
        ):
            for load, before_small, before_large in (
                ("cold", a_case_written(small), a_case_written(large)),
                ("all stale", a_board_written, a_board_written),
                ("warm", None, None),
            ):
                p50_small, p95_small = timings(lambda call=call: call(small), before=before_small)
                p50_large, p95_large = timings(lambda call=call: call(large), before=before_large)
                print(
                    f"{label:<18} {load:<9} 1k p50 {p50_small * 1000:7.1f} ms p95 {p95_small * 1000:7.1f} ms   "
                    f"{large_n // 1000}k p50 {p50_large * 1000:7.1f} ms p95 {p95_large * 1000:7.1f} ms   "
                    f"p95 ratio {p95_large / p95_small:6.1f} (goal ≤ 1.5)"
                )
    finally:
        connection.close()
        if not keep:
            creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
