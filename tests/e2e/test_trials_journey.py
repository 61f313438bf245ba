"""A coordinator adds a clinical trial, opens a case it may match and reads it there criterion by criterion."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Biomarker, Trial
from tests.e2e.helpers import sign_in, snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_adds_a_trial_and_sees_it_on_a_matching_case(world, page):
    Biomarker.objects.create(case=world.case, name="HER2", result="positive")
    sign_in(page, "coord")

    page.get_by_role("link", name="Trials").click()
    page.wait_for_url("**/trials/")
    page.get_by_role("link", name="Add a trial").click()
    page.get_by_label("Identifier").fill("NCT1234")  # not an NCT number: refused next to the field
    page.get_by_label("Title").fill("Synthetic study of drug Z in HER2-positive breast cancer")
    page.get_by_label("Phase").select_option("2")
    page.get_by_role("checkbox", name="Breast").check()
    page.get_by_label("Highest ECOG").fill("1")
    page.get_by_label("Required biomarkers, row 1: biomarker").select_option("HER2")
    page.get_by_label("Required biomarkers, row 1: result").select_option("positive")
    page.get_by_role("button", name="Add the trial").click()
    expect(page.locator("#errors-identifier")).to_contain_text("An NCT number is NCT followed by 8 digits")
    snapshot(page, "trial-form-refused")
    page.get_by_label("Identifier").fill("NCT01234567")
    page.get_by_role("button", name="Add the trial").click()
    page.wait_for_url("**/trials/")
    expect(page.get_by_role("row", name="NCT01234567")).to_contain_text("Open to accrual")
    snapshot(page, "trials")
    assert Trial.objects.get().required_biomarkers == [{"name": "HER2", "result": "positive"}]

    page.goto(f"/cases/{world.case.public_id}/")
    trials = page.locator("#trials")
    expect(trials).to_contain_text("May match — eligibility is decided by the study team.")
    match = trials.get_by_role("article", name="Trial NCT01234567")
    expect(match.get_by_role("row", name="HER2 positive required")).to_contain_text("met")
    expect(match.get_by_role("row", name="ECOG 0 to 1")).to_contain_text("ECOG 0")
    expect(match.get_by_role("row", name="Breast")).to_contain_text("met")
    trials.scroll_into_view_if_needed()
    snapshot(page, "case-trials")
