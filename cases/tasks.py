"""Case tasks: thin, idempotent, ids only. Late acknowledgement (settings) re-delivers a task whose worker
died; the packet row makes a redelivery harmless and lets the sweep finish what a lost message left."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
    soft_time_limit=120,
    time_limit=180,
)
def packet_build(case_id: int) -> str:
    from cases.packets import packet_build as build

    return build(case_id=case_id)


@shared_task(soft_time_limit=300, time_limit=360)
def packets_sweep() -> int:
    """Re-enqueue packets stuck in pending or building (a lost message, a killed worker)."""
    from cases.packets import packets_stale

    ids = packets_stale(
        pending_after=datetime.timedelta(seconds=settings.PACKET_STALE_PENDING_SECONDS),
        building_after=datetime.timedelta(seconds=settings.PACKET_STALE_BUILDING_SECONDS),
    )
    for case_id in ids:
        packet_build.delay(case_id)
    if ids:
        logger.info("re-enqueued %d stuck packets", len(ids))
    return len(ids)


@shared_task(soft_time_limit=300, time_limit=360)
def packets_for_upcoming_meetings() -> int:
    from cases.packets import packets_for_upcoming_meetings as request

    return request(lead=datetime.timedelta(hours=settings.PACKET_LEAD_HOURS))


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def plan_changes_detect(plan_id: int) -> int:
    from cases.plans import plan_changes_detect as detect

    return len(detect(plan_id=plan_id))


@shared_task(soft_time_limit=300, time_limit=360)
def plan_changes_sweep() -> int:
    """Re-enqueue the change detection of board plans a lost message left without change records."""
    from cases.plans import board_plans_without_changes

    ids = board_plans_without_changes(older_than=datetime.timedelta(seconds=settings.CHANGES_STALE_SECONDS))
    for plan_id in ids:
        plan_changes_detect.delay(plan_id)
    if ids:
        logger.info("re-enqueued change detection of %d board plans", len(ids))
    return len(ids)


@shared_task(soft_time_limit=300, time_limit=360)
def follow_ups_remind() -> int:
    from cases.plans import follow_ups_remind as remind

    return remind()
