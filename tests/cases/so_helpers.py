"""Shared steps for the second-opinion tests."""

from __future__ import annotations

from cases.models import SecondOpinion
from cases.services import second_opinions
from tests.factories import CaseFactory

URL = "/api/v1/second-opinions/"


def payload(world, case=None, **overrides) -> dict:
    return {
        "case": str((case or world.community_case).public_id),
        "target_institution": str(world.academic.public_id),
        "questions": ["Is adjuvant chemotherapy indicated?", "Would you add radiotherapy?"],
        "reason": "Borderline indication; the patient asks for an expert opinion.",
        "urgency": "routine",
    } | overrides


def submit(world, api, capture, case=None, **overrides) -> dict:
    """The referrer submits; routing runs (eagerly) on commit."""
    with capture(execute=True):
        response = api(world.referrer).post(URL, payload(world, case, **overrides), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["routed_at"] is None  # routing runs after the request has committed
    return api(world.referrer).get(f"{URL}{response.json()['id']}/").json()


def act(world, api, capture, user, so_id, action, body=None, status=200) -> dict:
    with capture(execute=True):
        response = api(user).post(f"{URL}{so_id}/{action}/", body or {}, format="json")
    assert response.status_code == status, response.json()
    return response.json()


def fetch(so_id) -> SecondOpinion:
    return SecondOpinion.objects.get(public_id=so_id)


def errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def routed_request(world) -> SecondOpinion:
    """The referrer's request about a new case of theirs, routed to the Breast board (as the task would)."""
    request = second_opinions.second_opinion_request(
        user=world.referrer,
        case=CaseFactory(institution=world.community, created_by=world.referrer),
        target_institution=world.academic,
        questions=["Is adjuvant chemotherapy indicated?"],
        reason="Borderline indication.",
        urgency="routine",
    )
    assert second_opinions.second_opinion_route(request_id=request.pk) == "routed"
    return SecondOpinion.objects.get(pk=request.pk)
