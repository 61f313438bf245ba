"""Second-opinion turnaround (SPEC §5.5, §6): request-to-report time, by urgency, and what is overdue.

- **Scope.** ``second_opinions_visible_to(user)``: the requesting side sees its requests, a board its own.
- **Turnaround** of a request is ``report_sent_at - requested_at`` (the first report sent), in hours, over
  the requests with a report; ``median_hours`` and ``p90_hours`` are continuous percentiles (linear
  interpolation, as PostgreSQL's ``percentile_cont``), rounded to 0.1 h; null when no request has a report.
- **on_time**: reports sent by the due date; ``on_time_rate`` = on_time / completed (3 decimals).
- **overdue**: requests still open (requested, info_requested, accepted, scheduled, reviewed) past their due
  date: ``overdue_count`` of them, and the 100 most overdue listed with ids and codes only (all of them:
  ``GET /api/v1/second-opinions/?overdue=true``).
- **Filters**: ``board``, ``urgency``, ``from``/``to`` (inclusive local dates of the request).

One query reads the timestamps of the requests in scope (no join), another the overdue ones; the
percentiles are computed here, so the figures are the same on PostgreSQL and SQLite.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone

from cases.analytics import _decided_between, _rate
from cases.codes import SECOND_OPINION_OPEN, SecondOpinionStatus, Urgency
from cases.selectors import second_opinion_overdue, second_opinions_visible_to

OVERDUE_LISTED = 100


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0..1) of ``values`` by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _hours(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    done = [r for r in rows if r["report_sent_at"] is not None]
    hours = [(r["report_sent_at"] - r["created_at"]).total_seconds() / 3600 for r in done]
    on_time = sum(1 for r in done if r["due_at"] is not None and r["report_sent_at"] <= r["due_at"])
    return {
        "requests": len(rows),
        "completed": len(done),
        "median_hours": _hours(percentile(hours, 0.5)),
        "p90_hours": _hours(percentile(hours, 0.9)),
        "on_time": on_time,
        "on_time_rate": _rate(on_time, len(done)),
    }


def turnaround_stats(
    user,
    *,
    board: uuid.UUID | None = None,
    urgency: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    now = now or timezone.now()
    requests = second_opinions_visible_to(user).filter(_decided_between(date_from, date_to, field="created_at"))
    if board is not None:
        requests = requests.filter(board__public_id=board)
    if urgency:
        requests = requests.filter(urgency=urgency)
    overdue_now = second_opinion_overdue(now)
    rows = list(
        requests.annotate(overdue=ExpressionWrapper(overdue_now, output_field=BooleanField())).values(
            "urgency", "status", "created_at", "due_at", "report_sent_at", "overdue"
        )
    )
    overdue = list(
        requests.filter(overdue_now)
        .order_by("due_at", "id")
        .values("public_id", "case__public_id", "board__public_id", "urgency", "status", "due_at")[:OVERDUE_LISTED]
    )
    by_status = dict.fromkeys(SecondOpinionStatus.values, 0)
    for r in rows:
        by_status[r["status"]] += 1
    late = [r for r in rows if r["overdue"]]
    return {
        **_summary(rows),
        "open": sum(by_status[s] for s in SECOND_OPINION_OPEN),
        "by_status": by_status,
        "overdue_count": len(late),
        "by_urgency": [
            {"urgency": code, **_summary(group), "overdue": sum(1 for r in late if r["urgency"] == code)}
            for code in Urgency.values
            if (group := [r for r in rows if r["urgency"] == code])
        ],
        "overdue": [
            {
                "id": r["public_id"],
                "case": r["case__public_id"],
                "board": r["board__public_id"],
                "urgency": r["urgency"],
                "status": r["status"],
                "due_at": r["due_at"],
                "hours_overdue": _hours((now - r["due_at"]).total_seconds() / 3600),
            }
            for r in overdue
        ],
    }
