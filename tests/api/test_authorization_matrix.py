"""The authorization matrix of SPEC §7: every endpoint x method x role, one parametrized row per combination.

Each endpoint declares who may do it (the expected 2xx), who sees the object but may not act (403) and
the few special answers (400, 409); every other signed-in role cannot see the object and gets 404 with
the very body a nonexistent id gets. Anonymous requests get 401 with ``WWW-Authenticate: Token``.

PUT and DELETE on a case are not offered: DRF answers 405 before it looks the object up, so a user who
cannot see the case gets 405 as well. Accepted on purpose: the answer is the same for an id that does
not exist (``test_a_404_is_the_same_for_missing_and_foreign``), so it leaks nothing.

The "Known gaps" tests assert what SPEC §3/§6/§7 ask where the code does not (yet); they fail until it does.

Boards, meetings, agendas, attendance and calendar feeds have their rows in test_authorization_matrix_scheduling.py,
second opinions and their turnaround in test_authorization_matrix_second_opinions.py; the pieces the files share
(roles, ``Endpoint``, ``Refs``, the check) are in matrix_helpers.py.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.lifecycle.recommendation import plan_record
from cases.models import Case
from cases.services import comments as services
from scheduling.models import AgendaItem
from tests.api import test_authorization_matrix_scheduling as scheduling
from tests.api import test_authorization_matrix_second_opinions as second_opinions
from tests.api.matrix_helpers import (
    ACADEMIC,
    EVERYONE,
    NOT_FOUND,
    PDF,
    ROLES,
    YESTERDAY,
    Endpoint,
    Refs,
    api_route_names,
    call,
    check,
    check_list,
    covered_route_names,
    list_rows,
    matrix,
    minus,
)
from tests.factories import UserFactory
from tests.fhir.helpers import bundle

pytestmark = pytest.mark.django_db

PROFILE = {
    "patient": {"mrn": "M-1", "name": "Jane Roe", "birth_date": "1970-01-01", "sex": "female"},
    "primary_site": "breast",
    "question": "Adjuvant therapy?",
}


class Who(NamedTuple):
    """Per case of the world: who sees it, its care team, its board's chair/coordinators, its coordinators."""

    sees: str
    care: str
    lead: str
    coord: str
    has_board: bool = True


CASES = {
    "case": Who(
        "coordinator chair member admin", "coordinator member admin", "coordinator chair admin", "coordinator admin"
    ),
    "other_case": Who("other_member admin", "other_member admin", "admin", "admin"),
    # no board: nobody (not even an admin) leads or coordinates it; submit needs a board first (400)
    "community_case": Who("referrer admin", "referrer admin", "", "", has_board=False),
    "community2_case": Who("referrer2 admin", "referrer2 admin", "", "", has_board=False),
}
# action -> (a status it is allowed from, which group of CASES may take it)
ACTIONS = {
    "submit": ("draft", "care"),
    "request-info": ("submitted", "lead"),
    "defer": ("scheduled", "coord"),
    "withdraw": ("draft", "care"),
    "close": ("recommended", "care"),
}


def edit(_world) -> dict:
    return {"question": "What about radiotherapy?"}


def reason(_world) -> dict:
    return {"reason": "Please attach the pathology report."}


def comment(_world) -> dict:
    return {"body": "Agree with endocrine therapy.", "kind": "general"}


def pdf(_world) -> dict:
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    return {"file": upload, "kind": "pathology", "title": "Core biopsy", "date": YESTERDAY}


def review(_world) -> dict:
    return {"kind": "navigation", "findings": "Transport and childcare arranged for treatment visits."}


def proposed(_world) -> dict:
    return {"kind": "proposed", "intent": "curative", "components": [{"modality": "surgery", "detail": "Lumpectomy"}]}


def board_plan(_world) -> dict:
    return {**proposed(_world), "kind": "board", "consensus": "majority", "dissent": "Radiation oncology: RT first."}


