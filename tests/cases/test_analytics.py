"""GET /api/v1/analytics/plan-changes/ (SPEC §5.4, §6): the change rate and follow-through, scoped and filtered.

The exact figures are checked on a hand-built set of decisions (plans and change records written directly, so
each decision has its board, site and month); one test goes through the real services end to end.
"""

from __future__ import annotations

import datetime
import random

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.analytics import plan_change_stats
from cases.codes import ChangeCategory, NotImplementedReason
from cases.lifecycle.recommendation import plan_record
from cases.models import Case, ChangeRecord, FollowUp, Plan
from cases.selectors import cases_visible_to
from cases.services.follow_ups import follow_up_record
from specialists.models import BoardRole
from tests.cases.plan_helpers import BOARD, PROPOSED, discussed
from tests.factories import CaseFactory, MembershipFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/plan-changes/"
UTC = datetime.UTC
NO_CATEGORY = dict.fromkeys(ChangeCategory.values, 0)
NO_REASON = dict.fromkeys(NotImplementedReason.values, 0)


def get(world, user, **params):
    response = world.client(user).get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


def at(month: int, day: int, hour: int = 8) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, tzinfo=UTC)


def decide(case, *, when, basis="proposed", categories=(), previous_board=None, follow_ups=(), old=False) -> Plan:
    """A board plan of ``case`` decided at ``when`` and its change record(s), as the detection task writes them.

    ``basis``: "proposed" (against a proposed plan, made on first use) or "none". ``previous_board``: the
    categories against the previous board plan, when there is one. ``follow_ups``: (implemented, reason) rows,
    oldest first. ``old``: the plan was recorded long enough ago to be due for follow-through.
    """
    version = Plan.objects.filter(case=case, kind="board").count() + 1
    plan = Plan.objects.create(
        case=case, kind="board", version=version, intent="curative", consensus="unanimous", created_by=case.created_by
    )
    if old:
        Plan.objects.filter(pk=plan.pk).update(created_at=timezone.now() - datetime.timedelta(days=90))
    common = {"case": case, "board_id": case.board_id, "to_plan": plan, "decided_at": when, "summary": "-"}
    if basis == "proposed":
        proposed = Plan.objects.filter(case=case, kind="proposed").first() or Plan.objects.create(
            case=case, kind="proposed", version=1, intent="curative", created_by=case.created_by
        )
        flags = dict.fromkeys(categories, True)
        ChangeRecord.objects.create(basis="proposed", from_plan=proposed, changed=bool(categories), **flags, **common)
    if previous_board is not None:
        before = Plan.objects.get(case=case, kind="board", version=version - 1)
        flags = dict.fromkeys(previous_board, True)
        ChangeRecord.objects.create(
            basis="previous_board", from_plan=before, changed=bool(previous_board), **flags, **common
        )
    if basis == "none" and previous_board is None:
        ChangeRecord.objects.create(basis="none", changed=False, **common)
    for implemented, reason in follow_ups:
        FollowUp.objects.create(
            case=case, plan=plan, implemented=implemented, reason=reason, note="-", recorded_by=case.created_by
        )
    Case.objects.filter(pk=case.pk).update(status="closed" if follow_ups else "recommended")
    return plan


def breast_case(world, site="breast"):
    return CaseFactory(institution=world.academic, board=world.board, created_by=world.member, primary_site=site)


def thoracic_case(world, site="lung"):
    return CaseFactory(
        institution=world.academic, board=world.other_board, created_by=world.other_member, primary_site=site
    )


@pytest.fixture
def decisions(world):
    """Seven cases decided in January to March 2025 on two boards.

    Breast board:  A (Jan, changed: modality added + regimen, follow-up no/payment then yes),
                   B (Jan changed intent, re-decided in Mar unchanged: counts once, in Mar; partial/toxicity),
                   C (Mar, trial referral; no follow-up, due), E (Feb, no proposed plan; no/patient_choice).
    Thoracic:      F (Feb, lung, diagnostics + staging; no/progression), G (Feb, esophagogastric, unchanged; yes).
    """
    a = world.case
    decide(
        a,
        when=at(1, 14),
        categories=["modality_added", "regimen_changed"],
        follow_ups=[("no", "payment"), ("yes", "")],
    )
    b = breast_case(world)
    decide(b, when=at(1, 21), categories=["intent_changed"])
    decide(b, when=at(3, 4), previous_board=["intent_changed"], follow_ups=[("partial", "toxicity")])
    decide(breast_case(world), when=at(3, 11), categories=["trial_referral"], old=True)
    decide(breast_case(world), when=at(2, 11), basis="none", follow_ups=[("no", "patient_choice")])
    decide(
        world.other_case,
        when=at(2, 5),
        categories=["diagnostics_requested", "staging_revised"],
        follow_ups=[("no", "progression")],
    )
    decide(thoracic_case(world, "esophagogastric"), when=at(2, 26), follow_ups=[("yes", "")])
    return world


