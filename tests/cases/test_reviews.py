"""Structured specialty reviews (SPEC §5.4): a re-read may revise histology, grade or stage; the revised value
is recorded with who and why, the original kept and shown."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, ProfileRevision, Review
from cases.staging import STAGE_MESSAGES
from specialists.models import BoardRole, Specialty
from tests.factories import MembershipFactory, UserFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathologist(world):
    user = UserFactory(username="patho", institution=world.academic, specialty=Specialty.PATHOLOGY)
    MembershipFactory(user=user, board=world.board, role=BoardRole.MEMBER)
    return user


@pytest.fixture
def radiologist(world):
    user = UserFactory(username="rad", institution=world.academic, specialty=Specialty.RADIOLOGY)
    MembershipFactory(user=user, board=world.board, role=BoardRole.MEMBER)
    return user


def url(case) -> str:
    return f"/api/v1/cases/{case.public_id}/reviews/"


def post(world, user, payload, case=None):
    return world.client(user).post(url(case or world.case), payload, format="json")


def errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


REREAD = {
    "kind": "pathology_reread",
    "findings": "Review of the core biopsy: lobular morphology, E-cadherin negative; 25 mitoses per 10 HPF.",
    "recommendation": "Treat as invasive lobular carcinoma, grade 3.",
    "revisions": [
        {"field": "histology", "revised": "Invasive lobular carcinoma", "reason": "E-cadherin negative."},
        {"field": "grade", "revised": "G3", "reason": "Mitotic count 25/10 HPF."},
    ],
}


def test_a_pathology_re_read_revises_the_case_and_keeps_the_original(world, pathologist):
    Case.objects.filter(pk=world.case.pk).update(histology="Invasive ductal carcinoma", grade="G2")
    response = post(world, pathologist, REREAD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["specialty"], body["author"]["id"]) == (
        "pathology_reread",
        "pathology",
        str(pathologist.public_id),
    )
    assert [(r["field"], r["original"], r["revised"], r["reason"]) for r in body["revisions"]] == [
        ("histology", "Invasive ductal carcinoma", "Invasive lobular carcinoma", "E-cadherin negative."),
        ("grade", "G2", "G3", "Mitotic count 25/10 HPF."),
    ]
    case = Case.objects.get(pk=world.case.pk)
    assert (case.histology, case.grade) == ("Invasive lobular carcinoma", "G3")
    # the case shows the revised value; the review (listed to every board member) keeps the original
    listed = world.client(world.member).get(url(world.case)).json()["results"]
    assert listed[0]["revisions"][1]["original"] == "G2"
    assert world.client(world.member).get(f"/api/v1/cases/{world.case.public_id}/").json()["grade"] == "G3"
    update = AuditEvent.objects.get(object_type="cases.case", action="update", user=pathologist)
    assert update.detail == {"fields": ["grade", "histology"], "review": body["id"]}


def test_an_imaging_re_read_revises_the_clinical_stage(world, radiologist):
    Case.objects.filter(pk=world.case.pk).update(clinical_n="N0", stage_group="IIA")
    payload = {
        "kind": "imaging_reread",
        "findings": "Two enlarged level I axillary nodes.",
        "revisions": [
            {"field": "clinical_n", "revised": "N1", "reason": "Cortical thickening 4 mm."},
            {"field": "stage_group", "revised": "IIB", "reason": "T2 N1 M0."},
        ],
    }
    assert post(world, radiologist, payload).status_code == 201
    case = Case.objects.get(pk=world.case.pk)
    assert (case.clinical_n, case.stage_group) == ("N1", "IIB")


def test_reviews_without_revisions(world):
    """The coordinator is a nurse navigator: a navigation review."""
    response = post(world, world.coordinator, {"kind": "navigation", "findings": "Needs transport to radiotherapy."})
    assert response.status_code == 201
    assert response.json()["revisions"] == [] and response.json()["specialty"] == "nurse_navigation"


BAD = [
    ("imaging_reread", {"field": "histology", "revised": "x", "reason": "r"}, "revisions[0].field",
     "Imaging re-read may revise clinical_m, clinical_n, clinical_t, stage_group, not histology."),
    ("pathology_reread", {"field": "grade", "revised": "G9", "reason": "r"}, "revisions[0].revised",
     "A grade is one of G1, G2, G3, G4, GX."),
    ("pathology_reread", {"field": "grade", "revised": "G2", "reason": "r"}, "revisions[0].revised",
     "The case's grade is already G2."),
    ("pathology_reread", {"field": "grade", "revised": "G3", "reason": " "}, "revisions[0].reason",
     "This field may not be blank."),
    ("pathology_reread", {"field": "pathological_t", "revised": "T2 (m) multi", "reason": "r"},
     "revisions[0].revised", "At most 8 characters."),
    ("pathology_reread", {"field": "ecog", "revised": "2", "reason": "r"}, "revisions[0].field",
     '"ecog" is not a valid choice.'),
    ("pathology_reread", {"field": "pathological_t", "revised": "T99", "reason": "r"}, "revisions[0].revised",
     STAGE_MESSAGES["pathological_t"]),
    ("imaging_reread", {"field": "stage_group", "revised": "ZZZ", "reason": "r"}, "revisions[0].revised",
     STAGE_MESSAGES["stage_group"]),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "revision", "field", "message"), BAD, ids=[b[2] + " " + b[3][:30] for b in BAD])
def test_bad_revisions_are_a_400_and_change_nothing(world, pathologist, radiologist, kind, revision, field, message):
    Case.objects.filter(pk=world.case.pk).update(grade="G2", histology="IDC")
    author = pathologist if kind == "pathology_reread" else radiologist
    response = post(world, author, {"kind": kind, "findings": "f", "revisions": [revision]})
    assert response.status_code == 400
    assert errors(response) == {field: message}
    case = Case.objects.get(pk=world.case.pk)
    assert (case.grade, case.histology) == ("G2", "IDC")
    assert not Review.objects.exists() and not ProfileRevision.objects.exists()


def test_a_field_revised_twice_and_a_review_that_revises_nothing(world, pathologist):
    twice = [{"field": "grade", "revised": "G3", "reason": "r"}, {"field": "grade", "revised": "G1", "reason": "r"}]
    response = post(world, pathologist, {"kind": "pathology_reread", "findings": "f", "revisions": twice})
    assert errors(response) == {"revisions[1].field": "grade is revised twice in this review."}
    genetics = UserFactory(institution=world.academic, specialty=Specialty.GENETICS)
    MembershipFactory(user=genetics, board=world.board, role=BoardRole.MEMBER)
    response = post(world, genetics, {"kind": "genetics", "findings": "f", "revisions": twice[:1]})
    assert errors(response) == {"revisions[0].field": "Genetics review revises no profile value."}


def test_only_the_matching_specialty_of_the_board_records_a_review(world, pathologist):
    response = post(world, world.member, REREAD)  # a medical oncologist
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == "Only pathology records a pathology re-read."
    outsider = UserFactory(institution=world.academic, specialty=Specialty.PATHOLOGY)  # not on the board
    assert post(world, outsider, REREAD).status_code == 404
    assert post(world, world.referrer, REREAD).status_code == 404
    assert not Review.objects.exists()


def test_no_review_on_a_closed_case(world, pathologist):
    Case.objects.filter(pk=world.case.pk).update(status="closed")
    assert post(world, pathologist, REREAD).status_code == 409


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_review_is_never_edited_or_deleted(world, method):
    review_id = post(world, world.coordinator, {"kind": "navigation", "findings": "f"}).json()["id"]
    response = getattr(world.client(world.coordinator), method)(f"{url(world.case)}{review_id}/", {}, format="json")
    assert response.status_code == 405
    assert Review.objects.get(public_id=review_id).findings == "f"


def test_the_review_list_costs_the_same_at_any_size(world, pathologist):
    client, counts = world.client(world.member), []
    for n in (1, 5):
        while Review.objects.count() < n:
            post(world, world.coordinator, {"kind": "navigation", "findings": "f"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world.case)).json()["count"] == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_packet_shows_the_review_with_the_original_value(world, pathologist):
    from cases.services import packets

    Case.objects.filter(pk=world.case.pk).update(histology="Invasive ductal carcinoma", grade="G2")
    packets.packet_request(case=world.case)
    assert post(world, pathologist, REREAD).status_code == 201
    assert packets.packet_build(case_id=world.case.pk) == "ready"
    content = Case.objects.get(pk=world.case.pk).packet.version.content
    assert content["tumor_biology"]["grade"] == "G3"
    (review,) = content["specialty_reviews"]
    assert (review["kind"], review["author"]) == ("pathology_reread", pathologist.name)
    assert review["revisions"][1] == {
        "field": "grade",
        "original": "G2",
        "revised": "G3",
        "reason": "Mitotic count 25/10 HPF.",
    }
