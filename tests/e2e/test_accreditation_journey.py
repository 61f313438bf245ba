"""A coordinator reads the accreditation report in a real browser: from the analytics page to a board's year, its
figures and charts, the CSV downloaded; axe-audited (tests/e2e/screenshots/journey-accreditation*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.cases.test_accreditation import YEAR, year_of_conferences
from tests.e2e.helpers import sign_in, snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_reads_the_report_and_downloads_its_csv(world, page):
    year_of_conferences(world)
    sign_in(page, "coord")
    page.goto("/analytics/")
    page.get_by_role("link", name="Accreditation report").click()
    page.wait_for_url("**/analytics/accreditation/")
    expect(page.get_by_role("heading", name="Accreditation report", level=1)).to_be_visible()

    page.get_by_label("Board").select_option(label="Breast")
    page.get_by_label("Year").fill(str(YEAR))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/analytics/accreditation/?*")
    expect(page.get_by_role("heading", name=f"Breast · {YEAR}")).to_be_visible()
    expect(page.locator('[data-figure="conferences_held"]')).to_have_text("2 (1 cancelled)")
    expect(page.locator('[data-figure="prospective"]')).to_contain_text("60% (3 of 5 before the first treatment)")
    expect(page.locator('[data-figure="caseload"]')).to_contain_text("10% (4 of 40 analytic cases)")
    expect(page.get_by_role("img", name="Conferences attended by each required specialty")).to_be_visible()
    snapshot(page, "accreditation")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == f"accreditation-breast-{YEAR}.csv"
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert "Presented before the first treatment (prospective),3,5,60%" in lines
    assert "Radiation oncology,2,1,50%" in lines

    page.get_by_label(f"Analytic cases in {YEAR}").fill("80")
    page.get_by_role("button", name="Save caseload").click()
    expect(page.locator('[data-figure="caseload"]')).to_contain_text("5% (4 of 80 analytic cases)")
    snapshot(page, "accreditation-caseload")
