"""Tasks through a real Celery worker on Redis: enqueued after commit, executed once, state in PostgreSQL."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import token_for, wait_for
from tests.factories import BoardFactory, CaseFactory, MembershipFactory, UserFactory
from tumorboard.models import Notification, NotificationStatus

pytestmark = pytest.mark.worker


def test_case_submission_notifies_coordinators_through_the_worker(celery_worker):
    board = BoardFactory()
    coordinators = [UserFactory(institution=board.institution) for _ in range(2)]
    for user in coordinators:
        MembershipFactory(user=user, board=board, role="coordinator")
    submitter = UserFactory(institution=board.institution)
    case = CaseFactory(institution=board.institution, board=board, created_by=submitter)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(submitter)}")

    response = client.post(f"/api/v1/cases/{case.public_id}/submit/")
    assert response.status_code == 200

    def all_sent():
        rows = list(Notification.objects.filter(kind="case_submitted"))
        return len(rows) == 2 and all(r.status == NotificationStatus.SENT and r.sent_at for r in rows) and rows

    rows = wait_for(all_sent, timeout=30, message="both notifications to be sent by the worker")
    assert {r.recipient_id for r in rows} == {u.pk for u in coordinators}
    log = celery_worker.log_path.read_text()
    assert "notification_send" in log and "succeeded" in log
    assert case.patient.name not in log and case.patient.mrn not in log  # no patient data in task messages/logs
