"""The cost of an audited read, before and after issue 20 in the same run, over the demo data: a case's detail and a
page of 50 cases through the API (Django's test client, a token, no HTTP server), median of ROUNDS requests each.

before: every request in one transaction (Django's ATOMIC_REQUESTS), each audited read its own INSERT inside it.
after: a plain read in autocommit, its audit rows in one INSERT before the response leaves (tumorboard.transactions).

Both commit the audit rows to disk before answering; what differs is the transaction around the read (BEGIN,
COMMIT) and the number of INSERTs. Rounds alternate between the two, so the machine's load falls on both alike.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tumorboard .venv/bin/python bench/audit.py
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

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
MIDDLEWARE = "tumorboard.transactions.RequestTransactionMiddleware"


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _time(client, path: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, len(queries.captured_queries)


def main() -> None:
    from knox.models import AuthToken

    from cases.models import Case
    from specialists.models import User

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        call_command("load_demo", stdout=StringIO())
        user = User.objects.get(username="coordinator")
        token = AuthToken.objects.create(user=user)[1]
        case = Case.objects.filter(board__memberships__user=user).first()
        paths = {"detail": f"/api/v1/cases/{case.public_id}/", "list of 50": "/api/v1/cases/?page_size=50"}
        before_middleware = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
        times = {(mode, name): [] for mode in ("before", "after") for name in paths}
        queries = {}
        clients = {}
        for _ in range(ROUNDS):
            for mode in ("before", "after"):
                connection.settings_dict["ATOMIC_REQUESTS"] = mode == "before"
                with override_settings(MIDDLEWARE=before_middleware if mode == "before" else settings.MIDDLEWARE):
                    client = clients.setdefault(mode, _client(token))
                    for name, path in paths.items():
                        elapsed, count = _time(client, path)
                        times[mode, name].append(elapsed)
                        queries[mode, name] = count
        connection.settings_dict["ATOMIC_REQUESTS"] = False
        print(
            f"{'GET (median of ' + str(ROUNDS) + ')':<22} {'before ms':>9} {'after ms':>9} {'after/before':>12} "
            f"{'queries before':>14} {'after':>6}"
        )
        for name in paths:
            before, after = (statistics.median(times[mode, name]) for mode in ("before", "after"))
            print(
                f"{name:<22} {before:9.2f} {after:9.2f} {after / before:12.2f} "
                f"{queries['before', name]:14d} {queries['after', name]:6d}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