def follow_up(_world) -> dict:
    return {"implemented": "partial", "reason": "toxicity", "note": "Stopped after cycle 3."}


def presented(world, refs) -> None:
    """The case was presented at its board's meeting (a board plan is recorded for that meeting)."""
    refs["item"]
    AgendaItem.objects.filter(public_id=refs["item"]).update(status="presented")
    Case.objects.filter(pk=world.case.pk).update(status="discussed", meeting=None)


def recommended(world, refs) -> None:
    """The board recorded its plan (the case is recommended)."""
    presented(world, refs)
    plan_record(user=world.admin, case=world.case, data={**board_plan(world), "meeting": None})


def new_case(world) -> dict:
    return {**PROFILE, "board": str(world.board.public_id)}


def fhir_bundle(world) -> dict:
    return bundle("breast")


def login(world) -> dict:
    return {"username": world.member.username, "password": "pw-for-tests"}


def bad_login(world) -> dict:
    return {"username": world.member.username, "password": "wrong"}


def case_endpoints(key: str, who: Who):
    base = f"/api/v1/cases/{{{key}}}"
    yield Endpoint("GET", f"{base}/", ok=who.sees)
    yield Endpoint("PATCH", f"{base}/", ok=who.care, deny=minus(who.sees, who.care), payload=edit)
    yield Endpoint("PUT", f"{base}/", others=405, payload=edit)
    yield Endpoint("DELETE", f"{base}/", others=405)
    yield Endpoint("GET", f"{base}/history/", ok=who.sees)
    yield Endpoint("GET", f"{base}/checklist/", ok=who.sees)
    yield Endpoint("GET", f"{base}/fhir/", ok=who.sees)  # the case as a FHIR bundle: read as the case is
    yield Endpoint("GET", f"{base}/trials/", ok=who.sees)  # the trials it may match: read as the case is
    yield Endpoint("POST", f"{base}/packet/", ok=who.sees, code=202)
    # no packet built yet in the matrix world: 404 for everyone (tests/cases/test_packets.py reads built ones)
    yield Endpoint("GET", f"{base}/packet/")
    yield Endpoint("GET", f"{base}/packet/pdf/")
    yield Endpoint("GET", f"{base}/documents/", ok=who.sees)
    yield Endpoint("POST", f"{base}/documents/", ok=who.sees, code=201, payload=pdf, fmt="multipart")
    yield Endpoint("GET", f"{base}/documents/{{doc_{key}}}/", ok=who.sees)
    yield Endpoint("GET", f"{base}/documents/{{doc_{key}}}/file/", ok=who.sees)
    yield Endpoint("GET", f"{base}/comments/", ok=who.sees)
    yield Endpoint("POST", f"{base}/comments/", ok=who.sees, code=201, payload=comment)
    # not in SPEC §6, but routed (AuditedReadMixin.retrieve): scoped like the rest
    yield Endpoint("GET", f"{base}/comments/{{comment_{key}}}/", ok=who.sees)
    yield Endpoint("GET", f"{base}/reviews/", ok=who.sees)
    # a navigation review: only a board member who is a nurse navigator (the coordinator) records one
    navigator = "coordinator" if key == "case" else ""
    yield Endpoint("POST", f"{base}/reviews/", ok=navigator, code=201, deny=minus(who.sees, navigator), payload=review)
    yield Endpoint("GET", f"{base}/reviews/{{review_{key}}}/", ok=who.sees)
    yield Endpoint("GET", f"{base}/plans/", ok=who.sees)
    yield Endpoint("POST", f"{base}/plans/", ok=who.sees, code=201, payload=proposed)
    yield Endpoint("GET", f"{base}/plans/{{plan_{key}}}/", ok=who.sees)
    for method in ("PUT", "PATCH", "DELETE"):  # plan versions are immutable
        yield Endpoint(method, f"{base}/plans/{{plan_{key}}}/", others=405, payload=proposed)
    yield Endpoint("GET", f"{base}/changes/", ok=who.sees)
    yield Endpoint("GET", f"{base}/changes/{{change_{key}}}/", ok=who.sees)
    yield Endpoint("GET", f"{base}/follow-up/", ok=who.sees)
    yield Endpoint("GET", f"{base}/follow-up/{{followup_{key}}}/", ok=who.sees)
    for action, (source, group) in ACTIONS.items():
        allowed = getattr(who, group)
        also = " ".join(f"{r}=400" for r in allowed.split()) if action == "submit" and not who.has_board else ""
        deny = minus(who.sees, allowed)
        yield Endpoint(
            "POST", f"{base}/{action}/", ok=allowed, deny=deny, also=also, payload=reason, subject=key, state=source
        )


