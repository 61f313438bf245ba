"""Signing in to the web pages in a real browser: staff set up TOTP before anything else, and then need a
code at every sign-in."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_staff_set_up_totp_before_anything_else_and_then_need_a_code(world, page, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    sign_in(page, "admin")
    # sent to set up two-factor authentication; allauth asks for the password once more first
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(lambda url: "/accounts/2fa/totp/activate/" not in url)
    assert Authenticator.objects.filter(user=world.admin, type="totp").exists()

    page.context.clear_cookies()
    sign_in(page, "admin")
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    # a wrong code keeps you out: the form comes back (same address) with the error
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    assert page.url.endswith("/accounts/2fa/authenticate/")
