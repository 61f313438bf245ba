"""Every refusal a page shows is written for a clinician.

Each page is opened as the person who uses it, every form on it is read from its HTML (as a browser would) and
submitted with what people get wrong: everything blank, words where numbers, dates and choices belong, and text far
too long. The answers must refuse (a 400 next to the field for most) and must not contain one of the phrasings DRF
and Django write for developers (``tumorboard.forms.DEVELOPER_PHRASES``). Every form class of the pages must have
been bound along the way, so a new form is covered when its page is listed here.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from django.utils import timezone

from cases.codes import CaseStatus
from cases.lifecycle.agenda import agenda_add, meeting_transition
from cases.lifecycle.second_opinions import second_opinion_transition
from scheduling.attendance import attendance_check_in
from scheduling.models import Meeting
from specialists.models import BoardMembership, BoardRole, Specialty
from tests.conftest import meeting_start
from tests.factories import CaseFactory, MeetingFactory, TrialFactory, UserFactory
from tests.pages.test_case_page import pathologist, proposed
from tests.pages.test_follow_up_page import due_plan
from tests.pages.test_portal import routed_request
from tests.scheduling.test_cme import _credit
from tumorboard import forms as page_forms
from tumorboard.forms import DEVELOPER_PHRASES

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TOO_LONG = "x" * 30_000


class Forms(HTMLParser):
    """The forms of a page: method, action, whether htmx posts it, and its named controls."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append(
                {"method": method, "action": attrs.get("action") or "", "htmx": "hx-post" in attrs, "fields": []}
            )
        elif self.forms and tag in ("input", "textarea", "select") and attrs.get("name"):
            kind = attrs.get("type", "text") if tag == "input" else tag
            field = {"name": attrs["name"], "kind": kind, "value": attrs.get("value") or "", "options": []}
            self.forms[-1]["fields"].append(field)
            self.select = field if tag == "select" else None
        elif tag == "option" and self.select is not None:
            self.select["options"].append(attrs.get("value") or "")


