"""An academic clinician's cases in a real browser: the Cases menu, a search by name and by MRN, a filter, a sort,
a case opened and the way back, then a new case created with its pathology report (refused once in place, then
accepted), landing on the case page with its document and the link to edit it. Every step is audited by axe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cases.models import Case
from tests.e2e.helpers import sign_in, snapshot
from tests.factories import CaseFactory, PatientFactory
from tumorboard.models import AuditEvent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def write_pdf(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n")
    return path


def rows(page) -> list[str]:
    return page.locator("table.case-list tbody th").all_inner_texts()


def test_a_clinician_finds_a_case_and_creates_one_with_a_document(world, page, tmp_path):
    for name, mrn, site, status in (
        ("Greta Lindqvist", "ACC-4410", "breast", "submitted"),
        ("Henrik Olsen", "ACC-4411", "breast", "draft"),
        ("Ines Moreau", "ACC-5520", "breast", "draft"),
    ):
        patient = PatientFactory(institution=world.academic, name=name, mrn=mrn)
        CaseFactory(
            institution=world.academic, patient=patient, board=world.board, created_by=world.member,
            primary_site=site, status=status,
        )  # fmt: skip

    # the Cases menu leads to the list of the clinician's cases
    sign_in(page, "member")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    page.wait_for_url("**/cases/")
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    assert len(rows(page)) == 4  # the world's case and the three above
    snapshot(page, "cases-01-list")

    # a search by name, then by the start of an MRN
    page.get_by_label("Patient name or MRN").fill("lindqvist")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.case-list caption")).to_contain_text("1 case found")
    assert rows(page) == ["Greta Lindqvist"]
    page.get_by_label("Patient name or MRN").fill("ACC-44")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.case-list caption")).to_contain_text("2 cases found")
    assert AuditEvent.objects.filter(user=world.member, action="search").count() == 2

    # a filter on top of the search, then sorted by patient the other way
    page.get_by_label("Status").select_option(label="Draft")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.case-list caption")).to_contain_text("1 case found")
    assert rows(page) == ["Henrik Olsen"]
    page.get_by_role("link", name="Clear").click()
    page.get_by_role("columnheader", name="Patient").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Patient")).to_have_attribute("aria-sort", "ascending")
    names = rows(page)
    assert names == sorted(names)
    page.get_by_role("columnheader", name="Patient").get_by_role("link").click()
    expect(page.get_by_role("columnheader", name="Patient")).to_have_attribute("aria-sort", "descending")
    assert rows(page) == sorted(names, reverse=True)
    snapshot(page, "cases-02-sorted")

    # a case opened, and the way back
    page.get_by_role("link", name="Ines Moreau").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ines Moreau")
    expect(page.get_by_role("link", name="Edit the case")).to_be_visible()
    page.get_by_role("link", name="← Cases").click()
    page.wait_for_url("**/cases/")

    # a new case: refused in place without the patient's name, then created with its pathology report
    page.get_by_role("link", name="New case").click()
    page.wait_for_url("**/cases/new/")
    snapshot(page, "cases-03-new")
    page.get_by_label("Patient MRN").fill("ACC-9001")
    page.get_by_label("Birth date").fill("1962-05-14")
    page.get_by_label("Sex").select_option("male")
    page.get_by_label("Primary site").select_option("lung")
    page.get_by_label("Histology").fill("Squamous cell carcinoma")
    page.get_by_label("Clinical T").fill("T3")
    page.get_by_label("Clinical N").fill("N1")
    page.get_by_label("Clinical M").fill("M0")
    page.get_by_label("Stage group").fill("IIIA")
    page.get_by_label("ECOG performance status").select_option("1")
    page.get_by_label("GFR (mL/min)").fill("64")
    page.get_by_label("Treatment intent").select_option("curative")
    page.locator("#urgency").select_option("urgent")
    page.get_by_label("Board").select_option(label="Thoracic")
    page.get_by_label("Clinical question of the case").fill("Surgery after induction, or definitive chemoradiation?")
    first = page.get_by_role("group", name="Document 1")
    first.get_by_label("File").set_input_files(str(write_pdf(tmp_path, "bronchoscopy.pdf")))
    first.get_by_label("Title").fill("Bronchoscopic biopsy")
    page.get_by_role("button", name="Create the case").click()
    expect(page.get_by_role("alert").filter(has_text="The case was not created.")).to_be_visible()
    name = page.get_by_label("Patient name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Patient MRN")).to_have_value("ACC-9001")
    assert not Case.objects.filter(patient__mrn="ACC-9001").exists()
    snapshot(page, "cases-04-refused")

    name.fill("Jonas Berg")
    first.get_by_label("File").set_input_files(str(write_pdf(tmp_path, "bronchoscopy.pdf")))
    page.get_by_role("button", name="Create the case").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jonas Berg")
    expect(page.get_by_role("status")).to_contain_text("The case was created as a draft with 1 document.")
    expect(page.locator("#documents")).to_contain_text("Bronchoscopic biopsy")
    case = Case.objects.get(patient__mrn="ACC-9001")
    assert (case.board, case.urgency, case.gfr_ml_min) == (world.other_board, "urgent", 64)
    snapshot(page, "cases-05-created")

    # the case page leads to editing it
    page.get_by_role("link", name="Edit the case").click()
    page.wait_for_url(f"**/cases/{case.public_id}/profile/")
    expect(page.get_by_label("Histology")).to_have_value("Squamous cell carcinoma")
