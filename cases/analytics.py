"""How often the board changes the plan, and whether its recommendations are carried out (SPEC §5.4, §6).

Read-only aggregates over ``ChangeRecord`` and ``FollowUp``, computed by the database (conditional ``Count``,
``TruncMonth``, ``values().annotate()``): a fixed number of queries whatever the number of cases, on PostgreSQL
and SQLite alike. The figures carry no patient data, so nothing here is audited per case. An answer is kept for its
user and filters until the next committed write of a table it reads (``tumorboard.figures``): a warm load reads the
cache only, and the first load after a write computes afresh.

Definitions
-----------
- **Scope.** Only cases in ``cases_visible_to(user)``: a board member sees their boards' cases, a
  community-hospital user their own cases, an admin all. A board the user cannot see gives zeros (never a 404).
- **The unit is a case.** For each case, the change record with basis ``proposed`` of its latest board plan that
  has one (a later board plan of the same case with a ``proposed`` record supersedes it): a case re-discussed
  counts once, at its latest decision. ``cases`` is their number, ``changed`` how many of them the board changed,
  ``change_rate`` = changed / cases rounded to 3 decimals (null when cases is 0).
- **without_proposed.** Cases whose latest decided board plan had no proposed plan to compare with (its records
  are ``none`` or ``previous_board`` only, and the case has no ``proposed`` record at all): left out of the
  change rate, counted here.
- **by_category.** For the cases of the change rate, how many show each category (all 8, zeros included); a
  case may show several.
- **by_board / by_site / by_month.** The change rate grouped by the board that decided (the record's board), the
  case's current primary site, and the month of the decision (``decided_at``: the meeting's start) in the
  TIME_ZONE setting, as ``YYYY-MM``. Groups with no case are not listed.
- **follow_through.** Over the latest decided board plan of every case in scope and filters (those of the change
  rate and those without a proposed plan): ``plans`` their number, ``recorded`` how many have a follow-up (the
  latest follow-up recorded for that plan counts), ``yes``/``partial``/``no`` the latest answers, ``rate`` =
  yes / recorded (null when none is recorded), ``reasons`` the reasons of the latest ``partial``/``no`` answers
  (all 8 codes), ``due`` how many of those plans ``cases.selectors.follow_up_due_plans()`` lists as awaiting
  follow-through.
- **Filters.** ``board`` (the record's board, by public id; ``boards``: by internal ids, for the accreditation
  report's set of boards), ``date_from``/``date_to`` (inclusive, on the local
  date of ``decided_at`` in TIME_ZONE), ``primary_site`` (the case's). They select which cases' latest decisions
  are counted; "latest" itself is always decided over all of a case's board plans.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, TruncMonth
from django.utils import timezone

from cases.codes import ChangeBasis, ChangeCategory, Implemented, NotImplementedReason, PlanKind
from cases.models import ChangeRecord, FollowUp, Plan
from cases.selectors import cases_visible_to, follow_up_due_plans, trials_visible_to
from tumorboard import figures

CATEGORIES: tuple[str, ...] = tuple(ChangeCategory.values)
REASONS: tuple[str, ...] = tuple(NotImplementedReason.values)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def _utc_midnight(day: datetime.date, tz) -> datetime.datetime | None:
    """The instant the local ``day`` begins; None when it falls outside what a datetime can hold (year 1, 9999)."""
    try:
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz).astimezone(datetime.UTC)
    except OverflowError:
        return None


def _decided_between(date_from: datetime.date | None, date_to: datetime.date | None, field: str = "decided_at") -> Q:
    """``field`` on a local date within [date_from, date_to], as an index-friendly range of instants."""
    tz = timezone.get_default_timezone()
    q = Q()
    if date_from is not None and (start := _utc_midnight(date_from, tz)) is not None:
        q &= Q(**{f"{field}__gte": start})
    if date_to is not None and date_to < datetime.date.max:
        end = _utc_midnight(date_to + datetime.timedelta(days=1), tz)
        if end is not None:
            q &= Q(**{f"{field}__lt": end})
    return q


def _counts() -> dict[str, Count]:
    return {"cases": Count("pk"), "changed": Count("pk", filter=Q(changed=True))}


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "change_rate": _rate(row["changed"], row["cases"])}


def _decided_records(
    user, *, board: uuid.UUID | None, boards: Collection[int] | None, date_from, date_to, primary_site: str | None
) -> QuerySet[ChangeRecord]:
    records = ChangeRecord.objects.filter(case__in=cases_visible_to(user).values("pk"))
    if board is not None:
        records = records.filter(board__public_id=board)
    if boards is not None:
        records = records.filter(board_id__in=boards)
    if primary_site:
        records = records.filter(case__primary_site=primary_site)
    return records.filter(_decided_between(date_from, date_to))


def plan_change_stats(
    user,
    *,
    board: uuid.UUID | None = None,
    boards: Collection[int] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    primary_site: str | None = None,
) -> dict[str, Any]:
    """The change rate and follow-through of the cases ``user`` may see (definitions: the module docstring); kept
    until the next committed write of what it counts (``tumorboard.figures``)."""
    filters = {
        "board": board,
        "boards": None if boards is None else tuple(sorted(boards)),
        "date_from": date_from,
        "date_to": date_to,
        "primary_site": primary_site,
    }
    return figures.cached("plan_change_stats", user, filters, lambda: _plan_change_stats(user, **filters))


def _plan_change_stats(user, *, board, date_from, date_to, primary_site, boards=None) -> dict[str, Any]:
    records = _decided_records(
        user, board=board, boards=boards, date_from=date_from, date_to=date_to, primary_site=primary_site
    )
    later = {"case": OuterRef("case"), "to_plan__version__gt": OuterRef("to_plan__version")}

    # The unit: per case, the proposed-basis record of its latest board plan that has one.
    later_proposed = ChangeRecord.objects.filter(basis=ChangeBasis.PROPOSED, **later)
    unit = records.filter(basis=ChangeBasis.PROPOSED).exclude(Exists(later_proposed))

    # The unit read once, grouped by board, site and month (a few hundred groups at most); the overall figures and
    # the three breakdowns are sums of these groups (each unit record is in exactly one), which cost four scans of
    # the unit before (issue 20: 0.9 s at 100k cases).
    month = TruncMonth("decided_at", tzinfo=timezone.get_default_timezone())
    groups = list(
        unit.annotate(month=month)
        .values("board__public_id", "board__name", "case__primary_site", "month")
        .annotate(**_counts(), **{category: Count("pk", filter=Q(**{category: True})) for category in CATEGORIES})
        .order_by("board__name", "board__public_id")  # the boards in the database's collation
    )
    totals = (*_counts(), *CATEGORIES)
    overall = _summed(groups, lambda row: None, totals).get(None, dict.fromkeys(totals, 0))
    by_board = _summed(groups, lambda row: (row["board__name"], row["board__public_id"]), _counts()).items()
    by_site = sorted(_summed(groups, lambda row: row["case__primary_site"], _counts()).items())  # codes: a-z and _
    by_month = sorted(_summed(groups, lambda row: row["month"], _counts()).items())

    # Follow-through: the latest decided board plan of every case in scope and filters (one per case), with the
    # latest follow-up recorded for it.
    latest = records.exclude(Exists(ChangeRecord.objects.filter(**later)))
    latest_follow_up = FollowUp.objects.filter(plan=OuterRef("pk")).order_by("-created_at", "-id")
    # Each plan's figures are computed once in an inner query (the aggregate below reads its columns). DISTINCT
    # (a no-op: one row per plan) keeps PostgreSQL from merging that query into the aggregate, which would repeat
    # each subquery once per count that reads it. ``due`` is looked up for these plans only, by primary key.
    # Only the plan's key and these figures are selected: DISTINCT sorts narrow rows (the plan's every column spilled
    # to disk at 100k cases).
    # The latest follow-up's answer and reason are read together, "answer|reason" (codes without "|"): one lookup
    # of the plan's follow-ups instead of two (they ran once per plan, 95,000 times at 100k cases).
    answered = Concat("implemented", Value("|"), "reason", output_field=CharField())
    plans = (
        Plan.objects.filter(pk__in=latest.values("to_plan"))
        .annotate(
            answered=Subquery(latest_follow_up.annotate(answered=answered).values("answered")[:1]),
            compared=Exists(ChangeRecord.objects.filter(case=OuterRef("case"), basis=ChangeBasis.PROPOSED)),
            due=Exists(follow_up_due_plans().filter(pk=OuterRef("pk"))),
        )
        .values("pk", "answered", "compared", "due")
        .distinct()
    )
    follow = plans.aggregate(
        plans=Count("pk"),
        without_proposed=Count("pk", filter=Q(compared=False)),
        recorded=Count("pk", filter=Q(answered__isnull=False)),
        due_plans=Count("pk", filter=Q(due=True)),
        **{answer: Count("pk", filter=Q(answered__startswith=f"{answer}|")) for answer in Implemented.values},
        **{f"reason_{reason}": Count("pk", filter=Q(answered__endswith=f"|{reason}")) for reason in REASONS},
    )

    return {
        "cases": overall["cases"],
        "changed": overall["changed"],
        "change_rate": _rate(overall["changed"], overall["cases"]),
        "without_proposed": follow["without_proposed"],
        "by_category": {category: overall[category] for category in CATEGORIES},
        "by_board": [_with_rate({"board": board, "name": name, **row}) for (name, board), row in by_board],
        "by_site": [_with_rate({"primary_site": site, **row}) for site, row in by_site],
        "by_month": [_with_rate({"month": month.strftime("%Y-%m"), **row}) for month, row in by_month],
        "follow_through": {
            "plans": follow["plans"],
            "recorded": follow["recorded"],
            **{answer: follow[answer] for answer in Implemented.values},
            "rate": _rate(follow[Implemented.YES], follow["recorded"]),
            "reasons": {reason: follow[f"reason_{reason}"] for reason in REASONS},
            "due": follow["due_plans"],
        },
    }


def case_volume(
    user,
    *,
    board: uuid.UUID | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[dict[str, Any]]:
    """Cases submitted to a board per month (``submitted_at`` in TIME_ZONE, ``YYYY-MM``) and board, in the
    user's scope: ``[{"month", "board", "name", "cases"}]`` by month then board name; one query, cached as
    ``plan_change_stats`` is."""
    filters = {"board": board, "date_from": date_from, "date_to": date_to}
    return figures.cached("case_volume", user, filters, lambda: _case_volume(user, **filters))


def _case_volume(user, *, board, date_from, date_to) -> list[dict[str, Any]]:
    cases = cases_visible_to(user).filter(submitted_at__isnull=False, board__isnull=False)
    if board is not None:
        cases = cases.filter(board__public_id=board)
    month = TruncMonth("submitted_at", tzinfo=timezone.get_default_timezone())
    rows = (
        cases.filter(_decided_between(date_from, date_to, field="submitted_at"))
        .annotate(month=month)
        .values("month", "board__public_id", "board__name")
        .annotate(cases=Count("pk"))
        .order_by("month", "board__name", "board__public_id")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "board": row["board__public_id"],
            "name": row["board__name"],
            "cases": row["cases"],
        }
        for row in rows
    ]


def _summed(groups: list[dict[str, Any]], key, fields) -> dict[Any, dict[str, int]]:
    """The ``fields`` of ``groups`` summed per ``key(group)``, the keys in the order they first appear."""
    sums: dict[Any, dict[str, int]] = {}
    for row in groups:
        total = sums.setdefault(key(row), dict.fromkeys(fields, 0))
        for field in fields:
            total[field] += row[field]
    return sums


def trial_figures(user) -> list[dict[str, Any]]:
    """Per trial the user can see (issue 21 item 2), over the cases in ``cases_visible_to(user)``: ``referrals``, the
    cases with a board plan (any version) whose clinical_trial component names the trial, and ``enrolments``, the
    cases whose follow-through records enrolment in it (``FollowUp.enrolled_trial``). One query."""
    visible = cases_visible_to(user).values("pk")
    trials = trials_visible_to(user).annotate(
        referral_count=Count(
            "plan_components__plan__case",
            distinct=True,
            filter=Q(plan_components__plan__kind=PlanKind.BOARD, plan_components__plan__case__in=visible),
        ),
        enrolment_count=Count("enrolments__case", distinct=True, filter=Q(enrolments__case__in=visible)),
    )
    return [
        {"trial": t, "status": t.status, "referrals": t.referral_count, "enrolments": t.enrolment_count}
        for t in trials.order_by("identifier", "id")
    ]
