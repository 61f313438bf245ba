"""The authorization matrix of SPEC §7 for telemedicine second opinions (SPEC §4, §5.5) and their turnaround.

Same rows and rules as test_authorization_matrix.py (shared pieces in matrix_helpers.py). The request ``so`` is the
referrer's, about their community case, routed to the Breast board (the world's other requests:
``matrix_helpers.SECOND_OPINIONS``). Who is who for it:

- it is seen by its requesting side (the referrer) and by the Breast board (coordinator, chair, member); a member of
  another board (other_member) and another hospital (referrer2) get 404, with the body a nonexistent id gets;
- the board's coordinators answer it (accept, decline, request-info): the chair and a plain member see it and get
  403, and so does the requester; the requesting side supplies information, cancels and joins: the board gets 403;
- permission is checked before the state (403 stays 403 where the one allowed gets 409 or 400); an action not
  allowed from the current status is 409, a repeat of a done one is a no-op 200; decline needs a ``reason`` and
  request-info a ``message`` (400 naming the field);
- an admin may do everything (on both sides).

A few representative states per action, not every combination: the services' transition table is tested in
tests/cases/ (test_second_opinion_flow.py and friends).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from cases.models import Plan, PlanComponent, SecondOpinion, SecondOpinionReport
from tests.api.matrix_helpers import (
    EVERYONE,
    NOT_FOUND,
    PDF,
    SECOND_OPINIONS,
    Endpoint,
    Refs,
    call,
    check,
    check_list,
    fill,
    list_rows,
    matrix,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/second-opinions/"
SO = URL + "{so}/"
SEES = "coordinator chair member referrer admin"  # who sees ``so``
ANSWER = "coordinator admin"  # the Breast board's coordinators answer it
NOT_ANSWER = "chair member referrer"  # see it, may not answer it
REQUESTER = "referrer admin"  # the requesting side
BOARD = "coordinator chair member"  # see it, are not the requesting side
BAD_INPUT = "coordinator=400 admin=400"  # those who may answer: 400 (403 stays 403 for the rest)
REASON = {"reason": "Outside our remit: please refer to the sarcoma board."}
MESSAGE = {"message": "Please attach the pathology report."}
NEW = {
    "case": "{community_case}",
    "target_institution": "{academic}",
    "questions": ["Is adjuvant chemotherapy indicated?"],
    "reason": "Borderline indication; the patient asks for an expert opinion.",
    "urgency": "routine",
}


def on_the_day(world, refs: Refs) -> None:
    """The case holds a slot on the Breast meeting (the requester is its guest), which starts in an hour."""
    refs["routed_item"]
    starts_at = timezone.now() + timedelta(hours=1)
    refs.subject("meeting").update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))


def reported(world, refs: Refs) -> None:
    """The board recorded its plan and the report letter is built (made directly: building is tested elsewhere)."""
    request = refs.subject("so").get()
    plan = Plan.objects.create(
        case=request.case, kind="board", version=1, intent="curative", consensus="unanimous", created_by=world.admin
    )
    PlanComponent.objects.create(plan=plan, position=1, modality="surgery")
    report = SecondOpinionReport(
        request=request, plan=plan, version=1, status="ready", content={"schema": 1}, built_at=timezone.now()
    )
    report.pdf.save("report.pdf", ContentFile(PDF), save=False)
    report.save()


def on_so(method: str, path: str, payload=None, state: str = "requested", **rules) -> Endpoint:
    """A request about ``so``, put in ``state`` first."""
    return Endpoint(method, SO + path, payload=payload, subject="so", state=state, **rules)


ENDPOINTS = [
    Endpoint("GET", URL, ok=EVERYONE),  # what each role gets back: LIST_ROWS
    # the case must be one the writer sees: the referrer's own (an admin's too); for anyone else it reads as no case
    Endpoint("POST", URL, ok=REQUESTER, code=201, others=400, payload=NEW, field="case"),
    on_so("GET", "", ok=SEES),
    # --- the board's side
    on_so("POST", "accept/", ok=ANSWER, deny=NOT_ANSWER),
    on_so("POST", "accept/", state="declined", also="coordinator=409 admin=409", deny=NOT_ANSWER),
    on_so("POST", "decline/", REASON, state="info_requested", ok=ANSWER, deny=NOT_ANSWER),
    on_so("POST", "decline/", {}, also=BAD_INPUT, deny=NOT_ANSWER, field="reason", note="no reason"),
    on_so("POST", "request-info/", MESSAGE, ok=ANSWER, deny=NOT_ANSWER),
    on_so("POST", "request-info/", {}, also=BAD_INPUT, deny=NOT_ANSWER, field="message", note="no message"),
    # --- the requesting side
    on_so("POST", "provide-info/", MESSAGE, state="info_requested", ok=REQUESTER, deny=BOARD),
    on_so("POST", "cancel/", REASON, state="scheduled", ok=REQUESTER, deny=BOARD),
    on_so("POST", "cancel/", REASON, state="cancelled", ok=REQUESTER, deny=BOARD),  # a repeat is a no-op
    on_so("POST", "join/", state="scheduled", given=on_the_day, ok=REQUESTER, deny=BOARD),
    # --- the report, once the board recorded its plan
    on_so("GET", "report/", state="report_sent", given=reported, ok=SEES),
    on_so("GET", "report/pdf/", state="report_sent", given=reported, ok=SEES),
    # figures over the requests the user may see (test_turnaround_counts_only_...): nothing to hide
    Endpoint("GET", "/api/v1/analytics/turnaround/", ok=EVERYONE),
]

MATRIX, MATRIX_IDS = matrix(ENDPOINTS)


@pytest.mark.parametrize(("endpoint", "role", "expected"), MATRIX, ids=MATRIX_IDS)
def test_matrix(world, endpoint: Endpoint, role: str, expected: int):
    check(world, endpoint, role, expected)


# --- Lists: exactly which requests each role gets back ----------------------------------------------------

# so: the referrer's, on the Breast board; so2: referrer2's, on the Thoracic board; so_unassigned: the referrer's,
# which no board reviews, so the academic center's coordinators (any board's) see it to choose a board
LISTS = {
    URL: {
        "coordinator referrer": "so so_unassigned",
        "chair member": "so",
        "other_member referrer2": "so2",
        "admin": " ".join(SECOND_OPINIONS),
    },
}
LIST_ROWS = list_rows(LISTS)


@pytest.mark.parametrize(("path", "role", "keys"), LIST_ROWS, ids=[f"{p} {r}" for p, r, _ in LIST_ROWS])
def test_list_returns_exactly_what_the_role_may_see(world, path: str, role: str, keys: str):
    refs = Refs(world)
    for key in SECOND_OPINIONS:  # all of them exist, whatever the role is expected to get
        refs[key]
    check_list(world, path, role, keys)


def test_turnaround_counts_only_the_requests_the_role_may_see(world):
    refs = Refs(world)
    for key in SECOND_OPINIONS:
        refs[key]
    for roles, keys in LISTS[URL].items():  # every signed-in role
        count = len(keys.split())
        for role in roles.split():
            body = call(world, role, "GET", "/api/v1/analytics/turnaround/").json()
            assert (body["requests"], body["open"], body["completed"]) == (count, count, 0), role


# --- Existence is never leaked ---------------------------------------------------------------------------

FOREIGN = [  # (role, method, path, the placeholder that is foreign to the role, a payload that passes validation)
    ("other_member", "POST", SO + "accept/", "so", {}),  # a member of another board
    ("referrer2", "GET", SO + "report/pdf/", "so", None),  # another hospital
    ("chair", "POST", URL + "{so_unassigned}/decline/", "so_unassigned", REASON),  # a chair does not choose a board
]


@pytest.mark.parametrize(
    ("role", "method", "path", "key", "payload"), FOREIGN, ids=[f"{m} {p} {r}" for r, m, p, _, _ in FOREIGN]
)
def test_a_404_is_the_same_for_missing_and_foreign(world, role, method, path, key, payload):
    refs = Refs(world)
    missing = Refs(world)
    missing[key] = str(uuid.uuid4())
    refs[key]  # made before the snapshot
    before = list(SecondOpinion.objects.values_list("id", "status"))
    foreign = call(world, role, method, path.format_map(refs), payload)
    absent = call(world, role, method, path.format_map(missing), payload)
    assert foreign.status_code == absent.status_code == 404, foreign.content[:300]
    assert foreign.json() == absent.json() == NOT_FOUND
    assert list(SecondOpinion.objects.values_list("id", "status")) == before


# --- An id in a payload ----------------------------------------------------------------------------------

FOREIGN_IN_PAYLOAD = [  # (role, the case in the create payload, foreign to the role); the matrix has the others
    ("referrer2", "community_case"),  # another hospital's case
    ("member", "community_case"),  # not routed to the member's board (not requested at all)
]


@pytest.mark.parametrize(("role", "key"), FOREIGN_IN_PAYLOAD, ids=[f"{r} {k}" for r, k in FOREIGN_IN_PAYLOAD])
def test_a_foreign_case_in_the_create_payload_reads_as_nonexistent(world, role, key):
    refs = Refs(world)
    answers = []
    for value in (refs[key], str(uuid.uuid4())):
        response = call(world, role, "POST", URL, {**fill(NEW, refs), "case": value})
        assert response.status_code == 400, response.content[:300]
        answers.append(str(response.json()).replace(value, "<id>"))
    assert answers[0] == answers[1]
    assert "'field': 'case'" in answers[0] and "does_not_exist" in answers[0]
    assert not SecondOpinion.objects.exists()


def test_a_report_version_that_is_not_a_whole_number_is_a_400(world):
    """``"²".isdigit()`` is true, and ``int("²")`` raised: a 500 (fixed in SecondOpinionViewSet._report)."""
    refs = Refs(world)
    reported(world, refs)
    for path in ("report/", "report/pdf/"):
        for version in ("%C2%B2", "%D9%A1", "1.0", "-1", "x"):  # superscript two, Arabic-Indic one, ...
            response = call(world, "referrer", "GET", f"{SO.format_map(refs)}{path}?version={version}")
            assert response.status_code == 400, (path, version, response.content[:300])
            assert [error["field"] for error in response.json()["errors"]] == ["version"]
        assert call(world, "referrer", "GET", f"{SO.format_map(refs)}{path}?version=1").status_code == 200
