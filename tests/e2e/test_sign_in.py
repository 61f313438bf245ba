"""Signing in to the web pages in a real browser: staff set up TOTP before anything else, and then need a
code at every sign-in."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-for-tests"


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


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
    page.wait_for_load_state()
    assert Authenticator.objects.filter(user=world.admin, type="totp").exists()

    page.context.clear_cookies()
    sign_in(page, "admin")
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    assert page.url.endswith("/accounts/2fa/authenticate/")  # a wrong code keeps you out
    assert page.get_by_text("Incorrect code").is_visible()
