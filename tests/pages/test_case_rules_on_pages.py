"""The case rules that moved from the API's serializer into the service layer (``cases.case_checks``) refuse a
page's form on the same field as the API: a treating physician of another institution (the profile form, the portal's
new case; the API words it for a developer, the page for a clinician) and a metastasis count on a case not marked
metastatic (the same words)."""

from __future__ import annotations

import pytest

from cases.models import Case
from tests.pages.markup import assert_refused
from tests.pages.test_case_profile import form_of, url
from tests.pages.test_portal import NEW, new_case_form
from tumorboard.forms import NONEXISTENT

pytestmark = pytest.mark.django_db


def api_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.json()
    out: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        out.setdefault(error["field"], []).append(error["message"])
    return out


def refused_profile(client, world, changes: dict) -> dict[str, list[str]]:
    case = world.case
    client.force_login(world.member)
    data = form_of(client, case) | changes
    if changes.get("metastatic") == "":
        data.pop("metastatic", None)
    before = case.updated_at
    response = client.post(url(case), data)
    assert response.status_code == 400
    field = next(iter(k for k in changes if k != "metastatic"))
    assert_refused(response.content.decode(), field, "")
    case.refresh_from_db()
    assert case.updated_at == before
    return response.context["errors"]


def test_a_physician_of_another_institution_on_the_profile_form(client, world, api):
    foreign = world.referrer  # of a community hospital; the case is the academic center's
    page = refused_profile(client, world, {"treating_physician": str(foreign.public_id)})
    answer = api(world.member).patch(
        f"/api/v1/cases/{world.case.public_id}/", {"treating_physician": str(foreign.public_id)}, format="json"
    )
    # the same refusal, in a developer's words for the API and a clinician's for the page
    assert api_errors(answer)["treating_physician"] == [f"Object with public_id={foreign.public_id} does not exist."]
    assert page["treating_physician"] == [NONEXISTENT]


def test_a_metastasis_count_on_a_case_not_marked_metastatic_on_the_profile_form(client, world, api):
    page = refused_profile(client, world, {"metastatic": "", "metastasis_count": "3"})
    answer = api(world.member).patch(
        f"/api/v1/cases/{world.case.public_id}/", {"metastatic": False, "metastasis_count": 3}, format="json"
    )
    message = "A case with metastases must be marked metastatic."
    assert page["metastasis_count"] == api_errors(answer)["metastasis_count"] == [message]


def test_a_physician_of_another_institution_on_the_portals_new_case(client, world, api):
    foreign = world.referrer2  # of another community hospital
    client.force_login(world.referrer)
    before = Case.objects.count()
    response = client.post(NEW, new_case_form(world, treating_physician=str(foreign.public_id)))
    assert response.status_code == 400
    assert Case.objects.count() == before
    payload = {
        "patient": {"mrn": "VCH-1001", "name": "Maria Example", "birth_date": "1968-04-02"},
        "primary_site": "breast",
        "treating_physician": str(foreign.public_id),
    }
    answer = api(world.referrer).post("/api/v1/cases/", payload, format="json")
    assert api_errors(answer)["treating_physician"] == [f"Object with public_id={foreign.public_id} does not exist."]
    assert response.context["errors"]["treating_physician"] == [NONEXISTENT]
