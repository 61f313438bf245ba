"""API tokens (SPEC §9): a new token per sign-in, stored hashed, expiring; the second factor for users who have it and
for every staff user; listed and revoked by their owner; dead at once for a deactivated user."""

from __future__ import annotations

import datetime
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from specialists.tasks import tokens_expired_sweep
from tests.factories import UserFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests"
TOKEN = "/api/v1/auth/token/"


SECRETS: dict[int, str] = {}


def enrol(user) -> None:
    """The user sets up an authenticator app (as /accounts/2fa/totp/activate/ does)."""
    SECRETS[user.pk] = generate_totp_secret()
    TOTP.activate(user, SECRETS[user.pk])


def code_for(user, offset: int = 0) -> str:
    """The code the user's app shows now (``offset`` windows of 30 s later)."""
    return format_hotp_value(hotp_value(SECRETS[user.pk], int(time.time()) // 30 + offset))


def test_each_sign_in_gets_its_own_hashed_expiring_token(world, api):
    client = api(None)
    first = client.post(TOKEN, {"username": "member", "password": PASSWORD}).json()
    second = client.post(TOKEN, {"username": "member", "password": PASSWORD}).json()
    assert first["token"] != second["token"]
    rows = AuthToken.objects.filter(user=world.member)
    assert rows.count() == 2
    assert not rows.filter(digest__in=[first["token"], second["token"]]).exists()  # only digests are stored
    expiry = datetime.datetime.fromisoformat(first["expiry"])
    assert datetime.timedelta(hours=11, minutes=59) < expiry - timezone.now() <= datetime.timedelta(hours=12)
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {first['token']}")
    assert me.status_code == 200 and me.json()["username"] == "member"
    assert AuditEvent.objects.filter(user=world.member, action="sign_in").count() == 2


def test_an_expired_token_is_refused(world, api):
    token = api(None).post(TOKEN, {"username": "member", "password": PASSWORD}).json()["token"]
    AuthToken.objects.filter(user=world.member).update(expiry=timezone.now() - datetime.timedelta(seconds=1))
    response = api(None).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "authentication_failed"


def test_wrong_or_missing_credentials_get_no_token(world, api):
    client = api(None)
    bad = client.post(TOKEN, {"username": "member", "password": "wrong"})
    assert bad.status_code == 400
    assert bad.json() == {
        "errors": [
            {"field": "password", "code": "invalid_credentials", "message": "Unable to sign in with these credentials."}
        ]
    }
    missing = client.post(TOKEN, {})
    assert {e["field"] for e in missing.json()["errors"]} == {"username", "password"}
    world.member.is_active = False
    world.member.save()
    assert client.post(TOKEN, {"username": "member", "password": PASSWORD}).status_code == 400
    assert not AuthToken.objects.exists()


def test_a_user_with_two_factor_needs_the_current_code(world, api):
    enrol(world.member)
    client = api(None)
    missing = client.post(TOKEN, {"username": "member", "password": PASSWORD})
    assert missing.status_code == 400
    assert missing.json()["errors"][0] | {"message": ""} == {"field": "otp", "code": "otp_required", "message": ""}
    wrong = client.post(TOKEN, {"username": "member", "password": PASSWORD, "otp": code_for(world.member, 10)})
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["code"] == "otp_invalid"
    malformed = client.post(TOKEN, {"username": "member", "password": PASSWORD, "otp": "12ab56"})
    assert malformed.status_code == 400 and malformed.json()["errors"][0]["field"] == "otp"
    assert not AuthToken.objects.exists()
    code = code_for(world.member)
    good = client.post(TOKEN, {"username": "member", "password": PASSWORD, "otp": code})
    assert good.status_code == 200 and good.json()["token"]
    replayed = client.post(TOKEN, {"username": "member", "password": PASSWORD, "otp": code})
    assert replayed.status_code == 400 and replayed.json()["errors"][0]["code"] == "otp_invalid"


def test_staff_without_two_factor_get_no_token_and_with_it_need_the_code(world, api, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client = api(None)
    refused = client.post(TOKEN, {"username": "admin", "password": PASSWORD})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "mfa_setup_required"
    assert "/accounts/2fa/totp/activate/" in refused.json()["errors"][0]["message"]
    enrol(world.admin)
    assert client.post(TOKEN, {"username": "admin", "password": PASSWORD}).status_code == 400
    granted = client.post(TOKEN, {"username": "admin", "password": PASSWORD, "otp": code_for(world.admin)})
    assert granted.status_code == 200
    audit = client.get("/api/v1/audit-events/", HTTP_AUTHORIZATION=f"Token {granted.json()['token']}")
    assert audit.status_code == 200


def test_owners_list_and_revoke_their_tokens(world, api):
    client = api(None)
    tokens = [client.post(TOKEN, {"username": "member", "password": PASSWORD}).json() for _ in range(3)]
    other = client.post(TOKEN, {"username": "chair", "password": PASSWORD}).json()
    auth = {"HTTP_AUTHORIZATION": f"Token {tokens[0]['token']}"}
    listed = client.get("/api/v1/auth/tokens/", **auth).json()
    assert sorted(t["id"] for t in listed) == sorted(t["id"] for t in tokens)
    assert [t["current"] for t in listed if t["id"] == tokens[0]["id"]] == [True]
    assert set(listed[0]) == {"id", "created", "expiry", "current"}

    assert client.delete(f"/api/v1/auth/tokens/{tokens[1]['id']}/", **auth).status_code == 204
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {tokens[1]['token']}").status_code == 401
    assert client.delete(f"/api/v1/auth/tokens/{other['id']}/", **auth).status_code == 404  # not yours
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {other['token']}").status_code == 200

    assert client.delete("/api/v1/auth/tokens/", **auth).status_code == 204  # everywhere, this one included
    assert client.get("/api/v1/me/", **auth).status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {tokens[2]['token']}").status_code == 401
    assert AuditEvent.objects.filter(user=world.member, action="token_revoke").count() == 2
    assert client.get("/api/v1/auth/tokens/").status_code == 401


def test_a_deactivated_user_s_tokens_and_sessions_stop_at_once(world, api):
    token = api(None).post(TOKEN, {"username": "member", "password": PASSWORD}).json()["token"]
    browser = Client()
    browser.force_login(world.member)
    assert browser.get("/inbox/").status_code == 200
    world.member.is_active = False
    world.member.save()
    assert api(None).get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert browser.get("/inbox/").status_code == 302  # back to the sign-in page
    assert browser.get("/api/v1/me/").status_code in (401, 403)


def test_a_user_of_the_factory_gets_a_token_too(world, api):
    user = UserFactory(username="newcomer", institution=world.academic)
    assert api(None).post(TOKEN, {"username": user.username, "password": PASSWORD}).status_code == 200


def test_the_hourly_sweep_deletes_expired_tokens_only(world, api):
    client = api(None)
    for _ in range(3):
        client.post(TOKEN, {"username": "member", "password": PASSWORD})
    live = AuthToken.objects.filter(user=world.member).order_by("created").last()
    AuthToken.objects.exclude(pk=live.pk).update(expiry=timezone.now() - datetime.timedelta(minutes=1))
    assert tokens_expired_sweep() == 2
    assert list(AuthToken.objects.values_list("pk", flat=True)) == [live.pk]
