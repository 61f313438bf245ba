"""The service as ``make run`` serves it (its settings module and environment, the embedded database, not the test
settings), signed in through the form in Chromium, with DEBUG false and true: the stylesheet applies, htmx is loaded,
a refused htmx form shows its errors in place, and the API docs load without any third-party host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import watched_context
from tests.e2e.helpers import sign_in
from tests.shipped.conftest import DEMO_PASSWORD, ShippedServer

pytestmark = [pytest.mark.e2e, pytest.mark.shipped]


@pytest.fixture(scope="module", params=["false", "true"], ids=["DEBUG=false", "DEBUG=true"])
def server(request, tmp_path_factory):
    server = ShippedServer(tmp_path_factory.mktemp("make-run"), DEBUG=request.param).start()
    yield server
    server.stop()


@pytest.fixture
def person(browser, server):
    """A browser page on the shipped server that records every host it sends a request to, and fails the test on
    any Content-Security-Policy violation."""
    context = watched_context(browser, server.url)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.hosts = set()
    page.on("request", lambda req: page.hosts.add(urlsplit(req.url).netloc))
    yield page
    violations = context.csp_violations
    context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"


def test_pages_are_styled_and_htmx_works_and_a_refused_form_stays_in_place(person, server):
    page = person
    sign_in(page, "coordinator", DEMO_PASSWORD)
    header = page.locator(".site-header")
    # site.css paints the header navy: the user agent's default would leave it transparent
    assert header.evaluate("element => getComputedStyle(element).backgroundColor") == "rgb(19, 41, 75)"
    assert page.evaluate("() => typeof htmx === 'object' && htmx.version.startsWith('2.')")

    page.get_by_role("link", name="Breast", exact=False).first.click()
    page.wait_for_url("**/meetings/*/")
    agenda = page.locator("#agenda")
    page.get_by_role("button", name="Add to agenda").click()  # no case chosen: refused
    expect(agenda.locator("#errors-case")).to_be_visible()
    # the answer went into the agenda (htmx), not over the page (django-htmx's DEBUG script would have replaced it)
    expect(header).to_be_visible()
    assert header.evaluate("element => getComputedStyle(element).backgroundColor") == "rgb(19, 41, 75)"
    assert page.locator("#add-case").get_attribute("aria-invalid") == "true"

    case = page.locator("#add-case option").nth(1).get_attribute("value")
    page.locator("#add-case").select_option(case)
    page.get_by_role("button", name="Add to agenda").click()
    expect(agenda.locator(f"a[href='/cases/{case}/']")).to_be_visible()
    assert page.hosts == {urlsplit(server.url).netloc}


def test_the_api_docs_load_from_the_service_alone(person, server):
    page = person
    page.goto("/api/docs/")
    # The page fetches the schema, which the service generates on the first request (seconds on a loaded machine).
    title = page.locator(".swagger-ui .info .title")
    expect(title).to_contain_text("Tumor-board coordination service API", timeout=30_000)
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    assert page.hosts == {urlsplit(server.url).netloc}