def on_case(method: str, path: str, state: str, payload, **rules) -> Endpoint:
    """A request about ``world.case`` put in ``state`` first."""
    fmt = "multipart" if payload is pdf else "json"
    path = f"/api/v1/cases/{{case}}/{path}"
    return Endpoint(method, path, payload=payload, fmt=fmt, subject="case", state=state, **rules)


ENDPOINTS = [
    Endpoint("POST", "/api/v1/auth/token/", ok=EVERYONE, anon=200, payload=login),
    Endpoint("POST", "/api/v1/auth/token/", also=" ".join(f"{r}=400" for r in ROLES[1:]), anon=400, payload=bad_login),
    # one's own tokens: listed and revoked by their owner only (another's, or none, is 404)
    Endpoint("GET", "/api/v1/auth/tokens/", ok=EVERYONE),
    Endpoint("DELETE", "/api/v1/auth/tokens/", ok=EVERYONE, code=204),
    Endpoint("DELETE", "/api/v1/auth/tokens/nosuchtoken/"),
    Endpoint("GET", "/api/v1/me/", ok=EVERYONE),
    # review tasks: the caller's own (world.case's medical-oncology task is the member's); anyone else's is a 404
    Endpoint("GET", "/api/v1/me/tasks/", ok=EVERYONE),
    Endpoint("GET", "/api/v1/me/tasks/{task_case}/", ok="member"),
    Endpoint("POST", "/api/v1/me/tasks/{task_case}/claim/", ok="member"),
    Endpoint("DELETE", "/api/v1/me/tasks/{task_case}/", others=405),
    Endpoint("GET", "/api/v1/institutions/", ok=EVERYONE),
    Endpoint("GET", "/api/v1/institutions/{community2}/", ok=EVERYONE),
    Endpoint("POST", "/api/v1/institutions/", others=405, payload=edit),
    Endpoint("GET", "/api/v1/specialists/", ok=EVERYONE),
    Endpoint("GET", "/api/v1/specialists/{member}/", ok=ACADEMIC),
    Endpoint("GET", "/api/v1/specialists/{referrer}/", ok="referrer admin"),
    Endpoint("GET", "/api/v1/specialists/{referrer2}/", ok="referrer2 admin"),
    Endpoint("GET", "/api/v1/cases/", ok=EVERYONE),
    # a board of the writer's own institution → 201; the academic board is foreign to referrers → 400 "board"
    Endpoint("POST", "/api/v1/cases/", ok=ACADEMIC, code=201, also="referrer=400 referrer2=400", payload=new_case),
    # a FHIR bundle's import makes a case in the importer's institution; another institution's board is refused as
    # the case's own "board" field is (400, the board reads as nonexistent)
    Endpoint("POST", "/api/v1/fhir/import/", ok=EVERYONE, code=201, payload=fhir_bundle),
    Endpoint(
        "POST",
        "/api/v1/fhir/import/?board={board}",
        ok=ACADEMIC,
        code=201,
        also="referrer=400 referrer2=400",
        payload=fhir_bundle,
        field="board",
    ),
    Endpoint("GET", "/api/v1/audit-events/", ok="admin", others=403),  # not patient-scoped: 403 is right
    Endpoint("GET", "/healthz", ok=EVERYONE, anon=200),
    Endpoint("GET", "/readyz", ok=EVERYONE, anon=200),
    Endpoint("POST", "/healthz", others=405, anon=405),
    *(e for key, who in CASES.items() for e in case_endpoints(key, who)),
    # 409: not allowed from the current status (permission is checked first: 403 stays 403)
    on_case("POST", "request-info/", "draft", reason, also="coordinator=409 chair=409 admin=409", deny="member"),
    on_case("POST", "defer/", "submitted", reason, also="coordinator=409 admin=409", deny="chair member"),
    on_case("POST", "close/", "scheduled", reason, also="coordinator=409 member=409 admin=409", deny="chair"),
    on_case("POST", "submit/", "withdrawn", reason, also="coordinator=409 member=409 admin=409", deny="chair"),
    on_case("POST", "withdraw/", "closed", reason, also="coordinator=409 member=409 admin=409", deny="chair"),
    on_case("PATCH", "", "closed", edit, also="coordinator=409 member=409 admin=409", deny="chair"),
    on_case("POST", "comments/", "withdrawn", comment, also="coordinator=409 chair=409 member=409 admin=409"),
    # a repeated action that is already done is a no-op: 200, still only for those allowed
    on_case("POST", "submit/", "submitted", reason, ok="coordinator member admin", deny="chair"),
    on_case("POST", "documents/", "closed", pdf, also="coordinator=409 chair=409 member=409 admin=409"),
    # only the board's chair or coordinators record the board plan; from a discussed case only (409 otherwise)
    on_case(
        "POST",
        "plans/",
        "discussed",
        board_plan,
        given=presented,
        ok="coordinator chair admin",
        deny="member",
        code=201,
    ),
    on_case("POST", "plans/", "submitted", board_plan, also="coordinator=409 chair=409 admin=409", deny="member"),
    on_case("POST", "plans/", "closed", proposed, also="coordinator=409 chair=409 member=409 admin=409"),
    # follow-through: the care team (member created the case; coordinator) and the board's navigators
    on_case(
        "POST",
        "follow-up/",
        "recommended",
        follow_up,
        given=recommended,
        ok="coordinator member admin",
        deny="chair",
        code=201,
    ),
    # no board plan yet: 400 on "plan" for those allowed
    on_case("POST", "follow-up/", "recommended", follow_up, also="coordinator=400 member=400 admin=400", deny="chair"),
    Endpoint("GET", "/api/v1/analytics/plan-changes/", ok=EVERYONE),
    # the accreditation report and its caseload: the boards' coordinators and admins; a board seen but not run: 403
    Endpoint("GET", "/api/v1/analytics/accreditation/", ok="coordinator admin", others=403),
    Endpoint(
        "GET",
        "/api/v1/analytics/accreditation/?board={board}",
        ok="coordinator admin",
        deny="chair member other_member",
    ),
    Endpoint("GET", "/api/v1/analytics/accreditation/caseloads/", ok="coordinator admin", others=403),
    Endpoint(
        "POST",
        "/api/v1/analytics/accreditation/caseloads/",
        ok="coordinator admin",
        code=201,
        others=403,
        payload={"year": 2025, "analytic_cases": 120},
    ),
    # an institution's trials: read by its people (and its boards' members), kept by its boards' coordinators
    Endpoint("GET", "/api/v1/trials/", ok=EVERYONE),
    Endpoint(
        "POST",
        "/api/v1/trials/",
        ok="coordinator admin",
        code=201,
        deny=minus(EVERYONE, "coordinator admin"),
        payload={"identifier": "NCT01234567", "title": "A synthetic study", "phase": "2"},
    ),
    Endpoint("GET", "/api/v1/trials/{trial}/", ok=ACADEMIC),
    Endpoint(
        "PATCH",
        "/api/v1/trials/{trial}/",
        ok="coordinator admin",
        deny="chair member other_member",
        payload={"status": "closed"},
    ),
    Endpoint("DELETE", "/api/v1/trials/{trial}/", ok="coordinator admin", code=204, deny="chair member other_member"),
    Endpoint("GET", "/api/v1/analytics/trials/", ok=EVERYONE),
]

