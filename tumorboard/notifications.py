"""Notifications: a row per recipient, e-mailed by a task. Subjects and bodies carry links only."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tumorboard.models import Notification, NotificationStatus
from tumorboard.queue import enqueue
from tumorboard.states import Machine, Transition

# A notification is sent once (a redelivered message finds it sent); its delivery is not audited, its row is the record.
DELIVERY = Machine(
    "notification",
    [Transition("send", frozenset({NotificationStatus.PENDING}), NotificationStatus.SENT)],
    audited=False,
)


def notify(*, recipients: Iterable, kind: str, subject: str, path: str, text: str) -> list[Notification]:
    """Create one pending notification per distinct active recipient and enqueue its delivery on commit.

    ``subject`` and ``text`` must not contain patient data; ``path`` is a link into the service.
    """
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active or not user.email:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(recipient=user, kind=kind, subject=subject, body=f"{text}\n\n{settings.SITE_URL}{path}\n")
        )
    Notification.objects.bulk_create(rows)
    for row in rows:
        enqueue("tumorboard.tasks.notification_send", row.pk)
    return rows


def notification_deliver(*, notification_id: int) -> None:
    """Send one notification once. A row already sent (a redelivered message) is left alone."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if row is None:
            return
        send_mail(row.subject, row.body, settings.DEFAULT_FROM_EMAIL, [row.recipient.email])
        DELIVERY.apply(row, "send", fields={"sent_at": timezone.now()})


def notifications_pending_stale(age: datetime.timedelta) -> Iterable[int]:
    cutoff = timezone.now() - age
    return Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff).values_list(
        "pk", flat=True
    )
