"""What the authorization matrix files (tests/api/test_authorization_matrix*.py) share: the roles of the world,
the declarative ``Endpoint`` row, ``Refs`` (placeholder → public id) and the one check every row goes through."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve
from django.utils import timezone

from cases.lifecycle import agenda as scheduling_services
from cases.models import Case, ChangeRecord, FollowUp, Plan, PlanComponent, Review, ReviewTask, SecondOpinion
from cases.services import second_opinions
from cases.services.comments import comment_create
from cases.services.documents import document_create
from scheduling.models import Board, Meeting
from tests.factories import CaseFactory, TrialFactory

ROLES = ("anon", "coordinator", "chair", "member", "other_member", "referrer", "referrer2", "admin")
EVERYONE = " ".join(ROLES[1:])
ACADEMIC = "coordinator chair member other_member admin"
NOT_FOUND = {"errors": [{"field": None, "code": "not_found", "message": "Not found."}]}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
YESTERDAY = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

# agenda items made on demand: placeholder -> (the world's case, the meeting whose agenda it is put on)
ITEMS = {
    "item": ("case", "meeting"),
    "routed_item": ("community_case", "meeting"),
    "other_item": ("other_case", "other_meeting"),
}


def _plan(case, admin, kind: str = "board") -> Plan:
    consensus = "unanimous" if kind == "board" else ""
    plan = Plan.objects.create(
        case=case, kind=kind, version=1, intent="curative", consensus=consensus, created_by=admin
    )
    PlanComponent.objects.create(plan=plan, position=1, modality="surgery")
    return plan


def _change(case, admin) -> ChangeRecord:
    plan = _plan(case, admin)
    board = case.board or Board.objects.earliest("id")  # a community case's record as if routed
    return ChangeRecord.objects.create(
        case=case, board=board, basis="none", to_plan=plan, decided_at=timezone.now(), changed=False, summary="-"
    )


def _follow_up(case, admin) -> FollowUp:
    return FollowUp.objects.create(case=case, plan=_plan(case, admin), implemented="yes", recorded_by=admin)


def _review(case, admin) -> Review:
    return Review.objects.create(case=case, kind="navigation", author=admin, specialty="nurse_navigation", findings="-")


def _task(case, admin) -> ReviewTask:
    """The case's medical-oncology review task (the world's `member`, the board's one medical oncologist, holds it),
    written by the case's placement on its board's meeting."""
    meeting = Meeting.objects.filter(board=case.board).earliest("id")
    Case.objects.filter(pk=case.pk).update(status="submitted")
    scheduling_services.agenda_add(user=admin, meeting=meeting, case=Case.objects.get(pk=case.pk))
    return ReviewTask.objects.get(case=case, specialty="medical_oncology")


# read-only objects made on demand, placeholder prefix -> maker(case, admin)
RECORDS = {"review": _review, "plan": _plan, "change": _change, "followup": _follow_up, "task": _task}

# second opinions made on demand: placeholder -> (the requesting hospital's case, its requester, its primary site).
# Requested to the academic center and routed (the task's work, done here: on_commit never runs in a test), by site:
# breast → the Breast board, lung → the Thoracic board, melanoma → no board (the center's coordinators choose one).
SECOND_OPINIONS = {
    "so": ("community_case", "referrer", "breast"),
    "so2": ("community2_case", "referrer2", "lung"),
    "so_unassigned": ("", "referrer", "melanoma"),  # a case of its own, made for it
}


def _second_opinion(world, key: str) -> SecondOpinion:
    """The request behind ``key``, made and routed once (another ``Refs`` of the same test finds it again)."""
    case_key, requester, site = SECOND_OPINIONS[key]
    user = getattr(world, requester)
    if case_key:
        case = getattr(world, case_key)
    else:
        case = Case.objects.filter(created_by=user, primary_site=site).first()
        case = case or CaseFactory(institution=user.institution, created_by=user, primary_site=site)
    existing = SecondOpinion.objects.filter(case=case).first()
    if existing is not None:
        return existing
    Case.objects.filter(pk=case.pk).update(primary_site=site)
    request = second_opinions.second_opinion_request(
        user=user,
        case=case,
        target_institution=world.academic,
        questions=["Is adjuvant therapy indicated?"],
        reason="The patient asks for an expert opinion.",
        urgency="routine",
    )
    second_opinions.second_opinion_route(request_id=request.pk)
    return SecondOpinion.objects.get(pk=request.pk)


def minus(roles: str, taken: str) -> str:
    return " ".join(r for r in roles.split() if r not in taken.split())


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # "{key}" placeholders resolve through Refs
    ok: str = ""  # roles that get `code`
    code: int = 200
    deny: str = ""  # roles that see the object but may not do this: 403
    also: str = ""  # special answers, "role=status ..."
    others: int = 404  # every other signed-in role
    anon: int = 401
    payload: Callable[..., dict] | dict | None = None  # payload(world), or a dict whose "{key}" strings go through Refs
    fmt: str = "json"
    subject: str = ""  # a world case or meeting ("case", "meeting", ...) put in `state` first; unchanged on an error
    state: str = ""
    given: Callable[..., None] | None = None  # given(world, refs): more world before the request, named in the id
    note: str = ""  # tells apart rows of the same method, path and state in the test id
    field: str = ""  # the field a 400 names (its one error), when it is checked

    def expected(self, role: str) -> int:
        special = dict(item.split("=") for item in self.also.split())
        if role == "anon":
            return self.anon
        if role in special:
            return int(special[role])
        if role in self.ok.split():
            return self.code
        return 403 if role in self.deny.split() else self.others

    def label(self) -> str:
        state = f" @{self.state}" if self.state else ""
        given = f" +{self.given.__name__}" if self.given else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.method} {self.path}{state}{given}{note}"


def matrix(endpoints: Iterable[Endpoint]) -> tuple[list[tuple[Endpoint, str, int]], list[str]]:
    """One (endpoint, role, expected status) row per combination, and its test id."""
    rows = [(e, role, e.expected(role)) for e in endpoints for role in ROLES]
    return rows, [f"{e.label()} {role}->{code}" for e, role, code in rows]


class Refs(dict):
    """``{key}`` of a path → public id: world objects, meetings, agenda items (``ITEMS``), ``doc_<case>``,
    ``comment_<case>``, the ``RECORDS`` and the ``SECOND_OPINIONS`` (made on demand); ``objects`` keeps the object
    behind each key."""

    def __init__(self, world):
        super().__init__()
        self.world = world
        self.objects: dict[str, Any] = {}

    def __missing__(self, key: str) -> str:
        world, admin = self.world, self.world.admin
        if key.startswith("doc_"):
            upload = SimpleUploadedFile("seed.pdf", PDF, content_type="application/pdf")
            case = getattr(world, key.removeprefix("doc_"))
            obj = document_create(user=admin, case=case, upload=upload, kind="imaging", title="CT", date=YESTERDAY)
        elif key.startswith("comment_"):
            case = getattr(world, key.removeprefix("comment_"))
            obj = comment_create(user=admin, case=case, body="Seen.", kind="general")
        elif key.split("_", 1)[0] in RECORDS:  # review_, plan_, change_, followup_<case>: made directly, for reads
            kind, case_key = key.split("_", 1)
            obj = RECORDS[kind](getattr(world, case_key), admin)
        elif key in SECOND_OPINIONS:
            obj = _second_opinion(world, key)
        elif key == "trial":  # a clinical trial of the academic center
            obj = TrialFactory(institution=world.academic)
        elif key.endswith("meeting"):  # the meeting the world fixture made for the board
            board = world.board if key == "meeting" else world.other_board
            obj = Meeting.objects.filter(board=board).earliest("id")
        elif key in ITEMS:  # the case, submitted (and routed to the meeting's board), put on the agenda by an admin
            case_key, meeting_key = ITEMS[key]
            self[meeting_key]
            meeting = self.objects[meeting_key]
            case = getattr(world, case_key)
            Case.objects.filter(pk=case.pk).update(status="submitted", board=meeting.board)
            obj = scheduling_services.agenda_add(user=admin, meeting=meeting, case=case)
        else:
            obj = getattr(world, key)
        self.objects[key] = obj
        self[key] = str(obj.public_id)
        return self[key]

    def subject(self, key: str):
        """A queryset of the one object behind ``key``, to set or read its status."""
        self[key]
        obj = self.objects[key]
        return type(obj).objects.filter(pk=obj.pk)


def fill(payload, refs: Refs):
    """A payload with its "{key}" strings (also inside lists and dicts) replaced by public ids."""
    if isinstance(payload, str):
        return payload.format_map(refs)
    if isinstance(payload, list):
        return [fill(value, refs) for value in payload]
    if isinstance(payload, dict):
        return {key: fill(value, refs) for key, value in payload.items()}
    return payload


def call(world, role: str, method: str, path: str, payload=None, fmt: str = "json"):
    client = world.client(None if role == "anon" else getattr(world, role))
    if method in {"GET", "DELETE"}:
        return getattr(client, method.lower())(path)
    return getattr(client, method.lower())(path, payload, format=fmt)


def check(world, endpoint: Endpoint, role: str, expected: int) -> None:
    """Put the world in the row's state, make the request as ``role`` and check the answer and what it left."""
    refs = Refs(world)
    path = endpoint.path.format_map(refs)
    payload = endpoint.payload(world) if callable(endpoint.payload) else fill(endpoint.payload, refs)
    subject = refs.subject(endpoint.subject) if endpoint.subject else None
    if subject is not None and endpoint.state:
        subject.update(status=endpoint.state)  # after the placeholders: an agenda item is made on an open meeting
    if endpoint.given:
        endpoint.given(world, refs)
    response = call(world, role, endpoint.method, path, payload, endpoint.fmt)
    assert response.status_code == expected, (role, path, response.content[:300])
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    elif expected == 404:
        assert response.json() == NOT_FOUND  # nothing in the body tells "exists" from "does not"
    elif expected == 403:
        assert response.json()["errors"][0]["code"] == "permission_denied"
    elif expected == 400 and endpoint.field:
        assert [error["field"] for error in response.json()["errors"]] == [endpoint.field], response.content[:300]
    if subject is not None and endpoint.state and expected >= 400:
        assert subject.get().status == endpoint.state  # nothing moved


def list_rows(lists: dict[str, dict[str, str]]) -> list[tuple[str, str, str]]:
    """``{path: {"role role": "key key"}}`` → one (path, role, keys) row per role."""
    return [
        (path, role, keys) for path, groups in lists.items() for roles, keys in groups.items() for role in roles.split()
    ]


def check_list(world, path: str, role: str, keys: str) -> None:
    """A paginated list answers exactly the objects behind ``keys``."""
    refs = Refs(world)
    sep = "&" if "?" in path else "?"
    response = call(world, role, "GET", f"{path.format_map(refs)}{sep}page_size=100")
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert {item["id"] for item in body["results"]} == {refs[k] for k in keys.split()}
    assert body["count"] == len(keys.split())


def api_route_names() -> set[str]:
    """The names of every route of config/api.py."""
    from config import api

    names: set[str] = set()

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            elif pattern.name:
                names.add(pattern.name)

    walk(api.urlpatterns)
    return names


def covered_route_names(endpoints: Iterable[Endpoint]) -> set[str]:
    any_id = type("AnyId", (dict,), {"__missing__": lambda self, key: str(uuid.UUID(int=1))})()
    return {resolve(e.path.format_map(any_id).split("?")[0]).url_name for e in endpoints}