MATRIX, MATRIX_IDS = matrix(ENDPOINTS)


@pytest.fixture(autouse=True)
def _no_throttle_carry_over():
    cache.clear()  # the token endpoint's throttle counts in the process-wide cache


@pytest.mark.parametrize(("endpoint", "role", "expected"), MATRIX, ids=MATRIX_IDS)
def test_matrix(world, endpoint: Endpoint, role: str, expected: int):
    check(world, endpoint, role, expected)


# --- Lists: exactly which objects each role gets back --------------------------------------------------

ALL_CASES = "case other_case community_case community2_case"
LISTS = {
    "/api/v1/cases/": {
        "coordinator chair member": "case",
        "other_member": "other_case",
        "referrer": "community_case",
        "referrer2": "community2_case",
        "admin": ALL_CASES,
    },
    # a filter on a board the user may not see filters out everything; it does not widen the scope
    "/api/v1/cases/?board={board}": {"coordinator chair member admin": "case", "other_member referrer referrer2": ""},
    "/api/v1/cases/?institution={community}": {
        "referrer admin": "community_case",
        minus(EVERYONE, "referrer admin"): "",
    },
    "/api/v1/specialists/": {
        "coordinator chair member other_member": ACADEMIC,
        "referrer": "referrer",
        "referrer2": "referrer2",
        "admin": EVERYONE,
    },
    "/api/v1/institutions/": {EVERYONE: "academic community community2"},
}
LIST_ROWS = list_rows(LISTS)


