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

import bisect
import datetime
import uuid
from array import array
from collections.abc import Collection
from typing import Any

from django.db.models import (
    Case as Choice,
)
from django.db.models import (
    CharField,
    Count,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat, Greatest, TruncMonth
from django.utils import timezone

from cases.codes import ChangeBasis, ChangeCategory, Implemented, NotImplementedReason, PlanKind
from cases.models import Case, ChangeRecord, FollowUp, Plan
from cases.selectors import (
    cases_visible_to,
    follow_up_awaited_plans,
    follow_up_due_before,
    plan_decided_at,
    trials_visible_to,
)
from scheduling.models import Board
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
    in parts by case until the next committed write of what each part counts (``tumorboard.figures``)."""
    filters = {
        "board": board,
        "boards": None if boards is None else tuple(sorted(boards)),
        "date_from": date_from,
        "date_to": date_to,
        "primary_site": primary_site,
    }
    return kept_by_case("plan_change_stats", user, filters, _change_parts, _ChangeTotals)


def kept_by_case(name: str, user, filters: dict[str, Any], parts, totals: type[figures.Totals]) -> Any:
    """``totals`` of ``parts(user, groups, **filters)``, kept in parts by case (``figures.cached_by_case``)."""
    return figures.cached_by_case(
        name,
        user,
        filters,
        last_case=lambda: Case.objects.aggregate(last=Max("pk"))["last"] or 0,
        compute=lambda groups: parts(user, groups, **filters),
        totals=totals,
    )


def _change_parts(user, groups, *, board, date_from, date_to, primary_site, boards=None) -> dict[int | None, tuple]:
    """The parts of ``plan_change_stats`` for the cases of ``groups`` (None: every case, in one part): per part, the
    unit's counts per board, site and month (``_UNIT``), the follow-through's counts (``_FOLLOW``, with the plans due
    now), and when each plan awaiting follow-through but not due yet was decided (microseconds since the epoch,
    sorted: it becomes due as time passes, counted when the figure is answered)."""
    records = _decided_records(
        user, board=board, boards=boards, date_from=date_from, date_to=date_to, primary_site=primary_site
    ).filter(figures.among(groups, "case_id"))
    later = {"case": OuterRef("case"), "to_plan__version__gt": OuterRef("to_plan__version")}

    # The unit: per case, the proposed-basis record of its latest board plan that has one.
    later_proposed = ChangeRecord.objects.filter(basis=ChangeBasis.PROPOSED, **later)
    unit = records.filter(basis=ChangeBasis.PROPOSED).exclude(Exists(later_proposed))

    # The unit read once, grouped by board, site and month (a few hundred groups at most); the overall figures and
    # the three breakdowns are sums of these groups (each unit record is in exactly one), which cost four scans of
    # the unit before (issue 20: 0.9 s at 100k cases).
    month = TruncMonth("decided_at", tzinfo=timezone.get_default_timezone())
    parts: dict[int | None, tuple[list, list, list]] = {}

    def part(group) -> tuple[list, list, list]:
        return parts.setdefault(group, ([], [0] * len(_FOLLOW), []))

    for row in (
        unit.annotate(month=month, part=figures.group_of("case_id", groups))
        .values_list("part", "board__name", "board__public_id", "case__primary_site", "month")
        .annotate(**_counts(), **{category: Count("pk", filter=Q(**{category: True})) for category in CATEGORIES})
        .order_by("board__name", "board__public_id")  # the boards in the database's collation
    ):
        part(row[0])[0].append((*row[1:4], row[4].strftime("%Y-%m"), *row[5:]))

    # Follow-through: the latest decided board plan of every case in scope and filters (one per case), with the
    # latest follow-up recorded for it, counted per part, answer, comparison and whether it is due. The latest
    # follow-up's answer and reason are read together, "answer|reason" (codes without "|"): one lookup of the plan's
    # follow-ups instead of two. A plan awaiting follow-through that is not due yet is read with when it was decided:
    # it becomes due as time passes, with nothing written (one that is due stays due until a write).
    latest = records.exclude(Exists(ChangeRecord.objects.filter(**later)))
    latest_follow_up = FollowUp.objects.filter(plan=OuterRef("pk")).order_by("-created_at", "-id")
    answered = Concat("implemented", Value("|"), "reason", output_field=CharField())
    due_before = follow_up_due_before()
    plans = (
        Plan.objects.filter(pk__in=latest.values("to_plan"))
        .annotate(
            answered=Subquery(latest_follow_up.annotate(answered=answered).values("answered")[:1]),
            compared=Exists(ChangeRecord.objects.filter(case=OuterRef("case"), basis=ChangeBasis.PROPOSED)),
            awaited=Exists(follow_up_awaited_plans().filter(pk=OuterRef("pk"))),
            decided=plan_decided_at(),
        )
        .annotate(
            part=figures.group_of("case_id", groups),
            # awaiting follow-through: when decided, or ``due_before`` for all those already due (one group)
            awaiting=Choice(When(awaited=True, then=Greatest("decided", Value(due_before)))),
        )
        .values_list("part", "answered", "compared", "awaiting")
        .annotate(plans=Count("pk"))
        .order_by()
    )
    place = {name: index for index, name in enumerate(_FOLLOW)}
    for group, answer, compared, awaiting, count in plans:
        _, counts, waiting = part(group)
        counts[place["plans"]] += count
        counts[place["without_proposed"]] += 0 if compared else count
        if answer is not None:
            implemented, _, reason = answer.partition("|")
            counts[place["recorded"]] += count
            for name in (implemented, f"reason_{reason}"):
                if name in place:
                    counts[place[name]] += count
        if awaiting is not None and awaiting <= due_before:
            counts[place["due"]] += count
        elif awaiting is not None:
            waiting.extend([_microseconds(awaiting)] * count)
    return {group: (rows, counts, array("q", sorted(waiting))) for group, (rows, counts, waiting) in parts.items()}


# a part's unit rows: board name, board, site, month, then these counts
_UNIT = ("cases", "changed", *CATEGORIES)
_FOLLOW = ("plans", "without_proposed", "recorded", *Implemented.values, *(f"reason_{reason}" for reason in REASONS))
_FOLLOW += ("due",)  # (when the part was computed)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _microseconds(instant: datetime.datetime) -> int:
    return (instant - _EPOCH) // datetime.timedelta(microseconds=1)


class _Boards:
    """The boards of a figure's rows in the database's collation of their names (then public ids): the rows of one
    part come in that order; when parts are combined, one query orders the boards, again only when they change."""

    def __init__(self):
        self.order: dict[uuid.UUID, int] = {}
        self.ordered = True

    def seen(self, board: uuid.UUID, one_part: bool) -> None:
        if board not in self.order:
            self.order[board] = len(self.order)
            self.ordered &= one_part

    def settled(self) -> dict[uuid.UUID, int]:
        if not self.ordered and len(self.order) > 1:
            public_ids = Board.objects.filter(public_id__in=list(self.order)).order_by("name", "public_id")
            self.order = {board: place for place, board in enumerate(public_ids.values_list("public_id", flat=True))}
        self.ordered = True
        return self.order


class _ChangeTotals:
    """``plan_change_stats`` as the sum of its parts (``_change_parts``): a part is added, or taken away when it is
    stale, without reading the others again (``figures.cached_by_case``)."""

    FORMAT = 1

    def __init__(self):
        self.sums: dict[tuple, list[int]] = {}  # (board name, board, site, month) -> _UNIT counts
        self.follow = [0] * len(_FOLLOW)
        self.pending: dict[int | None, array] = {}
        self.boards = _Boards()

    def add(self, group: int | None, part: tuple, sign: int = 1) -> None:
        rows, follow, pending = part
        for row in rows:
            key, counts = row[:4], row[4:]
            total = self.sums.setdefault(key, [0] * len(_UNIT))
            for index, count in enumerate(counts):
                total[index] += sign * count
            if not any(total):
                del self.sums[key]
            elif sign > 0:
                self.boards.seen(key[1], group is None)
        for index, count in enumerate(follow):
            self.follow[index] += sign * count
        if sign > 0:
            self.pending[group] = pending
        else:
            self.pending.pop(group, None)

    def settle(self) -> None:
        self.boards.settled()

    def answer(self) -> dict[str, Any]:
        overall = [sum(counts[index] for counts in self.sums.values()) for index in range(len(_UNIT))]
        by_board: dict[tuple, list[int]] = {}
        by_site: dict[str, list[int]] = {}
        by_month: dict[str, list[int]] = {}
        for (name, board, site, month), counts in self.sums.items():
            for breakdown, key in ((by_board, (name, board)), (by_site, site), (by_month, month)):
                total = breakdown.setdefault(key, [0, 0])
                total[0] += counts[0]
                total[1] += counts[1]
        order = self.boards.settled()
        follow = dict(zip(_FOLLOW, self.follow, strict=True))
        due_before = _microseconds(follow_up_due_before())
        return {
            "cases": overall[0],
            "changed": overall[1],
            "change_rate": _rate(overall[1], overall[0]),
            "without_proposed": follow["without_proposed"],
            "by_category": dict(zip(CATEGORIES, overall[2:], strict=True)),
            "by_board": [
                _with_rate({"board": board, "name": name, "cases": cases, "changed": changed})
                for (name, board), (cases, changed) in sorted(by_board.items(), key=lambda item: order[item[0][1]])
            ],
            "by_site": [  # codes: a-z and _
                _with_rate({"primary_site": site, "cases": cases, "changed": changed})
                for site, (cases, changed) in sorted(by_site.items())
            ],
            "by_month": [
                _with_rate({"month": month, "cases": cases, "changed": changed})
                for month, (cases, changed) in sorted(by_month.items())
            ],
            "follow_through": {
                "plans": follow["plans"],
                "recorded": follow["recorded"],
                **{answer: follow[answer] for answer in Implemented.values},
                "rate": _rate(follow[Implemented.YES], follow["recorded"]),
                "reasons": {reason: follow[f"reason_{reason}"] for reason in REASONS},
                # those due when their part was computed, and those that have become due since
                "due": follow["due"]
                + sum(bisect.bisect_right(pending, due_before) for pending in self.pending.values()),
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
    user's scope: ``[{"month", "board", "name", "cases"}]`` by month then board name; kept in parts as
    ``plan_change_stats`` is, one query for the parts computed."""
    filters = {"board": board, "date_from": date_from, "date_to": date_to}
    return kept_by_case("case_volume", user, filters, _volume_parts, _VolumeTotals)


def _volume_parts(user, groups, *, board, date_from, date_to) -> dict[int | None, list[tuple]]:
    """The parts of ``case_volume``: per part, (board name, board, month, cases) rows, the boards in the database's
    collation."""
    cases = cases_visible_to(user).filter(figures.among(groups, "pk"), submitted_at__isnull=False, board__isnull=False)
    if board is not None:
        cases = cases.filter(board__public_id=board)
    month = TruncMonth("submitted_at", tzinfo=timezone.get_default_timezone())
    parts: dict[int | None, list[tuple]] = {}
    for group, name, public_id, month_start, count in (
        cases.filter(_decided_between(date_from, date_to, field="submitted_at"))
        .annotate(month=month, part=figures.group_of("pk", groups))
        .values_list("part", "board__name", "board__public_id", "month")
        .annotate(cases=Count("pk"))
        .order_by("board__name", "board__public_id", "month")
    ):
        parts.setdefault(group, []).append((name, public_id, month_start.strftime("%Y-%m"), count))
    return parts


class _VolumeTotals:
    """``case_volume`` as the sum of its parts (``_volume_parts``), as ``_ChangeTotals``."""

    FORMAT = 1

    def __init__(self):
        self.counts: dict[tuple, int] = {}  # (month, board) -> cases
        self.names: dict[uuid.UUID, str] = {}
        self.boards = _Boards()

    def add(self, group: int | None, part: list[tuple], sign: int = 1) -> None:
        for name, board, month, cases in part:
            total = self.counts[month, board] = self.counts.get((month, board), 0) + sign * cases
            if not total:
                del self.counts[month, board]
            elif sign > 0:
                self.names[board] = name
                self.boards.seen(board, group is None)

    def settle(self) -> None:
        self.boards.settled()

    def answer(self) -> list[dict[str, Any]]:
        order = self.boards.settled()
        return [
            {"month": month, "board": board, "name": self.names[board], "cases": cases}
            for (month, board), cases in sorted(self.counts.items(), key=lambda item: (item[0][0], order[item[0][1]]))
        ]


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
