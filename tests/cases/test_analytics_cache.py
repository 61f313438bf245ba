"""The analytics and the dashboard's waiting count cached until the next committed write (tumorboard/figures.py).

The walk through the writes commits for real (a transactional test), so each write's ``on_commit`` runs as in
production; after each kind of write, every user's cached figures equal a fresh computation and, for the change
statistics, the plain-Python recomputation of tests/cases/test_analytics.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.analytics import _case_volume, _plan_change_stats, case_volume, plan_change_stats
from cases.lifecycle.agenda import agenda_add
from cases.lifecycle.case_actions import case_transition
from cases.lifecycle.recommendation import plan_record
from cases.models import Case
from cases.selectors import cases_visible_to, cases_waiting
from cases.services.case_profile import case_update
from cases.services.follow_ups import follow_up_record
from scheduling.models import Board
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
        token = cache.get(figures.GENERATION_KEY)
        write()
        assert cache.get(figures.GENERATION_KEY) != token, name  # the commit replaced it
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
    token = cache.get(figures.GENERATION_KEY)
    with pytest.raises(RuntimeError), transaction.atomic():
        Board.objects.filter(pk=board.pk).update(name="rolled back")
        raise RuntimeError
    AuditEvent.objects.create(action="read", object_type="case", object_id="1", detail={})
    assert cache.get(figures.GENERATION_KEY) == token
    # nor a read that writes its audit rows in its own statement (cases.api.case_reads), nor a lock
    assert world.client(world.member).get(f"/api/v1/cases/{world.case.public_id}/").status_code == 200
    with transaction.atomic():
        list(Board.objects.select_for_update(of=("self",)).filter(pk=board.pk))
    assert cache.get(figures.GENERATION_KEY) == token
    # a write inside a WITH counts as any other
    with connection.cursor() as cursor:
        cursor.execute(
            'WITH renamed AS (UPDATE "scheduling_board" SET "name" = %s WHERE "id" = %s RETURNING "id") '
            "SELECT count(*) FROM renamed",
            ["B3", board.pk],
        )
    assert cache.get(figures.GENERATION_KEY) != token


@pytest.mark.django_db
def test_a_transaction_replaces_the_token_once_and_a_rollback_not_at_all(world):
    def pending() -> int:
        return sum(func is figures.bump for _, func, _ in connection.run_on_commit)

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
    assert [figures._statement_watched(sql) for sql in statements] == [False, True, False]


TABLE = re.compile(r'(?:FROM|JOIN)\s+"([^"]+)"')


@pytest.mark.django_db
def test_the_cached_figures_read_only_watched_tables(world):
    """A table the cached computations read that no write marks stale would serve stale figures: the list in
    cases/apps.py is held to the queries they run."""
    decide(breast_case(world), when=timezone.now(), categories=["intent_changed"], follow_ups=[("no", "toxicity")])
    read = set()
    for name in ("admin", "coordinator", "member", "referrer"):
        user = User.objects.get(pk=getattr(world, name).pk)
        with CaptureQueriesContext(connection) as queries:
            _plan_change_stats(user, board=world.board.public_id, date_from=None, date_to=None, primary_site="breast")
            _case_volume(User.objects.get(pk=user.pk), board=None, date_from=None, date_to=None)
            user = User.objects.get(pk=user.pk)
            cases_waiting(cases_visible_to(user)).filter(board__in=coordinated_boards(user)).count()
        read |= {table for query in queries.captured_queries for table in TABLE.findall(query["sql"])}
    read -= {"specialists_user"}  # the users' own rows, read above to load them afresh; watched all the same
    assert {"cases_changerecord", "cases_followup", "cases_plan", "specialists_boardmembership"} <= read
    assert read <= figures.watched_tables()


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
        assert len(cold) == 3  # the token with the memberships, two aggregates (tests/cases/test_analytics.py)
        with django_assert_num_queries(1):  # the token only
            assert api.get("/api/v1/analytics/plan-changes/").json()["cases"] == 1
        # the case is the referrer's (care team) and on the member's board: the same figures, two entries
        referrer, referrer2 = (User.objects.get(pk=u.pk) for u in (world.referrer, world.referrer2))
        assert plan_change_stats(referrer)["cases"] == 1
        with django_assert_num_queries(0):
            assert plan_change_stats(referrer)["cases"] == 1
        with CaptureQueriesContext(connection) as other:
            assert plan_change_stats(referrer2)["cases"] == 0  # another institution: computed, never shared
        assert len(other) > 0
        volume = case_volume(referrer2)
        with django_assert_num_queries(0):
            assert case_volume(referrer2) == volume

        client.get("/")  # the session and the user loaded once
        figures.bump()
        with CaptureQueriesContext(connection) as dashboard_cold:
            waiting = client.get("/").context["waiting_count"]
        assert len(dashboard_cold) == 13  # with the menu's count of open review tasks
        with django_assert_num_queries(12):  # the waiting count's is the one saved
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