@pytest.mark.parametrize(("path", "role", "keys"), LIST_ROWS, ids=[f"{p} {r}" for p, r, _ in LIST_ROWS])
def test_list_returns_exactly_what_the_role_may_see(world, path: str, role: str, keys: str):
    check_list(world, path, role, keys)


def test_children_lists_hold_only_the_cases_own_objects(world):
    refs = Refs(world)
    own, foreign = refs["doc_case"], refs["doc_other_case"]
    services.comment_create(user=world.other_member, case=world.other_case, body="Foreign.", kind="general")
    mine = services.comment_create(user=world.chair, case=world.case, body="Mine.", kind="general")
    for role in ("coordinator", "admin"):
        docs = call(world, role, "GET", f"/api/v1/cases/{refs['case']}/documents/").json()["results"]
        assert [d["id"] for d in docs] == [own] and foreign != own
        comments = call(world, role, "GET", f"/api/v1/cases/{refs['case']}/comments/").json()["results"]
        assert [c["id"] for c in comments] == [str(mine.public_id)]


# --- Existence is never leaked ---------------------------------------------------------------------------

FOREIGN = [  # (role, method, path, the placeholder that is foreign to the role)
    ("member", "GET", "/api/v1/cases/{other_case}/", "other_case"),
    ("member", "PATCH", "/api/v1/cases/{community_case}/", "community_case"),
    ("referrer", "POST", "/api/v1/cases/{community2_case}/withdraw/", "community2_case"),
    ("other_member", "GET", "/api/v1/cases/{case}/history/", "case"),
    ("other_member", "GET", "/api/v1/cases/{case}/checklist/", "case"),
    ("referrer2", "GET", "/api/v1/cases/{case}/fhir/", "case"),
    ("referrer2", "GET", "/api/v1/cases/{case}/documents/", "case"),
    ("referrer2", "POST", "/api/v1/cases/{case}/comments/", "case"),
    ("member", "GET", "/api/v1/cases/{case}/documents/{doc_other_case}/", "doc_other_case"),
    ("admin", "GET", "/api/v1/cases/{case}/documents/{doc_other_case}/file/", "doc_other_case"),
    ("admin", "GET", "/api/v1/cases/{case}/comments/{comment_other_case}/", "comment_other_case"),
    ("referrer", "GET", "/api/v1/boards/{board}/", "board"),
    ("referrer", "GET", "/api/v1/meetings/{meeting}/", "meeting"),
    ("referrer2", "GET", "/api/v1/specialists/{member}/", "member"),
    ("member", "GET", "/api/v1/specialists/{referrer}/", "referrer"),
    ("member", "DELETE", "/api/v1/cases/{other_case}/", "other_case"),  # 405 both ways
    ("member", "PUT", "/api/v1/cases/{other_case}/", "other_case"),
    ("member", "OPTIONS", "/api/v1/cases/{other_case}/", "other_case"),  # metadata only: 200 both ways
]


