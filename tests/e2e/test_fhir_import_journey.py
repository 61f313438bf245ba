"""A coordinator imports a patient's FHIR bundle in a real browser: from the case list to the import page, a file
that is not a bundle refused in place, the breast bundle uploaded, the preview (patient, facts, warnings with their
paths; nothing written), confirmed, and the case page saying which facts came from the health record. Every step
is audited by axe."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseImport
from tests.e2e.helpers import sign_in, snapshot
from tests.fhir.helpers import BUNDLES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_imports_a_bundle_and_sees_what_came_from_the_record(world, page, tmp_path):
    not_a_bundle = tmp_path / "notes.json"
    not_a_bundle.write_text('{"resourceType": "Patient"}')
    breast = tmp_path / "breast.json"
    shutil.copy(BUNDLES / "breast.json", breast)

    sign_in(page, "coord")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.get_by_role("link", name="Import from the health record").click()
    page.wait_for_url("**/cases/import/")
    expect(page.get_by_role("heading", name="Import from the health record", level=1)).to_be_visible()
    snapshot(page, "fhir-01-upload")

    # a file that is not a bundle: refused next to the upload
    page.get_by_label("FHIR bundle (.json)").set_input_files(str(not_a_bundle))
    page.get_by_role("button", name="Show what would be imported").click()
    expect(page.locator("#errors-bundle")).to_contain_text("not a FHIR R4 Bundle")
    snapshot(page, "fhir-02-refused")

    # the breast bundle: the preview, nothing written yet
    page.get_by_label("FHIR bundle (.json)").set_input_files(str(breast))
    page.get_by_label("Board").select_option(label="Breast")
    page.get_by_role("button", name="Show what would be imported").click()
    expect(page.get_by_role("heading", name="What would be imported")).to_be_visible()
    expect(page.get_by_text("A new draft case on Breast")).to_be_visible()
    expect(page.get_by_role("row", name="Estrogen receptor")).to_contain_text("Positive")
    expect(page.locator(".import-warnings")).to_contain_text("entry[11].resource")
    assert not Case.objects.filter(patient__mrn="FHIR-0001").exists()
    snapshot(page, "fhir-03-preview")

    # confirmed: the case page, and what came from the record
    page.get_by_role("button", name="Create the case").click()
    expect(page.get_by_text("The case was created as a draft from the FHIR bundle")).to_be_visible()
    case = Case.objects.get(patient__mrn="FHIR-0001")
    assert page.url.endswith(f"/cases/{case.public_id}/")
    assert CaseImport.objects.filter(case=case, imported_by=world.coordinator).count() == 1
    note = page.locator("#from-record")
    expect(note).to_contain_text("Imported from a FHIR bundle on")
    expect(note).to_contain_text("Clinical T")
    expect(note).to_contain_text("Estrogen receptor")
    snapshot(page, "fhir-04-case")

    # ECOG changed by hand, the same file again: a preview of an update that keeps it
    Case.objects.filter(pk=case.pk).update(ecog=2)
    page.goto(page.url.split("/cases/")[0] + "/cases/import/")
    page.get_by_label("FHIR bundle (.json)").set_input_files(str(breast))
    page.get_by_role("button", name="Show what would be imported").click()
    expect(page.get_by_text("Updates the existing case")).to_be_visible()
    expect(page.get_by_role("row", name="ECOG performance status")).to_contain_text("kept as entered by hand")
    snapshot(page, "fhir-05-update-preview")
    page.get_by_role("button", name="Update the case").click()
    expect(page.get_by_text("The case was updated from the FHIR bundle")).to_be_visible()
    expect(page.locator("#from-record")).not_to_contain_text("ECOG")
    assert Case.objects.filter(patient__mrn="FHIR-0001").count() == 1
