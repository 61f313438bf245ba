"""A second opinion submitted while Redis is down: the request is committed and answered; routing happens
once Redis is back (the periodic sweep re-enqueues it) on a real Celery worker, exactly once.

Real components: a private ``redis-server`` stopped and started again, a ``celery worker`` process,
PostgreSQL, the API over HTTP semantics (DRF test client, real transactions and on-commit hooks).
"""

from __future__ import annotations

import time

import pytest

from cases.models import SecondOpinion
from cases.tasks import second_opinions_sweep
from tests.cases.so_helpers import URL, payload
from tests.conftest import WorkerProcess, wait_for
from tumorboard.models import Notification

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_submitting_with_redis_down_succeeds_and_routing_happens_once_it_is_back(
    world, api, celery_on, private_redis, tmp_path, settings
):
    private_redis.stop()
    started = time.monotonic()
    response = api(world.referrer).post(URL, payload(world), format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.json()
    request = SecondOpinion.objects.get(public_id=response.json()["id"])
    assert request.status == "requested" and request.routed_at is None  # committed, waiting to be routed

    private_redis.start()
    worker = WorkerProcess(tmp_path / "worker.log", private_redis.url)
    worker.start()
    try:
        # what beat runs every two minutes, here with no age threshold
        settings.SECOND_OPINION_STALE_SECONDS = 0
        assert second_opinions_sweep() == 1
        wait_for(
            lambda: SecondOpinion.objects.filter(pk=request.pk, routed_at__isnull=False).exists(),
            timeout=60,
            message="the worker to route the request",
        )
        wait_for(
            lambda: not Notification.objects.filter(kind="second_opinion_routed", status="pending").exists(),
            timeout=60,
            message="the coordinators' notification to be sent",
        )
    finally:
        worker.stop()
    request.refresh_from_db()
    assert request.board == world.board and request.due_at is not None
    assert list(request.transitions.values_list("action", flat=True)) == ["request", "route"]  # routed once
    assert Notification.objects.filter(kind="second_opinion_routed", recipient=world.coordinator).count() == 1
    log = (tmp_path / "worker.log").read_text()
    patient = world.community_case.patient
    assert "second_opinion_route" in log and patient.name not in log and patient.mrn not in log
    print(f"\nsubmit with Redis down: 201 in {elapsed:.2f} s; routed after the restart by the sweep, once")