@pytest.mark.parametrize(("role", "method", "path", "key"), FOREIGN, ids=[f"{m} {p} {r}" for r, m, p, _ in FOREIGN])
def test_a_404_is_the_same_for_missing_and_foreign(world, role, method, path, key):
    refs = Refs(world)
    missing = Refs(world)
    missing[key] = str(uuid.uuid4())
    payload = {"question": "x", "body": "x", "reason": "x"}
    foreign = call(world, role, method, path.format_map(refs), payload)
    absent = call(world, role, method, path.format_map(missing), payload)
    assert foreign.status_code == absent.status_code in {404, 405, 200 if method == "OPTIONS" else 404}
    assert foreign.json() == absent.json()
    assert foreign.status_code != 404 or foreign.json() == NOT_FOUND


@pytest.mark.parametrize(
    "path",
    ["/api/v1/cases/123/", "/api/v1/cases/123/submit/", "/api/v1/boards/x/", "/api/v1/cases/{case}/documents/1/"],
)
def test_a_malformed_id_is_the_same_404(world, path):
    assert call(world, "member", "GET", path.format_map(Refs(world))).json() == NOT_FOUND


FOREIGN_IN_PAYLOAD = [  # (role, method, path, field, an object of another institution)
    ("referrer", "POST", "/api/v1/cases/", "board", "board"),
    ("referrer2", "POST", "/api/v1/cases/", "board", "other_board"),
    ("member", "POST", "/api/v1/cases/", "treating_physician", "referrer"),
    ("referrer", "POST", "/api/v1/cases/", "treating_physician", "referrer2"),
    ("referrer", "PATCH", "/api/v1/cases/{community_case}/", "board", "board"),
    ("member", "PATCH", "/api/v1/cases/{case}/", "treating_physician", "referrer2"),
    ("referrer2", "PATCH", "/api/v1/cases/{community2_case}/", "treating_physician", "member"),
]


@pytest.mark.parametrize(
    ("role", "method", "path", "field", "key"),
    FOREIGN_IN_PAYLOAD,
    ids=[f"{m} {p} {f}" for _, m, p, f, _ in FOREIGN_IN_PAYLOAD],
)
def test_a_foreign_id_in_a_payload_reads_as_nonexistent(world, role, method, path, field, key):
    refs = Refs(world)
    path = path.format_map(refs)
    base = PROFILE if method == "POST" else {}
    before = sorted(Case.objects.values_list("id", "board_id", "treating_physician_id"))
    answers = []
    for value in (refs[key], str(uuid.uuid4())):
        response = call(world, role, method, path, {**base, field: value})
        assert response.status_code == 400, response.content[:300]
        answers.append(str(response.json()).replace(value, "<id>"))
    assert answers[0] == answers[1]
    assert f"'field': '{field}'" in answers[0] and "does_not_exist" in answers[0]
    assert sorted(Case.objects.values_list("id", "board_id", "treating_physician_id")) == before


# --- Roles outside the fixed world ------------------------------------------------------------------------


def test_the_treating_physician_is_on_the_care_team(world):
    refs = Refs(world)  # other_member is not on the Breast board; as treating physician they join the care team
    case = f"/api/v1/cases/{refs['case']}/"
    assert call(world, "member", "PATCH", case, {"treating_physician": refs["other_member"]}).status_code == 200
    listed = call(world, "other_member", "GET", "/api/v1/cases/").json()["results"]
    assert {c["id"] for c in listed} == {refs["case"], refs["other_case"]}
    assert call(world, "other_member", "PATCH", case, edit(world)).status_code == 200
    assert call(world, "other_member", "POST", f"{case}submit/", {}).status_code == 200
    assert call(world, "other_member", "POST", f"{case}request-info/", reason(world)).status_code == 403


