"""Scheduling tasks: thin wrappers that take ids, re-fetch, and call a service."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.utils import timezone

from scheduling.attendance import invitations_deliver, quorum_alerts_send
from scheduling.models import Board
from scheduling.services import meetings_generate

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=600, time_limit=660)
def meetings_generate_all(weeks: int = 8) -> int:
    """Keep every board's recurring meetings generated ``weeks`` ahead."""
    until = timezone.now() + datetime.timedelta(weeks=weeks)
    created = 0
    for board in Board.objects.exclude(recurrence=""):
        try:
            created += meetings_generate(board=board, until=until)
        except Exception:  # one bad board must not stop the others
            logger.exception("generating meetings failed for board %s", board.public_id)
    return created


@shared_task(soft_time_limit=120, time_limit=180, autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def meeting_invitations_send(meeting_id: int) -> int:
    return invitations_deliver(meeting_id=meeting_id)


@shared_task(soft_time_limit=300, time_limit=360)
def quorum_alerts() -> int:
    return quorum_alerts_send()
