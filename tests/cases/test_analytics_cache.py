"""The analytics and the dashboard's waiting count cached until the next committed write (tumorboard/figures.py).

The walk through the writes commits for real (a transactional test), so each write's ``on_commit`` runs as in
production; after each kind of write, every user's cached figures equal a fresh computation and, for the change
statistics, the plain-Python recomputation of tests/cases/test_analytics.py.
"""

from __future__ import annotations

import datetime
import os
import random
import re
import subprocess
import sys

import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import analytics as analytics_module
from cases.analytics import _change_parts, _volume_parts, case_volume, plan_change_stats
from cases.lifecycle.agenda import agenda_add
from cases.lifecycle.case_actions import case_transition
from cases.lifecycle.recommendation import plan_record
from cases.models import Case, ChangeRecord, FollowUp, Plan, SecondOpinion
from cases.selectors import cases_visible_to, cases_waiting
from cases.services.case_profile import case_update
from cases.services.follow_ups import follow_up_record
from scheduling.models import Board, Meeting
from scheduling.pages.common import coordinated_boards
from scheduling.pages.overview import _dashboard
from scheduling.services import board_member_remove, board_member_set, board_update
from specialists.models import User
from tests.cases.plan_helpers import BOARD, PROPOSED, discussed
from tests.cases.test_analytics import _recompute, breast_case, decide
from tests.factories import CaseFactory, MeetingFactory
from tumorboard import figures
from tumorboard.models import AuditEvent

ON = override_settings(FIGURES_CACHE_SECONDS=300)
OFF = override_settings(FIGURES_CACHE_SECONDS=0)
USERS = ("admin", "coordinator", "member", "other_member", "referrer2")


def _figures(user) -> dict:
    return {
        "changes": plan_change_stats(user),
        "changes_lung": plan_change_stats(user, primary_site="lung"),
        "volume": case_volume(user),
        "waiting": _dashboard(user)["waiting_count"],
    }


def _checked(world, step: str) -> dict:
    """Every user's figures, cached (as the pages and the API ask) and fresh: equal, and the change statistics equal to
    the plain recomputation. Users are loaded afresh, as a request loads them."""
    seen = {}
    for name in USERS:
        user = User.objects.get(pk=getattr(world, name).pk)
        with ON:
            cached = _figures(user)
        with OFF:
            fresh = _figures(User.objects.get(pk=user.pk))
        assert cached == fresh, (step, name)
        assert fresh["changes"] == _recompute(user), (step, name)
        seen[name] = fresh
    return seen


