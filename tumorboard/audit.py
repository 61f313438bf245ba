"""Writing the audit log. Services call ``audit_write``; ``audit_read`` and ``audit_search`` are called only by
``tumorboard.reads``, the one choke point every read of patient data goes through.

Both write in the caller's transaction (requests are atomic), so an access and its audit row commit
together or not at all. The request id and client address come from the request being served.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tumorboard.middleware import current_client_ip, current_request_id
from tumorboard.models import AuditAction, AuditEvent


def _event(*, user, action: str, object_type: str, object_id: str, patient_id, detail: dict | None) -> AuditEvent:
    return AuditEvent(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        patient_id=patient_id,
        ip=current_client_ip(),
        request_id=current_request_id(),
        detail=detail or {},
    )


def _describe(obj: Any) -> tuple[str, str, int | None]:
    object_type = obj._meta.label_lower
    object_id = str(getattr(obj, "public_id", obj.pk))
    patient_id = getattr(obj, "audit_patient_id", None)
    return object_type, object_id, patient_id


def audit_write(*, user, action: str, obj: Any, detail: dict | None = None) -> AuditEvent:
    """Record a write (create, update, transition, ...) of ``obj`` by ``user``."""
    object_type, object_id, patient_id = _describe(obj)
    event = _event(
        user=user, action=action, object_type=object_type, object_id=object_id, patient_id=patient_id, detail=detail
    )
    event.save()
    return event


def audit_read(*, user, objects: Iterable[Any], action: str = AuditAction.READ, detail: dict | None = None) -> None:
    """Record a read of each object that carries patient data: one row per object, one INSERT in all."""
    events = []
    for obj in objects:
        object_type, object_id, patient_id = _describe(obj)
        events.append(
            _event(
                user=user,
                action=action,
                object_type=object_type,
                object_id=object_id,
                patient_id=patient_id,
                detail=detail,
            )
        )
    if events:
        AuditEvent.objects.bulk_create(events)


def audit_search(*, user, object_type: str, detail: dict) -> None:
    """Record a search of patient records (``object_type``, e.g. ``cases.case``): one row with no object, as the
    search itself reads every record it scans. ``detail`` says what was searched and found, never the term."""
    _event(
        user=user, action=AuditAction.SEARCH, object_type=object_type, object_id="", patient_id=None, detail=detail
    ).save()
