"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium, headless) against
pytest-django's live server. A failing test leaves a full-page screenshot in tests/e2e/screenshots/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
# Playwright's sync API keeps an event loop in the test's thread; the test's own ORM calls are still
# synchronous and run before or after each browser step, never inside the loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


# Every page a browser test opens reports what its Content-Security-Policy blocked, as it happens; the tests assert
# that nothing was.
CSP_RECORDER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${location.pathname}: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def watched_context(browser, base_url: str):
    """A browser context whose pages report Content-Security-Policy violations into ``context.csp_violations``."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
    context.csp_violations = []
    context.expose_binding("reportCspViolation", lambda source, text: context.csp_violations.append(text))
    context.add_init_script(CSP_RECORDER)
    return context


@pytest.fixture
def page(browser, live_server, request):
    context = watched_context(browser, live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    violations = context.csp_violations
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"
