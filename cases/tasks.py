"""Case tasks: thin, idempotent, ids only. Late acknowledgement (settings) re-delivers a task whose worker
died; the packet row makes a redelivery harmless and lets the sweep finish what a lost message left."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from cases.lifecycle.agenda import agenda_allocate, agenda_allocate_many
from cases.selectors import cases_waiting_for_allocation
from cases.services import follow_ups, meeting_packets, packets, plan_changes, reports, review_tasks, second_opinions

logger = logging.getLogger(__name__)
# A database that is briefly away (restart, failover) is retried with backoff rather than dropping the work.
RETRY_ON_DATABASE_ERRORS = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "max_retries": 8,
}


@shared_task(**RETRY_ON_DATABASE_ERRORS, soft_time_limit=120, time_limit=180)
def packet_build(case_id: int) -> str:
    return packets.packet_build(case_id=case_id)


@shared_task(soft_time_limit=60, time_limit=90)
def packets_build(case_ids: list[int]) -> int:
    """A batch of packet requests (an allocation pass): one build message per case, each with its own limits, retries
    and redelivery (the documents sweep re-sends a lost one)."""
    for case_id in case_ids:
        packet_build.delay(case_id)
    return len(case_ids)


@shared_task(**RETRY_ON_DATABASE_ERRORS, soft_time_limit=300, time_limit=360)
def meeting_packet_build(meeting_id: int) -> str:
    return meeting_packets.meeting_packet_build(meeting_id=meeting_id)


@shared_task(soft_time_limit=300, time_limit=360)
def packets_for_upcoming_meetings() -> int:
    return packets.packets_for_upcoming_meetings(lead=datetime.timedelta(hours=settings.PACKET_LEAD_HOURS))


@shared_task(**RETRY_ON_DATABASE_ERRORS, soft_time_limit=60, time_limit=90)
def plan_changes_detect(plan_id: int) -> int:
    return len(plan_changes.plan_changes_detect(plan_id=plan_id))


@shared_task(soft_time_limit=300, time_limit=360)
def plan_changes_sweep() -> int:
    """Re-enqueue the change detection of board plans a lost message left without change records."""
    ids = plan_changes.board_plans_without_changes(
        older_than=datetime.timedelta(seconds=settings.CHANGES_STALE_SECONDS)
    )
    for plan_id in ids:
        plan_changes_detect.delay(plan_id)
    if ids:
        logger.info("re-enqueued change detection of %d board plans", len(ids))
    return len(ids)


@shared_task(soft_time_limit=300, time_limit=360)
def follow_ups_remind() -> int:
    return follow_ups.follow_ups_remind()


@shared_task(**RETRY_ON_DATABASE_ERRORS, soft_time_limit=60, time_limit=90)
def second_opinion_route(request_id: int) -> str:
    return second_opinions.second_opinion_route(request_id=request_id)


@shared_task(**RETRY_ON_DATABASE_ERRORS, soft_time_limit=120, time_limit=180)
def second_opinion_report_build(report_id: int) -> str:
    return reports.report_build(report_id=report_id)


@shared_task(soft_time_limit=300, time_limit=360)
def second_opinions_sweep() -> int:
    """Re-enqueue the routing of requests a lost message left unrouted."""
    unrouted = second_opinions.second_opinions_unrouted(
        older_than=datetime.timedelta(seconds=settings.SECOND_OPINION_STALE_SECONDS)
    )
    for request_id in unrouted:
        second_opinion_route.delay(request_id)
    if unrouted:
        logger.info("re-enqueued %d second-opinion routings", len(unrouted))
    return len(unrouted)


def _stale_documents():
    """Every rendered document's stuck builds (cases/builds.py): (what, its build task, the ids to build again). A new
    document type is one more entry here."""
    seconds = datetime.timedelta(seconds=1)
    packet_ages = {  # a case's packet and a meeting's are stuck after the same times
        "pending_after": settings.PACKET_STALE_PENDING_SECONDS * seconds,
        "building_after": settings.PACKET_STALE_BUILDING_SECONDS * seconds,
    }
    yield ("packets", packet_build, packets.packets_stale(**packet_ages))
    yield ("meeting packets", meeting_packet_build, meeting_packets.meeting_packets_stale(**packet_ages))
    yield (
        "second-opinion reports",
        second_opinion_report_build,
        reports.reports_stale(
            pending_after=settings.SECOND_OPINION_STALE_SECONDS * seconds,
            building_after=settings.REPORT_STALE_BUILDING_SECONDS * seconds,
        ),
    )


@shared_task(soft_time_limit=300, time_limit=360)
def documents_sweep() -> int:
    """Re-enqueue the rendered documents stuck in pending or building (a lost message, a killed worker) or failed
    fewer times than their retry limit."""
    total = 0
    for what, task, ids in _stale_documents():
        for pk in ids:
            task.delay(pk)
        if ids:
            logger.info("re-enqueued %d stuck %s", len(ids), what)
        total += len(ids)
    return total


@shared_task(soft_time_limit=300, time_limit=360)
def second_opinions_escalate() -> int:
    return second_opinions.second_opinions_escalate()


@shared_task(soft_time_limit=300, time_limit=360)
def review_tasks_escalate() -> int:
    return review_tasks.review_tasks_escalate()


@shared_task(soft_time_limit=300, time_limit=360)
def review_tasks_digest() -> int:
    return review_tasks.review_tasks_digest()


@shared_task(soft_time_limit=60, time_limit=90, **RETRY_ON_DATABASE_ERRORS)
def agenda_allocate_case(case_id: int) -> str | None:
    item = agenda_allocate(case_id=case_id)
    return str(item.public_id) if item else None


@shared_task(soft_time_limit=600, time_limit=660)
def agenda_sweep() -> int:
    """Allocate the submitted and deferred cases that hold no slot (a lost message, a full horizon)."""
    placed = len(agenda_allocate_many(case_ids=cases_waiting_for_allocation()))
    if placed:
        logger.info("agenda sweep placed %d cases", placed)
    return placed
