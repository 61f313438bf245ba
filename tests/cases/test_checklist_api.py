"""GET /api/v1/cases/{id}/checklist/: access, payload, audit and query count."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.checklist_helpers import add_plan, biomarker, document, medication, pre_review, systemic
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def _url(case) -> str:
    return f"/api/v1/cases/{case.public_id}/checklist/"


def test_anonymous_is_refused(world, api):
    assert api(None).get(_url(world.case)).status_code == 401


@pytest.mark.parametrize("outsider", ["other_member", "referrer", "referrer2"])
def test_a_case_the_user_may_not_see_is_404(world, api, outsider):
    response = api(getattr(world, outsider)).get(_url(world.case))
    assert response.status_code == 404
    assert "errors" in response.json()
    assert not AuditEvent.objects.filter(detail__view="checklist").exists()


def test_an_unknown_case_is_404(world, api):
    assert api(world.member).get(f"/api/v1/cases/{uuid.uuid4()}/checklist/").status_code == 404


def test_a_member_reads_the_checklist_and_the_read_is_audited(world, api):
    case = world.case
    add_plan(case, systemic("FOLFOX"))
    response = api(world.member).get(_url(case))
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(item) == {"rule", "severity", "message", "source"} for item in body)
    assert body[0] == {
        "rule": "pgx.dpyd.missing",
        "severity": "warning",
        "message": body[0]["message"],
        "source": (
            "FDA fluorouracil and capecitabine labeling, boxed warning: test for DPYD variants before starting "
            "(FDA safety labeling update, February 2026); CPIC DPYD-fluoropyrimidine guideline (Amstutz 2018)"
        ),
    }
    assert [item["severity"] for item in body] == sorted(
        (item["severity"] for item in body), key=["critical", "warning", "info"].index
    )
    event = AuditEvent.objects.get(detail__view="checklist")
    assert (event.user, event.action, event.object_id, event.patient_id) == (
        world.member,
        "read",
        str(case.public_id),
        case.patient_id,
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_checklist_costs_the_same_queries_for_a_small_and_a_large_case(world, api):
    client = api(world.coordinator)
    case = world.case

    def add_rows(start: int, stop: int) -> None:
        for i in range(start, stop):
            biomarker(case, ["ER", "PR", "HER2", "EGFR"][i % 4], "positive")
            medication(case, "paroxetine")
            document(case, "imaging", case.diagnosis_date)
            pre_review(case, "radiology")
            add_plan(case, systemic("FOLFOX", "carboplatin"), version=i + 1)

    add_rows(0, 1)
    small = _queries(client, _url(case))
    add_rows(1, 20)
    assert _queries(client, _url(case)) == small
