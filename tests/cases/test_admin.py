"""The admin shows plans, reviews, change records and follow-ups and offers no way to change them."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from cases.lifecycle.recommendation import plan_record
from cases.services.follow_ups import follow_up_record
from cases.services.plan_changes import plan_changes_detect
from cases.services.reviews import review_record
from tests.cases.plan_helpers import BOARD, PROPOSED, discussed

pytestmark = pytest.mark.django_db


def test_append_only_records_are_shown_read_only(world, client):
    discussed(world)
    plan_record(user=world.member, case=world.case, data=PROPOSED)
    board = plan_record(user=world.chair, case=world.case, data=BOARD)
    (record,) = plan_changes_detect(plan_id=board.pk)
    review = review_record(user=world.coordinator, case=world.case, kind="navigation", findings="Transport.")
    follow_up = follow_up_record(user=world.coordinator, case=world.case, data={"implemented": "yes"})
    TOTP.activate(world.admin, generate_totp_secret())  # staff have MFA set up (tumorboard.auth)
    client.force_login(world.admin)
    for model, obj in (("plan", board), ("review", review), ("changerecord", record), ("followup", follow_up)):
        listing = client.get(f"/admin/cases/{model}/")
        assert listing.status_code == 200, model
        assert f"/admin/cases/{model}/add/" not in listing.content.decode()
        assert f"/admin/cases/{model}/{obj.pk}/change/" in listing.content.decode()
    page = client.get(f"/admin/cases/plan/{board.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(f"/admin/cases/plan/{board.pk}/delete/", {"post": "yes"}).status_code == 403


def test_the_clinical_admin_changes_nothing_and_its_reads_are_audited(world, client):
    from tumorboard.models import AuditEvent

    case = world.case
    case.biomarkers.create(name="ER", result="positive")
    TOTP.activate(world.admin, generate_totp_secret())
    client.force_login(world.admin)
    for model, obj in (("patient", case.patient), ("case", case)):
        assert f"/admin/cases/{model}/add/" not in client.get(f"/admin/cases/{model}/").content.decode()
        page = client.get(f"/admin/cases/{model}/{obj.pk}/change/")
        assert page.status_code == 200 and b'name="_save"' not in page.content, model
        assert client.post(f"/admin/cases/{model}/{obj.pk}/change/", {"primary_site": "lung"}).status_code == 403
    case.refresh_from_db()
    assert case.primary_site == "breast"
    opened = AuditEvent.objects.filter(user=world.admin, action="read", detail__view="admin")
    assert sorted(e.object_id for e in opened) == sorted([str(case.patient.public_id), str(case.public_id)])
    assert all(e.patient_id == case.patient_id for e in opened)
    # a search by MRN is a read of the patients it finds
    client.get("/admin/cases/patient/", {"q": case.patient.mrn})
    found = AuditEvent.objects.filter(user=world.admin, detail__view="admin search")
    assert [e.patient_id for e in found] == [case.patient_id]
    client.get("/admin/cases/patient/")  # a plain listing without a search is not a search
    assert AuditEvent.objects.filter(user=world.admin, detail__view="admin search").count() == 1