def test_a_deactivated_users_token_no_longer_works(world):
    client = world.client(world.member)
    world.member.is_active = False
    world.member.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/").status_code == 401


# --- Known gaps: these assert SPEC §7 and fail until the code follows it ---------------------------------


def test_a_coordinator_moving_a_draft_to_another_board_gets_an_answer_not_a_404(world):
    """The coordinator is on the care team, and a draft's board may change to one of the same institution.

    The service does it, then the view re-reads the case through ``case_get(user)``: the coordinator no
    longer sees it, so the request answers 404 about a case they were just shown and the move rolls back.
    """
    refs = Refs(world)
    path = f"/api/v1/cases/{refs['case']}/"
    assert call(world, "coordinator", "GET", path).status_code == 200
    response = call(world, "coordinator", "PATCH", path, {"board": refs["other_board"]})
    assert response.status_code == 200, response.content[:300]
    assert Case.objects.get(pk=world.case.pk).board_id == world.other_board.pk


def test_a_treating_physician_of_another_institution_is_rejected_on_update(world):
    """A community case routed to the Breast board: its coordinator may edit it, but one of the coordinator's own
    colleagues is foreign to the case's institution and cannot become the community patient's treating physician."""
    Case.objects.filter(pk=world.community_case.pk).update(board=world.board)
    refs = Refs(world)
    path = f"/api/v1/cases/{refs['community_case']}/"
    response = call(world, "coordinator", "PATCH", path, {"treating_physician": refs["other_member"]})
    assert response.status_code == 400, response.content[:300]
    assert response.json()["errors"][0] == {
        "field": "treating_physician",
        "code": "does_not_exist",
        "message": f"Object with public_id={refs['other_member']} does not exist.",
    }
    assert Case.objects.get(pk=world.community_case.pk).treating_physician_id is None


def test_staff_without_superuser_cannot_read_the_audit_log(world):
    """SPEC §3: "a superuser is admin"; §6: the audit log is for admins only. ``is_staff`` alone is not admin."""
    staff = UserFactory(username="staff", institution=world.community, is_staff=True)
    response = world.client(staff).get("/api/v1/audit-events/")
    assert response.status_code == 403, "a staff user reads every institution's audit log (patient ids, IPs)"


# --- The matrix is complete and countable ----------------------------------------------------------------


def test_every_api_route_is_in_the_matrix(capsys):
    """Every route of config/api.py has rows here or in test_authorization_matrix_{scheduling,second_opinions}.py."""
    files = (scheduling, second_opinions)
    endpoints = [*ENDPOINTS, *(e for f in files for e in f.ENDPOINTS)]
    missing = api_route_names() - covered_route_names(endpoints)
    assert not missing, f"routes with no row in the authorization matrix: {sorted(missing)}"

    rows = len(MATRIX) + sum(len(f.MATRIX) for f in files)
    lists = len(LIST_ROWS) + sum(len(f.LIST_ROWS) for f in files) + len(scheduling.AGENDA_ROWS)
    leaks = len(FOREIGN) + len(FOREIGN_IN_PAYLOAD) + sum(len(f.FOREIGN) + len(f.FOREIGN_IN_PAYLOAD) for f in files)
    with capsys.disabled():
        print(
            f"\nauthorization matrix: {len(endpoints)} endpointxmethod rows"
            f" x {len(ROLES)} roles = {rows} combinations, + {lists} list-scope + {leaks} non-leak checks"
            f" = {rows + lists + leaks}"
        )
    assert len(MATRIX) >= 700 and len(scheduling.MATRIX) >= 400 and len(second_opinions.MATRIX) >= 120