def forms_of(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def variants(form: dict) -> list[tuple[str, dict]]:
    """What people get wrong, as a posted body (files included)."""
    out = []
    for name in ("blank", "words", "too long"):
        data: dict = {}
        for field in form["fields"]:
            key, kind = field["name"], field["kind"]
            if key == "csrfmiddlewaretoken" or kind in ("submit", "button"):
                continue
            if kind == "hidden":
                data.setdefault(key, [] if name == "blank" else ["banana"])
                continue
            if kind == "file":
                if name != "blank":
                    data[key] = SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf")
                continue
            value = {"blank": "", "words": "banana", "too long": TOO_LONG}[name]
            if kind in ("number", "date") and name == "too long":
                value = "99999999999" if kind == "number" else "2026-13-45"
            data[key] = value
        out.append((name, data))
    return out


@pytest.fixture
def bound(monkeypatch):
    """The page form classes bound to posted data while the test runs."""
    seen: set[type] = set()
    original = page_forms.Form.__init__

    def record(self, data=None, *args, **kwargs):
        if data is not None:
            seen.add(type(self))
        original(self, data, *args, **kwargs)

    monkeypatch.setattr(page_forms.Form, "__init__", record)
    return seen


def page_form_classes() -> set[type]:
    """Every form class of the pages (the URLconf has imported them all)."""
    get_resolver().url_patterns  # noqa: B018 - imports every page module
    found, todo = set(), [page_forms.Form]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found.add(sub)
            todo.append(sub)
    return {cls for cls in found if not cls.__module__.startswith("tumorboard.")}


def submit_every_form(client, path: str) -> dict[str, list[int]]:
    """Submit each form of the page at ``path`` with every variant; answer {form action: [statuses]} after checking
    that no answer speaks to a developer."""
    page = client.get(path)
    assert page.status_code == 200, path
    statuses: dict[str, list[int]] = defaultdict(list)
    forms = forms_of(page.content.decode())
    assert forms, f"no form on {path}"
    for form in forms:
        action = form["action"] or path
        if action.startswith("/accounts/"):
            continue  # signing out refuses nothing
        for name, data in variants(form):
            for headers in ({}, HTMX) if form["htmx"] else ({},):
                if form["method"] == "get":
                    response = client.get(action, {k: v for k, v in data.items() if not hasattr(v, "read")})
                else:
                    response = client.post(action, data, **headers)
                body = response.content.decode(errors="replace")
                spoken = [phrase for phrase in DEVELOPER_PHRASES if phrase in body]
                assert not spoken, f"{form['method'].upper()} {action} ({name}) answered {spoken}"
                statuses[f"{form['method']} {action}"].append(response.status_code)
                for file in (v for v in data.values() if hasattr(v, "seek")):
                    file.seek(0)
    return statuses


def pages(world) -> list[tuple[object, str]]:
    """(user, path) of every page with a form, in a state where its forms show."""
    case = world.case
    proposed(world, case)
    patho = pathologist(world)
    meeting = Meeting.objects.get(board=world.board)
    waiting, placed, second, presented = (
        CaseFactory(
            institution=world.academic,
            board=world.board,
            created_by=world.member,
            status=CaseStatus.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for _ in range(4)
    )
    agenda_add(user=world.coordinator, meeting=meeting, case=placed)
    agenda_add(user=world.coordinator, meeting=meeting, case=second)  # two items: up and down
    MeetingFactory(board=world.board)  # a later meeting to move an item to
    navigator = UserFactory(username="navi", institution=world.academic, specialty=Specialty.NURSE_NAVIGATION)
    BoardMembership.objects.create(user=navigator, board=world.board, role=BoardRole.MEMBER)
    due_plan(world)
    incoming = routed_request(world)
    asking = routed_request(world, case=CaseFactory(institution=world.community, created_by=world.referrer))
    second_opinion_transition(user=world.coordinator, request=asking, action_name="request-info", message="Slides?")
    running = MeetingFactory(board=world.board, starts_at=timezone.now() + datetime.timedelta(minutes=30))
    agenda_add(user=world.coordinator, meeting=running, case=presented)
    meeting_start(running, by=world.coordinator)
    attendance_check_in(user=world.coordinator, meeting=running, target=world.member)
    assert waiting.status == CaseStatus.SUBMITTED  # waits: the agenda builder offers it
    _credit(world.board)  # a held meeting with credit: the member who checked in is offered the attestation
    held = MeetingFactory(board=world.board, starts_at=timezone.now() - datetime.timedelta(hours=3))
    meeting_start(held, by=world.coordinator)
    attendance_check_in(user=world.member, meeting=held)
    meeting_transition(user=world.coordinator, meeting=held, action_name="complete")
    return [
        (world.member, f"/meetings/{held.public_id}/"),
        (world.coordinator, "/cme/roster/"),
        (world.member, f"/cases/{case.public_id}/profile/"),  # before the case page's actions move the case on
        (world.member, f"/cases/{case.public_id}/"),
        (patho, f"/cases/{placed.public_id}/"),
        (world.coordinator, f"/meetings/{meeting.public_id}/"),
        (world.coordinator, f"/meetings/{running.public_id}/"),
        (world.member, "/inbox/"),
        (world.member, "/tasks/"),
        (navigator, "/follow-up/"),
        (world.member, "/analytics/"),
        (world.coordinator, "/analytics/accreditation/"),
        (world.member, "/calendar/"),
        (world.member, "/cases/"),
        (world.member, "/cases/new/"),
        (world.coordinator, "/cases/import/"),
        (world.referrer, "/second-opinions/new/"),
        (world.referrer, f"/second-opinions/{asking.public_id}/"),
        (world.coordinator, f"/second-opinions/{incoming.public_id}/"),
        (world.coordinator, "/boards/new/"),
        (world.coordinator, f"/boards/{world.board.public_id}/"),
        (world.coordinator, "/trials/new/"),
        (world.coordinator, f"/trials/{TrialFactory(institution=world.academic).public_id}/"),
    ]


def test_every_form_refuses_in_words_for_clinicians(client, world, bound):
    refused = {}
    for user, path in pages(world):
        client.force_login(user)
        for form, statuses in submit_every_form(client, path).items():
            refused[form] = refused.get(form, False) or any(400 <= s < 500 for s in statuses)
    assert sum(refused.values()) >= 15, refused
    missing = {cls.__name__ for cls in page_form_classes() - bound}
    assert not missing, f"page forms never submitted here: {sorted(missing)}"