@override_settings(FIGURES_CACHE_SECONDS=300)  # as deployed: every write of the test replaces the token
@pytest.mark.django_db(transaction=True)
def test_after_each_kind_of_write_the_next_answer_is_computed_afresh(world):
    steps = [_checked(world, "start")]  # every user's figures cached as they stand before each write

    def step(name: str, write) -> tuple[dict, dict]:
        write()
        steps.append(_checked(world, name))
        return steps[-2], steps[-1]

    # A board plan through the services (its change records written by the detection task on commit).
    def plans():
        discussed(world)
        plan_record(user=world.member, case=world.case, data=PROPOSED)
        components = [*PROPOSED["components"], {"modality": "radiation_therapy", "detail": "Whole-breast RT"}]
        plan_record(user=world.chair, case=world.case, data={**BOARD, "components": components})

    before, after = step("plan and change record", plans)
    assert (before["member"]["changes"]["cases"], after["member"]["changes"]["cases"]) == (0, 1)
    assert after["other_member"]["changes"]["cases"] == 0

    case = Case.objects.get(pk=world.case.pk)
    before, after = step(
        "case edited", lambda: case_update(user=world.member, case=case, data={"primary_site": "lung"})
    )
    assert after["member"]["changes_lung"]["cases"] == 1 != before["member"]["changes_lung"]["cases"]

    case = Case.objects.get(pk=world.case.pk)
    before, after = step(
        "follow-through", lambda: follow_up_record(user=world.member, case=case, data={"implemented": "yes"})
    )
    assert after["member"]["changes"]["follow_through"]["recorded"] == 1

    board = Board.objects.get(pk=world.board.pk)
    before, after = step(
        "board renamed", lambda: board_update(user=world.coordinator, board=board, data={"name": "B2"})
    )
    assert after["coordinator"]["changes"]["by_board"][0]["name"] == "B2"

    join = lambda: board_member_set(user=world.coordinator, board=board, member=world.other_member, role="member")  # noqa: E731
    before, after = step("membership added", join)
    assert after["other_member"]["changes"]["cases"] == 1
    leave = lambda: board_member_remove(user=world.coordinator, board=board, member=world.other_member)  # noqa: E731
    before, after = step("membership removed", leave)
    assert after["other_member"]["changes"]["cases"] == 0

    draft = CaseFactory(institution=world.academic, board=board, created_by=world.member, status="draft")
    submit = lambda: case_transition(user=world.member, case=draft, action_name="submit")  # noqa: E731
    before, after = step("case submitted", submit)
    assert after["member"]["volume"] != before["member"]["volume"]

    waiting = CaseFactory(
        institution=world.academic,
        board=board,
        created_by=world.member,
        status="submitted",
        submitted_at=timezone.now(),
    )
    steps[-1] = _checked(world, "a case created waiting")
    meeting = MeetingFactory(board=board)
    before, after = step("agenda", lambda: agenda_add(user=world.coordinator, meeting=meeting, case=waiting))
    assert after["coordinator"]["waiting"] == before["coordinator"]["waiting"] - 1

    # Writes outside the services (ORM creates and bulk updates, as a data fix would do) count too.
    before, after = step("plain ORM writes", lambda: decide(breast_case(world), when=timezone.now(), old=True))
    assert (
        after["member"]["changes"]["follow_through"]["due"] == before["member"]["changes"]["follow_through"]["due"] + 1
    )
    assert len(steps) == 10

    # A rolled-back write leaves the cached figures as they were; a write to a table they do not read too.
    board_token = figures.TABLE_KEY.format("scheduling_board")
    token = cache.get(board_token)
    with pytest.raises(RuntimeError), transaction.atomic():
        Board.objects.filter(pk=board.pk).update(name="rolled back")
        raise RuntimeError
    AuditEvent.objects.create(action="read", object_type="case", object_id="1", detail={})
    assert cache.get(board_token) == token
    # nor a read that writes its audit rows in its own statement (cases.api.case_reads), nor a lock
    assert world.client(world.member).get(f"/api/v1/cases/{world.case.public_id}/").status_code == 200
    with transaction.atomic():
        list(Board.objects.select_for_update(of=("self",)).filter(pk=board.pk))
    assert cache.get(board_token) == token
    # a write inside a WITH counts as any other
    with connection.cursor() as cursor:
        cursor.execute(
            'WITH renamed AS (UPDATE "scheduling_board" SET "name" = %s WHERE "id" = %s RETURNING "id") '
            "SELECT count(*) FROM renamed",
            ["B3", board.pk],
        )
    assert cache.get(board_token) != token