def rates(*rows):
    return [{**key, "cases": n, "changed": c, "change_rate": r} for key, n, c, r in rows]


# --- The figures ------------------------------------------------------------------------------------------


def test_the_figures_of_a_hand_built_set(decisions):
    world = decisions
    body = get(world, world.admin)
    assert body == {
        "cases": 5,
        "changed": 3,
        "change_rate": 0.6,
        "without_proposed": 1,
        "by_category": NO_CATEGORY
        | {"modality_added": 1, "regimen_changed": 1, "trial_referral": 1, "diagnostics_requested": 1}
        | {"staging_revised": 1},  # B's January intent change was superseded by its March decision
        "by_board": rates(
            ({"board": str(world.board.public_id), "name": "Breast"}, 3, 2, 0.667),
            ({"board": str(world.other_board.public_id), "name": "Thoracic"}, 2, 1, 0.5),
        ),
        "by_site": rates(
            ({"primary_site": "breast"}, 3, 2, 0.667),
            ({"primary_site": "esophagogastric"}, 1, 0, 0.0),
            ({"primary_site": "lung"}, 1, 1, 1.0),
        ),
        "by_month": rates(
            ({"month": "2025-01"}, 1, 1, 1.0),
            ({"month": "2025-02"}, 2, 1, 0.5),
            ({"month": "2025-03"}, 2, 1, 0.5),
        ),
        "follow_through": {
            "plans": 6,  # the five counted and E (no proposed plan)
            "recorded": 5,
            "yes": 2,  # A's latest follow-up (yes) supersedes its first (no, payment)
            "partial": 1,
            "no": 2,
            "rate": 0.4,
            "reasons": NO_REASON | {"toxicity": 1, "patient_choice": 1, "progression": 1},
            "due": 1,  # C
        },
    }


def test_a_case_decided_twice_counts_once_at_its_latest_decision(world):
    case = world.case
    decide(case, when=at(1, 7), categories=["intent_changed"], follow_ups=[])
    first = get(world, world.member)
    assert (first["cases"], first["changed"], first["by_category"]["intent_changed"]) == (1, 1, 1)
    decide(case, when=at(2, 4), previous_board=[])
    second = get(world, world.member)
    assert (second["cases"], second["changed"], second["change_rate"]) == (1, 0, 0.0)
    assert second["by_category"] == NO_CATEGORY
    assert [m["month"] for m in second["by_month"]] == ["2025-02"]
    assert second["follow_through"]["plans"] == 1


def test_a_case_without_a_proposed_plan_is_left_out_of_the_rate(world):
    decide(world.case, when=at(1, 7), basis="none")
    body = get(world, world.member)
    assert (body["cases"], body["changed"], body["change_rate"], body["without_proposed"]) == (0, 0, None, 1)
    assert body["by_board"] == body["by_site"] == body["by_month"] == []
    # a second board plan compared with the first only: still without a proposed plan, still one case
    decide(world.case, when=at(2, 4), basis="none", previous_board=["modality_added"])
    body = get(world, world.member)
    assert (body["cases"], body["without_proposed"], body["follow_through"]["plans"]) == (0, 1, 1)


def test_no_data_gives_zeros_and_null_rates(world):
    body = get(world, world.admin)
    assert body == {
        "cases": 0,
        "changed": 0,
        "change_rate": None,
        "without_proposed": 0,
        "by_category": NO_CATEGORY,
        "by_board": [],
        "by_site": [],
        "by_month": [],
        "follow_through": {
            "plans": 0,
            "recorded": 0,
            "yes": 0,
            "partial": 0,
            "no": 0,
            "rate": None,
            "reasons": NO_REASON,
            "due": 0,
        },
    }


