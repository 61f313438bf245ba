"""A case's documents: checked by content, hashed, stored, audited."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases.models import Case, Document
from cases.services.case_profile import CLOSED_STATUSES
from cases.services.packets import packet_request_if_built
from specialists.access import can_comment
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction

_SIGNATURES = {
    "application/pdf": lambda head: head.startswith(b"%PDF-"),
    "image/png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "application/dicom": lambda head: head[128:132] == b"DICM",
}


def _content_check(upload, content_type: str) -> None:
    head = upload.read(512)
    upload.seek(0)
    check = _SIGNATURES.get(content_type)
    if check is not None and not check(head):
        raise ValidationError({"file": [f"The file's content is not {content_type}."]})
    if content_type == "text/plain":
        try:
            b"".join(upload.chunks()).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": ["A text/plain document must be UTF-8 text."]}) from exc
        finally:
            upload.seek(0)


@transaction.atomic
def document_create(*, user, case: Case, upload, kind: str, title: str, date) -> Document:
    if not can_comment(user, case):
        raise PermissionDenied("Only the case's care team and board members add documents.")
    if case.status in CLOSED_STATUSES:
        raise Conflict("Documents cannot be added to a closed or withdrawn case.", code="case_closed")
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": [f"The file is larger than {settings.DOCUMENT_MAX_BYTES} bytes."]})
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in settings.DOCUMENT_CONTENT_TYPES:
        accepted = ", ".join(settings.DOCUMENT_CONTENT_TYPES)
        raise ValidationError({"file": [f"Type {content_type or 'unknown'} is not accepted; use {accepted}."]})
    if upload.size == 0:
        raise ValidationError({"file": ["The file is empty."]})
    _content_check(upload, content_type)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        case=case,
        kind=kind,
        title=title,
        date=date,
        content_type=content_type,
        sha256=digest.hexdigest(),
        size=upload.size,
        uploaded_by=user,
    )
    document.file.save("upload", upload, save=False)
    try:
        document.save()
        audit_write(user=user, action=AuditAction.CREATE, obj=document, detail={"sha256": document.sha256})
        packet_request_if_built(case=case, reason="document added")
    except Exception:
        document.file.delete(save=False)
        raise
    return document
