"""The layout every page shares: who lands where at /, the navigation each user may use, allauth's pages in
the site layout, and the stylesheet and htmx served by the app itself (no CDN)."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("member", "/inbox/"), ("chair", "/inbox/"), ("referrer", "/second-opinions/")],
)
def test_each_user_lands_where_their_work_is(client, world, who, lands_on):
    client.force_login(getattr(world, who))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_coordinators_see_the_dashboard_and_the_navigation_of_their_role(client, world):
    client.force_login(world.coordinator)
    response = client.get("/")
    assert response.status_code == 200
    labels = [link["label"] for link in response.context["nav"]]
    assert labels == [
        "Dashboard", "Calendar", "Boards", "Inbox", "Tasks", "Cases", "Follow-through", "Second opinions", "Trials",
        "Analytics",
    ]  # fmt: skip
    assert response.context["nav"][0]["current"] is True


@pytest.mark.parametrize(("specialty", "follow_through"), [("nurse_navigation", True), ("medical_oncology", False)])
def test_a_nurse_navigator_has_the_follow_through_worklist_in_the_menu(client, world, specialty, follow_through):
    navigator = UserFactory(institution=world.board.institution, specialty=specialty)
    MembershipFactory(user=navigator, board=world.board)
    client.force_login(navigator)
    labels = [link["label"] for link in client.get("/inbox/").context["nav"]]
    assert ("Follow-through" in labels) is follow_through
    if follow_through:
        assert client.get("/follow-up/").status_code == 200  # the page the link leads to is theirs


def test_a_referrer_sees_only_the_portal_navigation(client, world):
    client.force_login(world.referrer)
    response = client.get("/accounts/2fa/")
    labels = [link["label"] for link in response.context["nav"]]
    assert labels == ["Cases", "Second opinions", "Analytics"]


def test_a_clinician_on_no_board_lands_on_their_cases_and_has_only_them_in_the_menu(client, world):
    clinician = UserFactory(institution=world.academic, specialty="medical_oncology")
    client.force_login(clinician)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/cases/"
    assert [link["label"] for link in client.get("/cases/").context["nav"]] == ["Cases"]


def test_allauth_pages_use_the_site_layout_and_local_static_files(client):
    response = client.get("/accounts/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<main id="main"' in body and 'class="narrow"' in body
    assert "/static/tumorboard/site.css" in body
    assert "/static/django_htmx/htmx-2.min.js" in body
    assert "http://" not in body.replace("http://testserver", "") and "https://" not in body
    assert "sign up" not in body.lower()  # sign-up is closed: nobody is invited to it


def test_a_page_that_does_not_exist_answers_404_in_the_site_layout_and_the_api_keeps_its_json(client, world):
    client.force_login(world.member)
    page = client.get("/no-such-page/")
    api = client.get("/api/v1/no-such-thing/")
    assert page.status_code == 404 and "<h1>Not found</h1>" in page.content.decode()
    assert '<nav aria-label="Main">' in page.content.decode()
    assert api.status_code == 404 and api.json()["errors"][0]["code"] == "not_found"


def test_an_htmx_request_after_the_session_ended_sends_the_whole_page_to_sign_in(client, world):
    response = client.post("/inbox/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_an_administrator_with_two_factor_set_up_sees_every_board_on_the_dashboard(client, world):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    client.force_login(world.admin)
    assert client.get("/").status_code == 302  # staff set up TOTP first (tumorboard.auth)
    TOTP.activate(world.admin, generate_totp_secret())

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Breast" in html and "Thoracic" in html  # the admin coordinates no board, and sees them all


INVALID = ' aria-invalid="true" aria-describedby='


@pytest.mark.parametrize(
    ("errors", "tag", "rendered"),
    [
        ({}, '{% invalid errors "reason" %}', ""),
        ({"reason": ["Say why."]}, '{% invalid errors "reason" %}', INVALID + '"errors-reason"'),
        ({}, '{% invalid errors "dissent" hint="h" %}', ' aria-describedby="h"'),
        ({"dissent": ["Too long."]}, '{% invalid errors "dissent" hint="h" %}', INVALID + '"h errors-dissent"'),
        ({"detail": ["x"]}, '{% invalid errors "detail" 2 %}', INVALID + '"errors-detail-2"'),
        ({"stage.group": ["x"]}, '{% invalid errors "stage.group" %}', INVALID + '"errors-stage-group"'),
        (
            {"stage.group": ["<b>"]},
            '{% field_errors errors "stage.group" %}',
            '<div class="errorlist" role="alert" id="errors-stage-group"><p>&lt;b&gt;</p></div>',
        ),
    ],
)
def test_a_refused_field_is_marked_invalid_and_described_by_its_hint_and_its_message(errors, tag, rendered):
    assert Template("{% load pages %}" + tag).render(Context({"errors": errors})) == rendered