def test_through_the_services_end_to_end(world, django_capture_on_commit_callbacks):
    """A proposed plan, the board's plan adding radiation (change detection on commit), and follow-through; a
    second case decided with no proposed plan."""
    MembershipFactory(user=world.coordinator, board=world.other_board, role=BoardRole.COORDINATOR)
    item = discussed(world)
    with django_capture_on_commit_callbacks(execute=True):
        plan_record(user=world.member, case=world.case, data=PROPOSED)
        components = [*PROPOSED["components"], {"modality": "radiation_therapy", "detail": "Whole-breast RT"}]
        plan_record(user=world.chair, case=world.case, data={**BOARD, "components": components})
    discussed(world, world.other_case)
    with django_capture_on_commit_callbacks(execute=True):
        plan_record(user=world.coordinator, case=world.other_case, data=BOARD)
    case = Case.objects.get(pk=world.case.pk)
    follow_up_record(user=world.member, case=case, data={"implemented": "yes"})

    body = get(world, world.coordinator)
    month = item.meeting.starts_at.astimezone(timezone.get_default_timezone()).strftime("%Y-%m")
    assert (body["cases"], body["changed"], body["change_rate"], body["without_proposed"]) == (1, 1, 1.0, 1)
    assert body["by_category"] == NO_CATEGORY | {"modality_added": 1}
    assert body["by_board"] == rates(({"board": str(world.board.public_id), "name": "Breast"}, 1, 1, 1.0))
    assert body["by_site"] == rates(({"primary_site": "breast"}, 1, 1, 1.0))
    assert body["by_month"] == rates(({"month": month}, 1, 1, 1.0))
    follow = body["follow_through"]
    assert (follow["plans"], follow["recorded"], follow["yes"], follow["rate"], follow["due"]) == (2, 1, 1, 1.0, 0)


def test_no_audit_row_is_written(decisions):
    before = AuditEvent.objects.count()
    get(decisions, decisions.admin)
    assert AuditEvent.objects.count() == before


# --- Filters ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "cases", "changed", "without", "plans"),
    [
        ({"board": "other_board"}, 2, 1, 0, 2),
        ({"board": "board"}, 3, 2, 1, 4),
        ({"from": "2025-02-01", "to": "2025-02-28"}, 2, 1, 1, 3),  # F, G; E without a proposed plan
        ({"from": "2025-03-01"}, 2, 1, 0, 2),  # B (its latest decision), C
        ({"to": "2025-01-31"}, 1, 1, 0, 1),  # A only: B's January decision is not its latest
        ({"from": "2025-01-14", "to": "2025-01-14"}, 1, 1, 0, 1),  # inclusive on both ends
        ({"from": "2025-01-15", "to": "2025-01-20"}, 0, 0, 0, 0),
        ({"primary_site": "lung"}, 1, 1, 0, 1),
        ({"primary_site": "breast", "board": "other_board"}, 0, 0, 0, 0),
        ({"from": "0001-01-01", "to": "9999-12-31"}, 5, 3, 1, 6),  # the extremes do not overflow
    ],
    ids=lambda v: str(v) if isinstance(v, dict) else None,
)
def test_filters(decisions, params, cases, changed, without, plans):
    world = decisions
    if "board" in params:
        params = {**params, "board": str(getattr(world, params["board"]).public_id)}
    body = get(world, world.admin, **params)
    assert (body["cases"], body["changed"], body["without_proposed"]) == (cases, changed, without)
    assert body["follow_through"]["plans"] == plans
    assert sum(row["cases"] for row in body["by_month"]) == cases


def test_a_month_and_a_date_are_those_of_the_time_zone(world):
    # 03:00 UTC on 1 February is still 31 January in New York
    decide(world.case, when=datetime.datetime(2025, 2, 1, 3, tzinfo=UTC), categories=["modality_added"])
    assert [m["month"] for m in get(world, world.member)["by_month"]] == ["2025-02"]
    with override_settings(TIME_ZONE="America/New_York"):
        assert [m["month"] for m in get(world, world.member)["by_month"]] == ["2025-01"]
        assert get(world, world.member, to="2025-01-31")["cases"] == 1
        assert get(world, world.member, **{"from": "2025-02-01"})["cases"] == 0


DATE_FORMAT = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
BAD = [
    ({"board": "breast"}, "board", "invalid", "Must be a valid UUID."),
    ({"board": ""}, "board", "invalid", "Must be a valid UUID."),
    ({"from": "2025-13-01"}, "from", "invalid", DATE_FORMAT),
    ({"from": ""}, "from", "invalid", DATE_FORMAT),
    ({"to": "yesterday"}, "to", "invalid", DATE_FORMAT),
    ({"primary_site": "breasts"}, "primary_site", "invalid_choice", '"breasts" is not a valid choice.'),
    ({"primary_site": ""}, "primary_site", "invalid_choice", '"" is not a valid choice.'),
    ({"from": "2025-03-01", "to": "2025-02-01"}, "to", "invalid", "Must be on or after from."),
]