@pytest.mark.django_db
def test_a_transaction_replaces_the_token_once_and_a_rollback_not_at_all(world):
    def pending() -> int:
        return sum(isinstance(func, figures._Stale) for _, func, _ in connection.run_on_commit)

    member = User.objects.get(pk=world.member.pk)
    with ON, transaction.atomic():
        cached = plan_change_stats(member)
        with pytest.raises(RuntimeError), transaction.atomic():
            Board.objects.filter(pk=world.board.pk).update(name="x")
            assert pending() == 1
            raise RuntimeError
        assert pending() == 0  # rolled back with its savepoint
        Board.objects.filter(pk=world.board.pk).update(name="y")
        Case.objects.filter(board=world.board).update(primary_site="lung")
        with transaction.atomic():
            Case.objects.create(
                patient=world.case.patient, institution=world.academic, board=world.board, created_by=world.member
            )
        assert pending() == 1
        # this transaction's own figures are computed (with its writes), never the cached ones
        with CaptureQueriesContext(connection) as queries:
            assert plan_change_stats(member) == cached
        assert len(queries) > 0
    with OFF:
        Board.objects.filter(pk=world.board.pk).update(name="z")
    assert pending() == 1  # the cache off: nothing registered

    statements = []

    def spy(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        update_last_login(None, member)  # a sign-in changes no figure
        Board.objects.filter(pk=world.board.pk).update(name="w")
        AuditEvent.objects.create(action="read", object_type="case", object_id="1", detail={})
    assert [bool(figures._written_tables(sql)) for sql in statements] == [False, True, False]


TABLE = re.compile(r'(?:FROM|JOIN)\s+"([^"]+)"')


@pytest.mark.django_db
def test_the_cached_figures_read_only_watched_tables(world):
    """A table the cached computations read that no write marks stale would serve stale figures: the lists in
    cases/apps.py and the analytics' own (what their parts by case are kept under) are held to the queries they run."""
    decide(breast_case(world), when=timezone.now(), categories=["intent_changed"], follow_ups=[("no", "toxicity")])
    analytics, waiting = set(), set()
    for name in ("admin", "coordinator", "member", "referrer"):
        user = User.objects.get(pk=getattr(world, name).pk)
        with CaptureQueriesContext(connection) as queries:
            for groups in (None, [0, 1, 5]):
                user = User.objects.get(pk=user.pk)
                _change_parts(
                    user, groups, board=world.board.public_id, date_from=None, date_to=None, primary_site="breast"
                )
                user = User.objects.get(pk=user.pk)
                _volume_parts(user, groups, board=None, date_from=None, date_to=None)
            plan_change_stats(User.objects.get(pk=user.pk))  # and what merging the parts reads
        analytics |= {table for query in queries.captured_queries for table in TABLE.findall(query["sql"])}
        with CaptureQueriesContext(connection) as queries:
            user = User.objects.get(pk=user.pk)
            cases_waiting(cases_visible_to(user)).filter(board__in=coordinated_boards(user)).count()
        waiting |= {table for query in queries.captured_queries for table in TABLE.findall(query["sql"])}
    assert {"cases_changerecord", "cases_followup", "cases_plan", "specialists_boardmembership"} <= analytics
    assert analytics <= figures.watched_tables()
    assert figures.by_case_tables() == {
        "cases_case", "cases_changerecord", "cases_followup", "cases_plan", "cases_secondopinion",
        "scheduling_agendaitem", "scheduling_meeting",
    }  # fmt: skip
    assert "scheduling_agendaitem" not in analytics  # (the dashboard's count reads it: watched all the same)
    assert waiting <= figures.watched_tables()
    assert "scheduling_agendaitem" in waiting


@pytest.mark.django_db
def test_a_warm_load_reads_no_figure_from_the_database_and_no_user_shares_another_s(
    world, client, django_assert_num_queries
):
    Case.objects.filter(pk=world.community_case.pk).update(board=world.board)
    decide(Case.objects.get(pk=world.community_case.pk), when=timezone.now(), categories=["intent_changed"])
    api = world.client(world.member)
    client.force_login(world.coordinator)  # (its last_login written before: the test's transaction never commits)
    with ON:
        with CaptureQueriesContext(connection) as cold:
            assert api.get("/api/v1/analytics/plan-changes/").status_code == 200
        # the token with the memberships, the greatest case id (which parts there are), two aggregates
        assert len(cold) == 4
        with django_assert_num_queries(2):  # the token and the greatest case id only
            assert api.get("/api/v1/analytics/plan-changes/").json()["cases"] == 1
        # the case is the referrer's (care team) and on the member's board: the same figures, two entries
        referrer, referrer2 = (User.objects.get(pk=u.pk) for u in (world.referrer, world.referrer2))
        assert plan_change_stats(referrer)["cases"] == 1
        with django_assert_num_queries(1):
            assert plan_change_stats(referrer)["cases"] == 1
        with CaptureQueriesContext(connection) as other:
            assert plan_change_stats(referrer2)["cases"] == 0  # another institution: computed, never shared
        assert len(other) > 0
        volume = case_volume(referrer2)
        with django_assert_num_queries(1):
            assert case_volume(referrer2) == volume

        client.get("/")  # the session and the user loaded once
        cache.clear()  # (new tokens are made: the count is stale)
        with CaptureQueriesContext(connection) as dashboard_cold:
            waiting = client.get("/").context["waiting_count"]
        assert len(dashboard_cold) == 14  # with the menu's count of open review tasks, the greatest case id
        with django_assert_num_queries(13):  # the waiting count's is the one saved
            assert client.get("/").context["waiting_count"] == waiting


PRINT_CACHE = "import importlib, sys; s = importlib.import_module(sys.argv[1]); "
PRINT_CACHE += "print(s.CACHES['default']['BACKEND'].rpartition('.')[2], s.FIGURES_CACHE_SECONDS)"


@pytest.mark.parametrize(
    ("module", "extra", "expected"),
    [
        ("config.settings.base", {}, "FileBasedCache 300"),  # make run: SQLite, no broker, one file cache per machine
        ("config.settings.base", {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/9"}, "RedisCache 300"),
        ("config.settings.base", {"CACHE_URL": "locmem://"}, "LocMemCache 0"),  # per process: would miss writes
        (
            "config.settings.production",
            {"SECRET_KEY": "x" * 60, "DATABASE_URL": "postgres://db/tb", "CELERY_BROKER_URL": "redis://r:6379/0"},
            "RedisCache 300",
        ),
        ("config.settings.test", {}, "LocMemCache 0"),
    ],
)
def test_the_figures_cache_is_on_only_where_every_process_shares_it(module, extra, expected):
    unset = {"CELERY_BROKER_URL", "CACHE_URL", "TEST_CACHE_URL", "FIGURES_CACHE_SECONDS", "SECRET_KEY", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in unset} | extra
    result = subprocess.run(
        [sys.executable, "-c", PRINT_CACHE, module], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.split() == expected.split(), result.stderr


def _case_in_a_group_of_its_own(world, site: str) -> Case:
    """A case on the breast board whose id begins a group of ``figures.CASE_GROUP`` ids no other case is in (the ids
    sequence moved forward, never back)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('cases_case', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT greatest((SELECT max(id) FROM cases_case), (SELECT last_value FROM {sequence}))")
        group = cursor.fetchone()[0] // figures.CASE_GROUP + 2
        cursor.execute("SELECT setval(%s, %s, false)", [sequence, group * figures.CASE_GROUP])
    case = breast_case(world, site=site)
    assert case.pk // figures.CASE_GROUP == group
    return case


@override_settings(FIGURES_CACHE_SECONDS=300)  # as deployed
@pytest.mark.django_db(transaction=True)
def test_a_write_of_one_case_s_rows_recomputes_the_part_of_its_group_only(world, monkeypatch):
    """The change statistics and the volume are kept in parts, one per group of case ids (tumorboard.figures
    .cached_by_case): after a committed write of a case's row, plan, change record or follow-up, whoever writes it,
    the next answer computes that case's group only, and equals a fresh computation and the plain recomputation; a
    write of another table the figures read makes every part stale; a write that changes nothing, a rolled-back one
    and one of a table they do not read make none stale; and a plan becomes due as time passes, with nothing
    recomputed."""
    first, second = _case_in_a_group_of_its_own(world, "breast"), _case_in_a_group_of_its_own(world, "lung")
    decide(first, when=timezone.now() - datetime.timedelta(days=60), categories=["intent_changed"], old=True)
    due_soon = decide(second, when=timezone.now() - datetime.timedelta(days=10))
    computed = []
    for name in ("_change_parts", "_volume_parts"):
        original = getattr(analytics_module, name)

        def spy(user, groups, _original=original, **filters):
            computed.append(None if groups is None else tuple(groups))
            return _original(user, groups, **filters)

        monkeypatch.setattr(analytics_module, name, spy)
    groups = {"first": (first.pk // figures.CASE_GROUP,), "second": (second.pk // figures.CASE_GROUP,)}

    def load(step: str) -> set:
        computed.clear()
        user = User.objects.get(pk=world.coordinator.pk)
        cached = (plan_change_stats(user), plan_change_stats(user, primary_site="lung"), case_volume(user))
        seen = set(computed)
        with OFF:
            assert cached == (plan_change_stats(user), plan_change_stats(user, primary_site="lung"), case_volume(user))
        assert cached[0] == _recompute(user), step
        assert cached[1] == _recompute(user, primary_site="lung"), step
        return seen

    everything = load("first load")
    assert len(everything) == 1 and set(groups.values()) <= {(g,) for g in next(iter(everything))}
    assert load("nothing written") == set()

    FollowUp.objects.create(
        case=second, plan=due_soon, implemented="no", reason="toxicity", note="-", recorded_by=world.member
    )
    assert load("a follow-up, through the ORM") == {groups["second"]}
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_changerecord SET changed = false, intent_changed = false WHERE case_id = %s", [first.pk]
        )
    assert load("a change record, by raw SQL") == {groups["first"]}
    Case.objects.filter(pk=second.pk).update(primary_site="breast")
    assert load("the case's row") == {groups["second"]}
    FollowUp.objects.filter(case=second).delete()
    with transaction.atomic():
        Plan.objects.filter(pk=due_soon.pk).update(created_at=timezone.now() - datetime.timedelta(days=29))
        Case.objects.filter(pk=first.pk).update(primary_site="lung")
    assert load("two cases in one transaction, and a delete") == {groups["first"] + groups["second"]}  # one call

    meeting = MeetingFactory(board=world.board, starts_at=timezone.now() - datetime.timedelta(days=40))
    Plan.objects.filter(pk=due_soon.pk).update(meeting=meeting)
    assert load("a plan decided at a meeting") == {groups["second"]}
    start = timezone.now() - datetime.timedelta(days=29)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    assert load("the meeting's start") == {groups["second"]}
    SecondOpinion.objects.filter(case=first).update(board=world.board)  # (none: an UPDATE of no row)
    second_opinion = SecondOpinion.objects.create(
        case=first,
        requesting_institution=world.academic,
        target_institution=world.academic,
        requested_by=world.member,
        reason="Borderline indication.",
        questions=["Is chemotherapy indicated?"],
    )
    assert load("a second opinion") == {groups["first"]}
    second_opinion.delete()
    assert load("a second opinion deleted") == {groups["first"]}

    Meeting.objects.filter(pk=meeting.pk).update(status="in_progress")  # not a start
    Case.objects.filter(pk=first.pk).update(id=F("id"))  # a row written unchanged (the profile lists' touch)
    first.biomarkers.create(name="ER", result="positive")
    with pytest.raises(RuntimeError), transaction.atomic():
        Case.objects.filter(pk=second.pk).update(primary_site="colorectal")
        raise RuntimeError
    assert load("nothing changed, or rolled back") == set()

    # one day before it is due, then a day after, with nothing written: the part kept says when it was decided
    assert plan_change_stats(User.objects.get(pk=world.coordinator.pk))["follow_through"]["due"] == 1
    later = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert load("two days later") == set()
    assert plan_change_stats(User.objects.get(pk=world.coordinator.pk))["follow_through"]["due"] == 2

    Board.objects.filter(pk=world.board.pk).update(name="Renamed board")
    assert load("a board renamed") == everything
    assert load("nothing written again") == set()

    last = _case_in_a_group_of_its_own(world, "lung")  # the greatest case, in a group of its own, then deleted
    decide(last, when=timezone.now() - datetime.timedelta(days=3), categories=["trial_referral"])
    (computed_now,) = load("new groups, one with a case")  # the groups after the last one known, in one call
    assert computed_now[-1] == last.pk // figures.CASE_GROUP and computed_now[0] > groups["second"][0]
    ChangeRecord.objects.filter(case=last).delete()
    Plan.objects.filter(case=last).delete()
    last.delete()
    assert load("the greatest case deleted: its group gone") == set()  # taken away, with none to compute

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_followup")  # no trigger names its cases: every part stale
    assert load("a TRUNCATE") == everything


@override_settings(FIGURES_CACHE_SECONDS=300)  # as deployed
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", [5, 17])
def test_the_kept_totals_equal_a_fresh_computation_after_any_sequence_of_writes(world, seed):
    """Random writes of cases in three groups of case ids (decisions, follow-ups, a case's site, board and status, a
    change record's flags, deletions), each committed: after each, every user's figures, taken from the kept totals
    with the stale parts taken away and the new ones added, equal a fresh computation."""
    rng = random.Random(seed)
    cases = [_case_in_a_group_of_its_own(world, "breast") for _ in range(3)]
    cases += [breast_case(world, site=rng.choice(["breast", "lung"])) for _ in range(3)]  # in the last group
    users = [User.objects.get(pk=getattr(world, name).pk) for name in ("coordinator", "member", "other_member")]

    def checked(step: str) -> None:
        for user in users:
            for filters in ({}, {"primary_site": "lung"}, {"date_from": datetime.date(2025, 2, 1)}):
                cached = plan_change_stats(user, **filters)
                with OFF:
                    assert cached == plan_change_stats(user, **filters), (step, user.username, filters)
            with OFF:
                fresh = case_volume(user)
            assert case_volume(user) == fresh, (step, user.username)

    def decided():
        case = rng.choice(cases)
        when = datetime.datetime(2025, rng.randint(1, 4), rng.randint(1, 28), tzinfo=datetime.UTC)
        answers = rng.choice([[], [("yes", "")], [("no", "toxicity")], [("partial", "payment"), ("yes", "")]])
        decide(case, when=when, categories=rng.sample(["intent_changed", "trial_referral"], rng.randint(0, 2)),
               follow_ups=answers, old=rng.random() < 0.5)  # fmt: skip

    def followed_up():
        plan = Plan.objects.filter(kind="board", case__in=cases).order_by("?").first()
        if plan is not None:
            FollowUp.objects.create(
                case=plan.case, plan=plan, implemented="no", reason="comorbidity", note="-", recorded_by=world.member
            )

    writes = [
        decided,
        decided,
        followed_up,
        lambda: FollowUp.objects.filter(pk__in=FollowUp.objects.order_by("?").values("pk")[:1]).delete(),
        lambda: Case.objects.filter(pk=rng.choice(cases).pk).update(primary_site=rng.choice(["breast", "lung"])),
        lambda: Case.objects.filter(pk=rng.choice(cases).pk).update(board=rng.choice([world.board, world.other_board])),
        lambda: Case.objects.filter(pk=rng.choice(cases).pk).update(status=rng.choice(["closed", "submitted"])),
        lambda: ChangeRecord.objects.filter(case=rng.choice(cases)).update(changed=rng.random() < 0.5),
    ]
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(status="closed", submitted_at=timezone.now())
    checked("start")
    for n in range(24):
        write = rng.choice(writes)
        write()
        checked(f"write {n}")
