"""Packets survive a worker killed mid-batch (SIGKILL) and a Redis restart during a backlog.

Real components: a ``celery worker`` process, a private ``redis-server``, PostgreSQL. Each packet must
end ready with exactly one version: nothing lost, nothing built twice.
"""

from __future__ import annotations

import pytest
from django.db.models import Count
from rest_framework.test import APIClient

from cases.codes import PacketStatus
from cases.models import Packet, PacketVersion
from cases.services import packets
from cases.tasks import documents_sweep
from tests.conftest import WorkerProcess, token_for, wait_for
from tests.factories import BoardFactory, CaseFactory, CommentFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BATCH = 24
# A message held by a killed worker comes back after 4 s (kombu's visibility timeout), found by the live worker's
# sweep for such messages every second, whose lock a worker killed during that sweep leaves for 2 s (in
# production: an hour, every 100 s, 5 minutes).
FAST_RESTORE = {
    "CELERY_VISIBILITY_TIMEOUT": "4",
    "CELERY_UNACKED_RESTORE_SECONDS": "1",
    "CELERY_UNACKED_MUTEX_SECONDS": "2",
}


def _cases(n: int):
    board = BoardFactory()
    member = UserFactory(institution=board.institution)
    MembershipFactory(user=member, board=board, role="coordinator")
    cases = []
    for _ in range(n):
        case = CaseFactory(institution=board.institution, board=board, created_by=member)
        for i in range(5):
            case.biomarkers.create(name="KI67", result="high", value=10 + i)
            CommentFactory(case=case, author=member, kind="pre_review", body=f"Review {i}")
        cases.append(case)
    return member, cases


def _counts(case_ids):
    ready = Packet.objects.filter(case_id__in=case_ids, status=PacketStatus.READY).count()
    building = Packet.objects.filter(case_id__in=case_ids, status=PacketStatus.BUILDING).count()
    return ready, building


def _state(case_ids, broker, logs) -> str:
    """What a timed-out wait leaves behind, for the failure message: packets, broker keys, the workers' logs."""
    packets_left = list(
        Packet.objects.filter(case_id__in=case_ids)
        .exclude(status=PacketStatus.READY)
        .values_list("case_id", "status", "attempts", "requested_at", "started_at", "error")
    )
    keys = {
        "queued": broker.llen("celery"),
        "unacked": broker.zrange("unacked_index", 0, -1, withscores=True),
        "unacked_mutex_ttl": broker.ttl("unacked_mutex"),
    }
    tails = "\n".join(f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:] for log in logs if log.exists())
    return f"not ready: {packets_left}\nbroker: {keys}\n{tails}"


def _assert_exactly_once(case_ids):
    assert Packet.objects.filter(case_id__in=case_ids, status=PacketStatus.READY).count() == len(case_ids)
    versions = dict(PacketVersion.objects.filter(case_id__in=case_ids).values_list("case_id").annotate(n=Count("id")))
    assert versions == dict.fromkeys(case_ids, 1), versions  # no duplicate, none missing


def test_sigkill_mid_batch_loses_nothing_and_builds_nothing_twice(celery_on, private_redis, tmp_path, settings):
    _, cases = _cases(BATCH)
    ids = [c.pk for c in cases]
    for case in cases:
        packets.packet_request(case=case)  # rows first, then one message each to the private Redis
    broker = private_redis.client()
    kills = mid_build = 0
    for attempt in range(6):  # until two kills have caught a packet mid-build
        worker = WorkerProcess(tmp_path / f"worker-{attempt}.log", private_redis.url, **FAST_RESTORE)
        worker.start()
        floor = _counts(ids)[0]
        wait_for(
            lambda floor=floor: _counts(ids)[0] >= floor + 3 and _counts(ids)[1] > 0,
            timeout=120,
            message="the worker to be mid-batch",
        )
        worker.kill()
        kills += 1
        ready, building = _counts(ids)
        assert ready < BATCH, (ready, building)
        # a build may have finished between the look and the kill; such a kill proves nothing, so kill again
        mid_build += building > 0
        if mid_build == 2:
            break
    assert mid_build == 2, f"{kills} kills, {mid_build} of them mid-build"
    held = set(broker.hkeys("unacked"))  # the messages the killed workers were building or had reserved
    assert held
    survivor = WorkerProcess(tmp_path / "worker-final.log", private_redis.url, **FAST_RESTORE)
    survivor.start()
    swept = []

    def ready_or_swept():
        if _counts(ids)[0] == BATCH:
            return True
        swept.append(documents_sweep())  # as beat runs it, for a message lost in flight (popped, not yet recorded)
        return False

    try:
        # the survivor puts every held message back on the queue after the visibility timeout
        wait_for(lambda: not held & set(broker.hkeys("unacked")), timeout=60, message="the held messages back")
        settings.PACKET_STALE_PENDING_SECONDS = settings.PACKET_STALE_BUILDING_SECONDS = 30
        wait_for(ready_or_swept, timeout=180, interval=5, message="every packet to be ready")
    except AssertionError as timeout:
        raise AssertionError(f"{timeout}\n{_state(ids, broker, sorted(tmp_path.glob('worker-*.log')))}") from None
    finally:
        survivor.stop()
    _assert_exactly_once(ids)
    assert mid_build == 2
    print(
        f"\nworker kills: {kills}; messages held by the killed workers and put back: {len(held)}; "
        f"re-enqueued by the sweep: {sum(swept)}; packets: {BATCH} ready, 0 lost, 0 duplicated"
    )


def test_redis_restart_during_a_backlog_loses_nothing(celery_on, private_redis, tmp_path, settings):
    member, cases = _cases(BATCH)
    ids = [c.pk for c in cases]
    worker = WorkerProcess(tmp_path / "worker.log", private_redis.url, **FAST_RESTORE)
    worker.start()
    try:
        for case in cases[:-4]:
            packets.packet_request(case=case)
        wait_for(lambda: _counts(ids)[0] >= 2, timeout=120, message="the backlog to be under way")
        private_redis.stop()  # the queued messages are gone with it
        # while the broker is down, users still ask for packets: the rows are written, the requests succeed
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(member)}")
        for case in cases[-4:]:
            response = client.post(f"/api/v1/cases/{case.public_id}/packet/")
            assert response.status_code == 202
            assert response.json()["status"] == "pending"
        private_redis.start()
        private_redis.restarts += 1
        assert _counts(ids)[0] < BATCH
        # the periodic sweep (run here by hand, with short thresholds, as beat would run it) re-enqueues
        # what the lost messages left pending or building
        settings.PACKET_STALE_PENDING_SECONDS = 0
        settings.PACKET_STALE_BUILDING_SECONDS = 30

        def swept_and_done():
            if _counts(ids)[0] == BATCH:
                return True
            documents_sweep()
            return False

        wait_for(swept_and_done, timeout=180, interval=3, message="every packet to be ready after the restart")
    finally:
        worker.stop()
    _assert_exactly_once(ids)
    assert private_redis.restarts == 1
    print(f"\nRedis restarts: {private_redis.restarts}; packets: {BATCH} ready, 0 lost, 0 duplicated")