@pytest.mark.parametrize(("params", "field", "code", "message"), BAD, ids=[f"{b[1]}={b[0]}" for b in BAD])
def test_a_bad_filter_is_a_400_naming_it(world, params, field, code, message):
    response = world.client(world.member).get(URL, params)
    assert response.status_code == 400
    assert response.json() == {"errors": [{"field": field, "code": code, "message": message}]}


# --- Who sees what ----------------------------------------------------------------------------------------


def test_a_board_member_sees_their_boards_cases_only(decisions):
    world = decisions
    thoracic = get(world, world.other_member)
    assert (thoracic["cases"], thoracic["changed"], thoracic["without_proposed"]) == (2, 1, 0)
    assert [b["name"] for b in thoracic["by_board"]] == ["Thoracic"]
    assert thoracic["follow_through"]["plans"] == 2
    breast = get(world, world.member)
    assert (breast["cases"], breast["changed"], breast["without_proposed"]) == (3, 2, 1)
    assert [b["name"] for b in breast["by_board"]] == ["Breast"]
    ft = breast["follow_through"]
    assert (ft["plans"], ft["recorded"], ft["yes"], ft["partial"], ft["no"], ft["due"]) == (4, 3, 1, 1, 1, 1)


def test_another_boards_filter_gives_zeros_not_a_404(decisions):
    world = decisions
    body = get(world, world.member, board=str(world.other_board.public_id))
    assert (body["cases"], body["without_proposed"], body["by_board"], body["follow_through"]["plans"]) == (
        0,
        0,
        [],
        0,
    )
    # the same answer as for a board that does not exist
    unknown = get(world, world.member, board="00000000-0000-4000-8000-000000000000")
    assert unknown == body


@pytest.mark.parametrize("role", ["referrer", "referrer2"])
def test_a_community_hospital_sees_zeros_without_its_own_decisions(decisions, role):
    body = get(decisions, getattr(decisions, role))
    assert (body["cases"], body["without_proposed"], body["follow_through"]["plans"]) == (0, 0, 0)


def test_a_community_case_routed_to_a_board_counts_for_its_referrer(decisions):
    world = decisions
    Case.objects.filter(pk=world.community_case.pk).update(board=world.board)
    decide(Case.objects.get(pk=world.community_case.pk), when=at(3, 18), categories=["modality_removed"])
    referrer = get(world, world.referrer)
    assert (referrer["cases"], referrer["changed"], referrer["by_category"]["modality_removed"]) == (1, 1, 1)
    assert get(world, world.referrer2)["cases"] == 0
    assert get(world, world.member)["cases"] == 4  # the board sees it too


def test_anonymous_is_401(world):
    response = world.client(None).get(URL)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_only_get_is_allowed(world):
    assert world.client(world.member).post(URL, {}).status_code == 405


# --- Cost -------------------------------------------------------------------------------------------------


def _queries(world, user) -> int:
    client = world.client(user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["member", "admin"])
def test_the_query_count_does_not_grow_with_the_cases(world, role):
    user = getattr(world, role)

    def add(n: int) -> None:
        for i in range(n):
            case = breast_case(world, site=["breast", "other"][i % 2])
            decide(case, when=at(1 + i % 3, 10), categories=["modality_added"] if i % 2 else [])
            decide(case, when=at(4, 10), previous_board=[], follow_ups=[("no", "toxicity")] if i % 3 else [])

    add(2)
    small = _queries(world, user)
    add(40)
    large = _queries(world, user)
    assert get(world, user)["cases"] == 42
    assert small == large
    # the token (with the memberships) and two aggregates: the unit by board, site and month (totals, categories and
    # the three breakdowns are its sums), the follow-through (a read runs in no transaction: no savepoint)
    assert large == 3


# --- The figures against a plain recomputation ------------------------------------------------------------


