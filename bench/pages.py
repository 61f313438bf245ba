"""Web pages over the demo data: server time per page (median of 20 renders through Django's test client,
session signed in, no browser) and the queries each costs, for the user who works on it. Then the two writes that
start a build (a case added to an agenda, "Build packet now"): how long the user waits with the tasks they start run
inline in the request (the embedded run before issue 18) against on the background thread `make run` now uses
(tumorboard.queue.run_in_background), as a ratio measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tumorboard .venv/bin/python bench/pages.py
"""

import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tumorboard")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = 20
WRITES = 6


def pages():
    """(user, path) for each page, on the demo's busiest objects."""
    from cases.models import Case, SecondOpinion
    from scheduling.models import Meeting

    busiest_meeting = Meeting.objects.filter(status="scheduled").order_by("-allocated_minutes", "starts_at").first()
    discussed = Case.objects.filter(plans__kind="board").order_by("-created_at").first()
    answered = SecondOpinion.objects.filter(status="report_sent", requested_by__username="community").first()
    return [
        ("coordinator", "/"),
        ("coordinator", "/calendar/"),
        ("coordinator", f"/meetings/{busiest_meeting.public_id}/"),
        ("coordinator", "/follow-up/"),
        ("coordinator", "/second-opinions/"),
        ("coordinator", "/analytics/"),
        ("medonc", "/inbox/"),
        ("medonc", f"/cases/{discussed.public_id}/"),
        ("coordinator", f"/cases/{discussed.public_id}/profile/"),
        ("community", "/second-opinions/"),
        ("community", f"/second-opinions/{answered.public_id}/"),
    ]


def main() -> None:
    from specialists.models import User

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        began = time.perf_counter()
        call_command("load_demo", stdout=StringIO())
        print(f"demo loaded in {time.perf_counter() - began:.1f} s")
        clients = {}
        print(f"{'page':<58} {'user':<12} {'median ms':>9} {'max ms':>7} {'queries':>7}")
        for username, path in pages():
            client = clients.setdefault(username, Client())
            client.force_login(User.objects.get(username=username))
            assert client.get(path).status_code == 200, path  # warm: templates compiled, session loaded
            times = []
            for _ in range(RUNS):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, path
            print(
                f"{path:<58} {username:<12} {statistics.median(times):9.1f} {max(times):7.1f} "
                f"{len(queries.captured_queries):7d}"
            )
        writes(clients["coordinator"])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _timed(client, path: str, data: dict) -> float:
    start = time.perf_counter()
    response = client.post(path, data, HTTP_HX_REQUEST="true")
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return elapsed


def writes(client) -> None:
    from cases.lifecycle.agenda import agenda_remove
    from cases.models import Case
    from cases.selectors import cases_waiting
    from scheduling.models import AgendaItem, Meeting
    from specialists.models import User
    from tumorboard import queue

    coordinator = User.objects.get(username="coordinator")
    median = {}
    for mode in ("inline", "background"):
        if mode == "background":
            queue.run_in_background()
        add, build = [], []
        for i in range(WRITES):
            case = cases_waiting().first()
            meeting = Meeting.objects.filter(board=case.board, status="scheduled").order_by("starts_at").last()
            # a new question each time: the packet's content changes, so each build renders its PDF
            Case.objects.filter(pk=case.pk).update(question=f"{case.question} ({mode} {i}, agenda)")
            add.append(_timed(client, f"/meetings/{meeting.public_id}/agenda/add/", {"case": str(case.public_id)}))
            Case.objects.filter(pk=case.pk).update(question=f"{case.question} ({mode} {i}, packet)")
            build.append(_timed(client, f"/cases/{case.public_id}/packet/build/", {}))
            item = AgendaItem.objects.get(case=case, status="scheduled")
            agenda_remove(user=coordinator, item=item, reason="bench")  # the case waits again for the next round
        if queue._background is not None:
            queue._background.submit(lambda: None).result()  # the builds started here are done before the next mode
        median[mode] = (statistics.median(add), statistics.median(build))
    print(f"\n{'write (median of ' + str(WRITES) + ')':<40} {'inline ms':>10} {'background ms':>14} {'ratio':>6}")
    for i, label in enumerate(("add a case to an agenda (page)", "build packet now (page)")):
        inline, background = median["inline"][i], median["background"][i]
        print(f"{label:<40} {inline:10.1f} {background:14.1f} {inline / background:6.1f}")


if __name__ == "__main__":
    main()
