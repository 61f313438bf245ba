"""Web sign-in (django-allauth): no sign-up, TOTP MFA on sign-in once set up, MFA enforced for staff, and
the idle-session timeout."""

from __future__ import annotations

import datetime
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth keeps rate limits and used codes in the cache, which outlives a test in this process."""
    cache.clear()


def code(secret: str) -> str:
    """The authenticator app's current code."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_sign_up_is_closed_and_sign_in_works(world, client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200 and b"Sign Up Closed" in response.content
    response = client.post("/accounts/login/", {"login": "member", "password": "wrong"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated
    response = client.post("/accounts/login/", {"login": "member", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/api/v1/me/").json()["username"] == "member"  # the session works for the API
    client.post("/accounts/logout/")
    assert client.get("/api/v1/me/").status_code in {401, 403}


def test_a_user_with_totp_needs_the_code_to_sign_in(world, client):
    secret = generate_totp_secret()
    TOTP.activate(world.member, secret)
    response = client.post("/accounts/login/", {"login": "member", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/api/v1/me/").status_code in {401, 403}  # not signed in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000" if code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and client.get("/api/v1/me/").status_code in {401, 403}
    response = client.post("/accounts/2fa/authenticate/", {"code": code(secret)})
    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == "member"


def test_guessing_the_second_factor_code_is_stopped_even_with_the_right_code(world, client):
    secret = generate_totp_secret()
    TOTP.activate(world.member, secret)
    client.post("/accounts/login/", {"login": "member", "password": PASSWORD})
    wrong = "000000" if code(secret) != "000000" else "111111"
    for _ in range(10):
        assert "Incorrect code" in client.post("/accounts/2fa/authenticate/", {"code": wrong}).content.decode()
    refused = client.post("/accounts/2fa/authenticate/", {"code": code(secret)})
    assert "Too many failed login attempts" in refused.content.decode()
    assert client.get("/api/v1/me/").status_code in {401, 403}


def test_staff_without_totp_are_sent_to_set_it_up_first(world, client, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert client.post("/accounts/login/", {"login": "admin", "password": PASSWORD}).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate/")
    response = client.get("/api/v1/me/")
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == "mfa_required"
    # allauth asks for the password again before a change of credentials
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=world.admin, type="totp").exists()
    assert client.get("/api/v1/me/").status_code == 200
    # a plain member is not asked; with enforcement off, neither is staff
    settings.MFA_REQUIRED_FOR_STAFF = False
    Authenticator.objects.filter(user=world.admin).delete()
    assert client.get("/api/v1/me/").status_code == 200


def test_token_clients_are_not_sessions_and_are_not_redirected(world, api, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert api(world.admin).get("/api/v1/me/").status_code == 200


def test_the_session_ends_after_the_idle_period_and_each_request_renews_it(world, client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.post("/accounts/login/", {"login": "member", "password": PASSWORD})
    assert client.cookies["sessionid"]["expires"] == ""  # and it ends when the browser closes
    key = client.cookies["sessionid"].value
    first = Session.objects.get(session_key=key).expire_date
    assert first - timezone.now() <= datetime.timedelta(minutes=30)
    time.sleep(1.1)
    client.get("/api/v1/me/")
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > first  # the timeout counts from the last request
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/me/").status_code in {401, 403}  # idle too long: signed out