def _recompute(user, *, board=None, date_from=None, date_to=None, primary_site=None) -> dict:
    """The module docstring's definitions, in plain Python over every row (the scope from cases_visible_to)."""
    tz = timezone.get_default_timezone()
    scope = set(cases_visible_to(user).values_list("pk", flat=True))
    records = [r for r in ChangeRecord.objects.select_related("to_plan", "board", "case") if r.case_id in scope]

    def kept(r) -> bool:
        day = r.decided_at.astimezone(tz).date()
        return (
            (board is None or r.board.public_id == board)
            and (primary_site is None or r.case.primary_site == primary_site)
            and (date_from is None or day >= date_from)
            and (date_to is None or day <= date_to)
        )

    def latest(rows):
        top = {}
        for r in rows:
            top[r.case_id] = max(top.get(r.case_id, 0), r.to_plan.version)
        return [r for r in rows if r.to_plan.version == top[r.case_id] and kept(r)]

    unit = latest([r for r in records if r.basis == "proposed"])
    compared = {r.case_id for r in records if r.basis == "proposed"}
    plans = {r.to_plan for r in latest(records)}
    follow_ups = {}
    for f in FollowUp.objects.order_by("created_at", "id"):
        follow_ups[f.plan_id] = f  # the latest wins
    cutoff = timezone.now() - datetime.timedelta(days=settings.FOLLOW_UP_DUE_DAYS)
    versions = {}
    for p in Plan.objects.filter(kind="board"):
        versions[p.case_id] = max(versions.get(p.case_id, 0), p.version)

    def due(plan) -> bool:
        decided = plan.meeting.starts_at if plan.meeting_id else plan.created_at
        return (
            plan.case.status in ("recommended", "closed")
            and decided <= cutoff
            and plan.version == versions[plan.case_id]
            and plan.pk not in follow_ups
        )

    def grouped(key, order) -> list[dict]:
        groups = {}
        for r in unit:
            groups.setdefault(key(r), []).append(r)
        return [
            {**dict(k), "cases": len(rs), "changed": sum(r.changed for r in rs)}
            for k, rs in sorted(groups.items(), key=lambda item: order(item[0]))
        ]

    def with_rate(rows):
        return [{**row, "change_rate": round(row["changed"] / row["cases"], 3)} for row in rows]

    answers = [follow_ups[p.pk] for p in plans if p.pk in follow_ups]
    changed = sum(r.changed for r in unit)
    return {
        "cases": len(unit),
        "changed": changed,
        "change_rate": round(changed / len(unit), 3) if unit else None,
        "without_proposed": sum(p.case_id not in compared for p in plans),
        "by_category": {c: sum(getattr(r, c) for r in unit) for c in ChangeCategory.values},
        "by_board": with_rate(
            grouped(lambda r: (("board", r.board.public_id), ("name", r.board.name)), lambda k: (k[1][1], k[0][1]))
        ),
        "by_site": with_rate(grouped(lambda r: (("primary_site", r.case.primary_site),), lambda k: k)),
        "by_month": with_rate(
            grouped(lambda r: (("month", r.decided_at.astimezone(tz).strftime("%Y-%m")),), lambda k: k)
        ),
        "follow_through": {
            "plans": len(plans),
            "recorded": len(answers),
            **{a: sum(f.implemented == a for f in answers) for a in ("yes", "partial", "no")},
            "rate": round(sum(f.implemented == "yes" for f in answers) / len(answers), 3) if answers else None,
            "reasons": {reason: sum(f.reason == reason for f in answers) for reason in NotImplementedReason.values},
            "due": sum(due(p) for p in plans),
        },
    }


@pytest.mark.parametrize("seed", [3, 11])
def test_the_figures_equal_a_plain_recomputation_on_a_varied_world(world, seed):
    rng = random.Random(seed)
    sites = ["breast", "lung", "colorectal"]
    categories = list(ChangeCategory.values)
    for i in range(24):
        case = (breast_case if i % 3 else thoracic_case)(world, site=rng.choice(sites))
        for n in range(rng.choice([1, 1, 2, 3])):
            when = at(rng.randint(1, 6), rng.randint(1, 28), rng.choice([0, 12, 23]))
            answers = [
                rng.choice([("yes", ""), ("partial", "toxicity"), ("no", rng.choice(NotImplementedReason.values))])
                for _ in range(rng.choice([0, 0, 1, 2]))
            ]
            decide(
                case,
                when=when,
                basis=rng.choice(["proposed", "proposed", "none"]),
                categories=rng.sample(categories, rng.choice([0, 0, 1, 2])),
                previous_board=rng.sample(categories, rng.choice([0, 1])) if n else None,
                follow_ups=answers,
                old=rng.random() < 0.5,
            )
    filters = [
        {},
        {"board": world.board.public_id},
        {"primary_site": "lung"},
        {"date_from": datetime.date(2025, 2, 1), "date_to": datetime.date(2025, 4, 30)},
        {"board": world.other_board.public_id, "date_from": datetime.date(2025, 3, 15)},
    ]
    seen = 0
    for user in (world.admin, world.member, world.other_member, world.referrer):
        for params in filters:
            expected = _recompute(user, **params)
            assert plan_change_stats(user, **params) == expected, (user.username, params)
            seen += expected["cases"] + expected["follow_through"]["plans"]
    assert seen > 100  # the world is not empty under the filters
