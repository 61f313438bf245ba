"""Steps every browser journey takes."""

from __future__ import annotations

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory's password


def sign_in(page, username: str) -> None:
    """Sign in through the real allauth form (non-staff users: no second factor) and wait to land."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
