"""Agenda allocation throughput: the sweep placing 1,000 cases over 50 meetings and 10,000 cases over 500 meetings, each
against its baseline, a bulk insert of the same agenda rows in the same run.

Runs the real sweep (``cases.tasks.agenda_sweep``: batches of cases, one transaction each, their meetings locked once,
items, statuses, transitions and audit rows written a statement each) against PostgreSQL in a throw-away database,
with a real Celery worker taking the packet builds it enqueues from Redis, as in production. Prints the times and the
ratios: allocation ÷ bulk insert (the goal: ≤ 20) and 10k ÷ 1k (~10 means linear growth). The worker is stopped and
its queue emptied at the end (it would otherwise go on rendering 11,000 packets).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tumorboard CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/allocation.py [--per-case]

``--per-case`` also times 1,000 cases allocated one at a time (``agenda_allocate``, what the submit task does).
"""

import datetime
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tumorboard")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-allocation-media-"))
if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
    sys.exit("Set CELERY_BROKER_URL to a Redis database of your own: the bench runs a real worker on it.")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

CASES_PER_MEETING = 20


def world(cases: int, meetings: int, tag: str) -> list[int]:
    """A board with ``meetings`` meetings ahead, each with room for 20 cases, and ``cases`` submitted cases (one in ten
    urgent); returns the case ids."""
    from cases.models import Case, Patient
    from scheduling.models import Board, Meeting
    from specialists.models import Institution, User

    institution = Institution.objects.create(name=f"Bench {tag}", kind="academic_center")
    user = User.objects.create(username=f"bench-{tag}", institution=institution)
    board = Board.objects.create(
        name="Bench", institution=institution, duration_minutes=200, minutes_per_case=10, submission_cutoff_hours=1
    )
    start = timezone.now() + datetime.timedelta(days=1)
    Meeting.objects.bulk_create(
        Meeting(
            board=board,
            starts_at=start + datetime.timedelta(days=i),
            ends_at=start + datetime.timedelta(days=i, minutes=200),
            capacity_minutes=10 * CASES_PER_MEETING,
        )
        for i in range(meetings)
    )
    patients = Patient.objects.bulk_create(
        Patient(institution=institution, mrn=f"{tag}-{i}", name=f"Bench {i}", birth_date=datetime.date(1960, 1, 1))
        for i in range(cases)
    )
    submitted = timezone.now() - datetime.timedelta(days=1)
    created = Case.objects.bulk_create(
        Case(
            patient=p,
            institution=institution,
            board=board,
            created_by=user,
            status="submitted",
            submitted_at=submitted + datetime.timedelta(seconds=i),
            primary_site="breast",
            urgency="urgent" if i % 10 == 0 else "routine",
        )
        for i, p in enumerate(patients)
    )
    return [c.pk for c in created]


def bulk_insert(case_ids: list[int]) -> float:
    """The baseline: one bulk insert of the agenda rows the allocation wrote (same meetings, cases, positions, minutes
    and notes), committed, timed; then taken out again (untimed)."""
    from scheduling.models import AgendaItem

    rows = list(AgendaItem.objects.filter(case_id__in=case_ids).values("meeting_id", "case_id", "position", "minutes"))
    began = time.perf_counter()
    with transaction.atomic():
        inserted = AgendaItem.objects.bulk_create(AgendaItem(status="removed", note="", **row) for row in rows)
    elapsed = time.perf_counter() - began
    AgendaItem.objects.filter(pk__in=[i.pk for i in inserted]).delete()
    assert len(rows) == len(case_ids)
    return elapsed


def sweep(cases: int, meetings: int) -> tuple[float, float]:
    from cases.tasks import agenda_sweep

    ids = world(cases, meetings, f"sweep-{cases}")
    began = time.perf_counter()
    placed = agenda_sweep()
    elapsed = time.perf_counter() - began
    assert placed == cases, (placed, cases)  # 20 cases fit a meeting: every case gets a slot
    return elapsed, bulk_insert(ids)


def one_at_a_time(cases: int, meetings: int) -> tuple[float, float]:
    from cases.lifecycle.agenda import agenda_allocate
    from cases.selectors import cases_waiting_for_allocation

    ids = world(cases, meetings, f"single-{cases}")
    began = time.perf_counter()
    placed = sum(1 for case_id in cases_waiting_for_allocation() if agenda_allocate(case_id=case_id))
    elapsed = time.perf_counter() - began
    assert placed == cases, (placed, cases)
    return elapsed, bulk_insert(ids)


def worker_start(log: Path) -> subprocess.Popen:
    db = connection.settings_dict
    env = {**os.environ, "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--loglevel=WARNING"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    from config.celery import app

    while not app.control.ping(timeout=1):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            sys.exit(f"The worker did not start: see {log}")
    return process


def queue_purge() -> int:
    from config.celery import app

    with app.connection_for_write() as conn:
        return conn.default_channel.queue_purge(app.conf.task_default_queue) or 0


def line(label: str, cases: int, elapsed: float, baseline: float) -> None:
    print(
        f"{label:<34} {elapsed:7.2f} s ({cases / elapsed:6.0f} cases/s)   bulk insert {baseline:6.3f} s   "
        f"ratio {elapsed / baseline:5.1f}"
    )


def main() -> None:
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    queue_purge()
    log = Path(tempfile.mkdtemp(prefix="bench-allocation-")) / "worker.log"
    worker = worker_start(log)
    try:
        small, small_base = sweep(1_000, 50)
        line("sweep, 1,000 cases / 50 meetings", 1_000, small, small_base)
        large, large_base = sweep(10_000, 500)
        line("sweep, 10,000 cases / 500 meetings", 10_000, large, large_base)
        print(f"10k ÷ 1k: {large / small:.1f} (bulk insert {large_base / small_base:.1f}); goal: ~10, ratio ≤ 20")
        if "--per-case" in sys.argv:
            single, single_base = one_at_a_time(1_000, 50)
            line("one at a time, 1,000 / 50", 1_000, single, single_base)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        print(f"worker stopped; {queue_purge()} queued messages dropped (log: {log})")
        connection.close()
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
