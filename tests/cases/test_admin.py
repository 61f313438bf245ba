"""The admin shows plans, reviews, change records and follow-ups and offers no way to change them."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from cases import plans
from tests.cases.plan_helpers import BOARD, PROPOSED, discussed

pytestmark = pytest.mark.django_db


def test_append_only_records_are_shown_read_only(world, client):
    discussed(world)
    plans.plan_record(user=world.member, case=world.case, data=PROPOSED)
    board = plans.plan_record(user=world.chair, case=world.case, data=BOARD)
    (record,) = plans.plan_changes_detect(plan_id=board.pk)
    review = plans.review_record(user=world.coordinator, case=world.case, kind="navigation", findings="Transport.")
    follow_up = plans.follow_up_record(user=world.coordinator, case=world.case, data={"implemented": "yes"})
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
