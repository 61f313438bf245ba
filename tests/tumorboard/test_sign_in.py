"""The one rule against guessing passwords (tumorboard/sign_in.py), for the sign-in page and the token endpoint:
failures counted per account and per client address, an account locked after too many (audited, the user told how
to go on, an administrator can unlock it), the address taken from the connection unless proxies are configured."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import Client, RequestFactory

from specialists.admin import UserAdmin
from specialists.models import User
from tumorboard.middleware import client_address
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def limits(settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 3
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 8
    settings.SIGN_IN_LOCKOUT_MINUTES = 15
    return settings


def ask(client, username, password=PASSWORD, **headers):
    return client.post(TOKEN, {"username": username, "password": password}, format="json", **headers)


def web_sign_in(username, password=PASSWORD, **headers):
    return Client(**headers).post("/accounts/login/", {"login": username, "password": password})


def test_an_account_locks_after_its_failures_even_for_the_right_password_and_an_admin_unlocks_it(world, api, limits):
    client = api(None)
    for _ in range(3):
        assert ask(client, "member", "wrong").status_code == 400
    locked = ask(client, "member")  # the right password, too late
    assert locked.status_code == 429
    error = locked.json()["errors"][0]
    assert error["code"] == "account_locked"
    assert "locked for 15 more minutes" in error["message"] and "ask your administrator" in error["message"]
    assert 14 * 60 < int(locked["Retry-After"]) <= 15 * 60
    page = web_sign_in("member")  # the sign-in page shares the lock
    assert page.status_code == 200 and "this account is locked for 15 more minutes" in page.content.decode()
    assert AuditEvent.objects.filter(action="lockout", object_id=str(world.member.public_id)).count() == 1
    assert ask(client, "chair").status_code == 200  # another account is not locked

    admin = UserAdmin(User, site)
    request = RequestFactory().post("/admin/")
    request.user = world.admin
    admin.message_user = lambda *args, **kwargs: None
    admin.unlock_sign_in(request, User.objects.filter(pk=world.member.pk))
    assert ask(client, "member").status_code == 200


def test_failures_on_the_sign_in_page_and_the_token_endpoint_add_up(world, api, limits):
    web_sign_in("member", "wrong")
    web_sign_in("member", "wrong")
    assert ask(api(None), "member", "wrong").status_code == 400
    assert ask(api(None), "member").json()["errors"][0]["code"] == "account_locked"


def test_a_success_forgets_the_account_s_failures(world, api, limits):
    client = api(None)
    for _ in range(2):
        ask(client, "member", "wrong")
    assert ask(client, "member").status_code == 200
    for _ in range(2):
        ask(client, "member", "wrong")
    assert ask(client, "member").status_code == 200


def test_an_address_is_limited_across_accounts_whatever_x_forwarded_for_it_sends(world, api, limits):
    client = api(None)
    for n in range(8):  # one failure on each of eight (mostly unknown) accounts, each "from" another address
        assert ask(client, f"guess{n}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 400
    refused = ask(client, "member", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert refused.status_code == 429 and refused.json()["errors"][0]["code"] == "too_many_attempts"
    other = ask(client, "member", REMOTE_ADDR="192.0.2.50")  # another connection is another client
    assert other.status_code == 200


def test_behind_configured_proxies_the_address_is_the_one_they_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_address(request) == "10.0.0.2"  # by default the header is not believed
    settings.TRUSTED_PROXIES = 1
    assert client_address(request) == "203.0.113.9"  # what our proxy appended, not what the client wrote
    settings.TRUSTED_PROXIES = 2
    assert client_address(request) == "6.6.6.6"
    settings.TRUSTED_PROXIES = 3  # fewer hops than proxies: the connection's
    assert client_address(request) == "10.0.0.2"
    bad = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")
    settings.TRUSTED_PROXIES = 1
    assert client_address(bad) == "10.0.0.2"
