"""Steps every browser journey takes."""

from __future__ import annotations

import time

from axe_playwright_python.sync_playwright import Axe

PASSWORD = "pw-for-tests"  # tests.factories.UserFactory's password
AXE = Axe()  # axe-core, injected into the page from the package (nothing is fetched)
AXE_RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real allauth form (non-staff users: no second factor) and wait to land."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def expect_focused(locator, timeout: float = 5.0) -> None:
    """The element has the keyboard focus of its page (document.activeElement), waited for as expect() does.
    Playwright's to_be_focused also needs document.hasFocus(), which a headless browser under load does not
    always report; where the focus is in the page is what a keyboard user depends on."""
    deadline = time.monotonic() + timeout
    while not locator.evaluate("element => element === document.activeElement"):
        if time.monotonic() > deadline:
            active = locator.page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
            raise AssertionError(f"{locator} is not focused; the focus is on {active}")
        time.sleep(0.05)


def snapshot(page, name: str) -> None:
    """A full-page screenshot of a journey's step in tests/e2e/screenshots/ (gitignored), for a person to look
    at the pages as a user sees them, and an axe-core audit of the page as it is at that step: no violation of
    WCAG 2.2 A/AA (contrast, names, labels, ARIA, landmarks) nor of axe's best practices."""
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)
    audit = AXE.run(page, options=AXE_RULES)
    assert audit.violations_count == 0, f"{name}: {audit.generate_report()}"
