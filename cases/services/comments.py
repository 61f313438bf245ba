"""A case's comments (a pre-review rebuilds a built packet and completes its author's review task)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cases.codes import CommentKind
from cases.models import Case, Comment
from cases.services.case_profile import CLOSED_STATUSES
from cases.services.packets import packet_request_if_built
from cases.services.review_tasks import review_tasks_complete
from specialists.access import can_comment
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction


@transaction.atomic
def comment_create(*, user, case: Case, body: str, kind: str) -> Comment:
    if not can_comment(user, case):
        raise PermissionDenied("Only the case's care team and board members comment.")
    if case.status in CLOSED_STATUSES:
        raise Conflict("A closed or withdrawn case takes no more comments.", code="case_closed")
    comment = Comment.objects.create(case=case, author=user, specialty=user.specialty, kind=kind, body=body)
    audit_write(user=user, action=AuditAction.CREATE, obj=comment)
    if kind == CommentKind.PRE_REVIEW:  # a specialty without a review form (an oncologist's) reviews in a comment
        review_tasks_complete(case=case, user=user, comment=comment)
        packet_request_if_built(case=case, reason="pre-review added")
    return comment
