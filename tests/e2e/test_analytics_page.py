"""The analytics page in a real browser: the charts are drawn and the filter form works by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.cases.test_analytics import at, breast_case, decide
from tests.e2e.helpers import sign_in, snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reads_the_charts_and_filters_them(world, page):
    decide(breast_case(world), when=at(3, 4), categories=["modality_added"], follow_ups=[("no", "toxicity")])
    decide(breast_case(world), when=at(4, 8), follow_ups=[("yes", "")])
    sign_in(page, "coord")

    page.get_by_role("link", name="Analytics").click()
    page.wait_for_url("**/analytics/")
    expect(page.get_by_role("img", name="Plan change rate by board")).to_be_visible()
    expect(page.get_by_role("img", name="Plan change rate by month")).to_be_visible()
    snapshot(page, "analytics")

    page.get_by_label("From").fill("2025-04-01")
    page.get_by_label("To").fill("2025-04-30")
    page.get_by_label("To").press("Enter")
    page.wait_for_url("**/analytics/?*")
    expect(page.locator("#h-changes + p strong")).to_have_text("0%")
    page.get_by_label("From").fill("2025-05-01")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("The end of the period is before its start"))
    snapshot(page, "analytics-refused-filter")
