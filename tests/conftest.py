"""The small world every test stands in (CONVENTIONS: Tests), and shared fixtures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from knox.models import AuthToken
from rest_framework.test import APIClient

from cases.lifecycle.agenda import meeting_transition
from cases.models import Case
from scheduling.models import Board
from specialists.models import BoardRole, Institution, InstitutionKind, Specialty, User
from tests.factories import (
    BoardFactory,
    CaseFactory,
    InstitutionFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)


@dataclass
class World:
    academic: Institution
    community: Institution
    community2: Institution
    board: Board  # the breast board
    other_board: Board  # the thoracic board, same institution
    coordinator: User  # coordinator of `board`
    chair: User  # chair of `board`
    member: User  # member of `board`
    other_member: User  # member of `other_board` only
    referrer: User  # community-hospital user
    referrer2: User  # user of another community hospital
    admin: User
    case: Case  # on `board`, created by `member`
    other_case: Case  # on `other_board`
    community_case: Case  # the referrer's, no board yet
    community2_case: Case  # the other hospital's

    def client(self, user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client


def token_for(user: User) -> str:
    """A new API token of ``user``, as a sign-in would give it."""
    return AuthToken.objects.create(user=user)[1]


@pytest.fixture(autouse=True)
def _cache_cleared():
    """Each test starts with an empty cache: no sign-in failures or used codes of another test."""
    cache.clear()


@pytest.fixture
def world(db) -> World:
    academic = InstitutionFactory(name="Academic Cancer Center", kind=InstitutionKind.ACADEMIC_CENTER)
    community = InstitutionFactory(name="Valley Community Hospital", kind=InstitutionKind.COMMUNITY_HOSPITAL)
    community2 = InstitutionFactory(name="Lakeside Community Hospital", kind=InstitutionKind.COMMUNITY_HOSPITAL)
    board = BoardFactory(name="Breast", institution=academic)
    other_board = BoardFactory(name="Thoracic", institution=academic, disease_sites=["lung"])
    coordinator = UserFactory(username="coord", institution=academic, specialty=Specialty.NURSE_NAVIGATION)
    chair = UserFactory(username="chair", institution=academic, specialty=Specialty.SURGICAL_ONCOLOGY)
    member = UserFactory(username="member", institution=academic, specialty=Specialty.MEDICAL_ONCOLOGY)
    other_member = UserFactory(username="othermember", institution=academic, specialty=Specialty.RADIOLOGY)
    referrer = UserFactory(username="referrer", institution=community, specialty=Specialty.MEDICAL_ONCOLOGY)
    referrer2 = UserFactory(username="referrer2", institution=community2, specialty=Specialty.MEDICAL_ONCOLOGY)
    admin = UserFactory(username="admin", institution=academic, specialty="", is_superuser=True, is_staff=True)
    MembershipFactory(user=coordinator, board=board, role=BoardRole.COORDINATOR)
    MembershipFactory(user=chair, board=board, role=BoardRole.CHAIR)
    MembershipFactory(user=member, board=board, role=BoardRole.MEMBER)
    MembershipFactory(user=other_member, board=other_board, role=BoardRole.MEMBER)
    MeetingFactory(board=board)
    MeetingFactory(board=other_board)
    return World(
        academic=academic,
        community=community,
        community2=community2,
        board=board,
        other_board=other_board,
        coordinator=coordinator,
        chair=chair,
        member=member,
        other_member=other_member,
        referrer=referrer,
        referrer2=referrer2,
        admin=admin,
        case=CaseFactory(institution=academic, board=board, created_by=member),
        other_case=CaseFactory(institution=academic, board=other_board, created_by=other_member, primary_site="lung"),
        community_case=CaseFactory(institution=community, created_by=referrer),
        community2_case=CaseFactory(institution=community2, created_by=referrer2),
    )


@pytest.fixture
def api(world):
    """``api(user)`` → an authenticated APIClient; ``api(None)`` → anonymous."""
    return world.client


def at_once(calls, *, timeout: float = 60.0) -> list:
    """Run ``calls`` in threads that a barrier releases together, so their transactions overlap, each on its own
    database connection (a transactional test's); their results in order. A call's exception is raised here."""
    import threading

    from django.db import close_old_connections

    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - raised below, in the test's thread
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    assert not any(thread.is_alive() for thread in threads), "a call did not finish"
    return results


def wait_for(predicate, *, timeout: float = 90.0, interval: float = 0.1, message: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value or the deadline passes (no blind sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


class WorkerProcess:
    """A real ``celery worker`` process on a broker (the test broker by default) and the test database."""

    def __init__(self, log_path: Path, broker_url: str | None = None, **extra_env: str):
        self.log_path = log_path
        self.broker_url = broker_url or settings.CELERY_BROKER_URL
        self.extra_env = extra_env
        self.process: subprocess.Popen | None = None
        self.log = None

    def start(self) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **self.extra_env,
        }
        env.pop("PYTEST_XDIST_WORKER", None)  # the broker URL above is this process's already (config/settings/test.py)
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=2"]
        command += ["--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.log = self.log_path.open("ab")
        # its own process group, so a SIGKILL takes the pool's children down with the parent
        self.process = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(lambda: b"ready." in self.log_path.read_bytes()[offset:], timeout=60, message="the worker to start")

    def kill(self) -> None:
        """SIGKILL the worker and its pool: no warm shutdown, no acknowledgements, nothing handed back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.log and not self.log.closed:
            self.log.close()


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """Start a real Celery worker on Redis; tasks sent by the test go through the broker to it."""
    from config.celery import app

    if settings.CELERY_BROKER_URL.startswith("memory://"):
        pytest.skip("needs CELERY_BROKER_URL (make test sets it)")
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    worker = WorkerProcess(tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
    app.conf.task_always_eager = True


def meeting_start(meeting, *, by):
    """Start ``meeting`` as its coordinator ``by`` would, confirming a start before its day or without its quorum
    (tests run meetings whenever they need them)."""
    return meeting_transition(
        user=by, meeting=meeting, action_name="start", confirm=True, reason="The test runs it ahead of its day."
    )
