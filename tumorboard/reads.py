"""Reading patient data: the one place that audits it (SPEC: every access to PHI is audited).

Every API view, page, download and admin screen that shows patient data hands what it shows to one of these
helpers, which write the audit rows and give the objects back; the DRF and admin mixins
(``tumorboard.api.views.AuditedReadMixin``, ``tumorboard.admin.AuditedReadOnly``) are built on them. Nothing else
calls ``tumorboard.audit.audit_read`` (tests/tumorboard/test_reads.py reads the source to hold it).

The audit happens where the data is shown, not in the selectors: a selector's ``*_get`` also fetches the object a
write acts on (a POST action), and a page shows several objects at once.

``view`` names the page or endpoint in the row's detail (``{"view": "case page"}``); None leaves the detail empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.http import FileResponse

from tumorboard.audit import audit_read, audit_read_statement, audit_report, audit_search
from tumorboard.models import AuditAction

T = TypeVar("T")


def _detail(view: str | None) -> dict | None:
    return {"view": view} if view else None


def audited_read(objects: Iterable[T], *, user, view: str | None = None) -> list[T]:
    """The objects shown one by one (a record opened, a page's cases): one READ row each, one INSERT in all."""
    objects = list(objects)
    audit_read(user=user, objects=objects, action=AuditAction.READ, detail=_detail(view))
    return objects


def audited_list(objects: Iterable[T], *, user, view: str | None = None) -> list[T]:
    """The objects shown as a listing (a page of results, an inbox): one LIST row each, one INSERT in all."""
    objects = list(objects)
    audit_read(user=user, objects=objects, action=AuditAction.LIST, detail=_detail(view))
    return objects


def audited_rows(select: str, params: list, *, user, model, listing: bool, also: str = "") -> list[tuple]:
    """The rows of ``select``, a SELECT of ``model``'s records that builds their representation in SQL
    (``cases.api.case_reads``), each audited in the same statement: a READ row each, or a LIST row when ``listing``.
    ``select`` names its columns, and ``also`` adds to the statement, as ``tumorboard.audit.audit_read_statement``
    says."""
    action = AuditAction.LIST if listing else AuditAction.READ
    return audit_read_statement(
        select, params, user=user, action=action, object_type=model._meta.label_lower, detail=None, also=also
    )


def audited_search(objects: Iterable[T], *, user, model, matches: int, view: str) -> list[T]:
    """A search of patient records by a term that is itself patient data (a name, an MRN): one SEARCH row saying
    that ``user`` searched ``model``'s records and how many matched (the term is never written), and the results
    shown as a listing (``audited_list``)."""
    audit_search(user=user, object_type=model._meta.label_lower, detail={"view": view, "matches": matches})
    return audited_list(objects, user=user, view=view)


def audited_report(*, user, object_type: str, object_id: Any, detail: dict, download: bool = False) -> None:
    """A report of aggregates over patient records (no patient named in it: the accreditation report) shown, or
    downloaded as a file: one READ (or DOWNLOAD) row of the report's scope, ``detail`` saying which and how."""
    action = AuditAction.DOWNLOAD if download else AuditAction.READ
    audit_report(user=user, action=action, object_type=object_type, object_id=str(object_id), detail=detail)


def audited_download(
    *, user, obj: Any, file, filename: str, content_type: str, holds: Iterable[Any] = ()
) -> FileResponse:
    """A stored file of ``obj`` (a document, a packet version, a report) as an attachment: one DOWNLOAD row against
    the object's patient, one more for each object the file also ``holds`` (the cases of a meeting's packet), and a
    response that is never cached."""
    audit_read(user=user, objects=[obj, *holds], action=AuditAction.DOWNLOAD)
    response = FileResponse(file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
