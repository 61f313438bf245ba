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
