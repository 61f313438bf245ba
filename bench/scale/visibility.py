"""Flat cost at 100k cases: p50/p95 of the case list (page_size 1 and 50) and of a case's detail for the member who
sees ~100k cases and the one who sees ~1k, in the same database (``world.py``'s), through the whole API stack
in-process (token authentication, filters, pagination, serializers, the audit INSERT; DEBUG off), and the ratio
100k ÷ 1k of each. Goals (issue 20): list p95 ≤ 1.5 x, detail p95 ≤ 1.5 x, the same queries per request.

    make bench-scale                      # or: .venv/bin/python bench/scale/visibility.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench.scale.common import NARROW, WIDE, django_setup, percentile, world_missing


def requests_of(username: str) -> dict[str, str]:
    """The three requests, on a case in the middle of what the member sees."""
    from cases.selectors import cases_visible_to
    from specialists.models import User

    user = User.objects.get(username=username)
    visible = cases_visible_to(user)
    middle = visible.order_by("-created_at", "-id").values_list("public_id", flat=True)[visible.count() // 2]
    return {
        "list page_size=1": "/api/v1/cases/?page_size=1",
        "list page_size=50": "/api/v1/cases/?page_size=50",
        "detail": f"/api/v1/cases/{middle}/",
    }


def measure(client, path: str, runs: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200, path  # warm, and the queries it costs
    queries = len(captured)  # now: the next request empties the log
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, path
    return times, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="requests per figure (default 200)")
    args = parser.parse_args()
    django_setup()
    missing = world_missing()
    if missing:
        sys.exit(missing)
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    from cases.selectors import cases_visible_to
    from specialists.models import User

    figures = {}
    for username in (WIDE, NARROW):
        user = User.objects.get(username=username)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
        print(f"{username} sees {cases_visible_to(user).count():,} cases")
        for name, path in requests_of(username).items():
            figures[username, name] = measure(client, path, args.runs)
    print(f"\n{'request':<20} {'member':<13} {'p50 ms':>7} {'p95 ms':>7} {'queries':>7}")
    for (username, name), (times, queries) in figures.items():
        print(f"{name:<20} {username:<13} {statistics.median(times):7.1f} {percentile(times, 95):7.1f} {queries:7d}")
    print(f"\n{'100k ÷ 1k':<20} {'p50':>7} {'p95':>7}  queries   goal: p95 ≤ 1.5 x, queries equal")
    for name in requests_of(NARROW):
        (wide, wide_queries), (narrow, narrow_queries) = figures[WIDE, name], figures[NARROW, name]
        p50 = statistics.median(wide) / statistics.median(narrow)
        p95 = percentile(wide, 95) / percentile(narrow, 95)
        print(f"{name:<20} {p50:6.2f}x {p95:6.2f}x  {wide_queries} vs {narrow_queries}")


if __name__ == "__main__":
    main()
