"""The case list (/cases/): only the cases the user sees, searched by name or MRN (a search is audited without
its term), filtered with the API's filters, sorted, paged with links that keep the filters, at a fixed number of
queries; an unknown filter value is left out with a message, never a 500."""

from __future__ import annotations

import datetime
import json
import re

import pytest

from cases.models import Case, Patient
from cases.pages.case_list import PAGE_SIZE
from scheduling.models import AgendaItem
from tests.factories import CaseFactory, MeetingFactory, PatientFactory, UserFactory
from tests.pages.markup import assert_refused
from tumorboard.forms import DEVELOPER_PHRASES
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/cases/"


@pytest.fixture(autouse=True)
def _known_names(world):
    """The world's patients get names no search or sort here stumbles on (the factory's are random)."""
    for n, case in enumerate((world.case, world.other_case, world.community_case, world.community2_case)):
        Patient.objects.filter(pk=case.patient_id).update(name=f"Kim Fixed{n}")
        case.patient.refresh_from_db()


def patient_case(world, name: str, mrn: str, **fields) -> Case:
    patient = PatientFactory(institution=world.academic, name=name, mrn=mrn)
    owner = {"institution": world.academic, "board": world.board, "created_by": world.member}
    return CaseFactory(patient=patient, **owner, **fields)


def names(response) -> list[str]:
    """The patients of the table's rows, in order."""
    return [c.patient.name for c in response.context["cases"]]


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_list_shows_the_cases_the_user_sees_and_no_other_institutions(client, world):
    world.board.timezone = "America/New_York"
    world.board.save()
    meeting = MeetingFactory(board=world.board, starts_at=datetime.datetime(2027, 1, 12, 12, 0, tzinfo=datetime.UTC))
    Case.objects.filter(pk=world.case.pk).update(meeting=meeting, urgency="urgent", status="scheduled")
    client.force_login(world.member)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert names(response) == [world.case.patient.name]  # not the thoracic board's, nor the hospitals'
    row = re.search(r"<tbody>(.*)</tbody>", body, re.S).group(1)
    for shown in (world.case.patient.mrn, "Breast", "IIA", "Scheduled", "Urgent", "Breast", "2027-01-12 07:00 EST"):
        assert shown in row, shown
    assert "scheduled" not in row.replace('class="badge scheduled"', "")  # labels, not codes
    assert f'href="/cases/{world.case.public_id}/"' in row
    assert 'href="/cases/new/"' in body  # the care team of an institution creates cases

    client.force_login(world.referrer2)
    response = client.get(LIST)
    assert names(response) == [world.community2_case.patient.name]
    assert world.case.patient.name not in response.content.decode()
    assert client.get(f"/cases/{world.case.public_id}/").status_code == 404  # a guessed id is no case


def test_the_list_is_audited_as_a_listing_of_the_cases_shown(client, world):
    client.force_login(world.member)
    client.get(LIST)
    rows = AuditEvent.objects.filter(user=world.member, action="list", detail__view="case list")
    assert {r.object_id for r in rows} == {str(world.case.public_id)}
    assert not AuditEvent.objects.filter(action="search").exists()  # no search was made


def test_a_search_by_name_or_mrn_is_an_audited_phi_search_that_does_not_keep_the_term(client, world):
    jane = patient_case(world, "Jane Q. Smithers", "ACC-778812")
    patient_case(world, "Robert Jones", "ACC-100200")
    client.force_login(world.member)
    for term in ("smithers jane", "SMITH", "acc-7788"):
        assert names(client.get(LIST, {"q": term})) == ["Jane Q. Smithers"], term
    assert names(client.get(LIST, {"q": "nobody-here"})) == []
    searches = list(AuditEvent.objects.filter(user=world.member, action="search").order_by("id"))
    assert [s.detail for s in searches] == [{"view": "case list", "matches": n} for n in (1, 1, 1, 0)]
    assert all(s.object_type == "cases.case" and s.patient_id is None for s in searches)
    listed = AuditEvent.objects.filter(user=world.member, action="list", object_id=str(jane.public_id))
    assert listed.count() == 3 and {r.request_id for r in listed} <= {s.request_id for s in searches}
    everything = json.dumps(list(AuditEvent.objects.values("object_id", "detail")))
    for term in ("smithers", "SMITH", "acc-7788", "nobody-here"):
        assert term.lower() not in everything.lower()


def test_a_search_finds_only_among_the_cases_the_user_sees(client, world):
    client.force_login(world.referrer2)
    assert names(client.get(LIST, {"q": world.case.patient.mrn})) == []
    assert AuditEvent.objects.get(user=world.referrer2, action="search").detail["matches"] == 0


def test_filters_by_status_board_site_urgency_and_meeting(client, world):
    meeting = MeetingFactory(board=world.board)
    lung = patient_case(world, "Lung Patient", "ACC-2", primary_site="lung", urgency="urgent", status="submitted")
    on_meeting = patient_case(world, "Meeting Patient", "ACC-3", meeting=meeting, status="scheduled")
    client.force_login(world.coordinator)  # sees every case of the breast board
    assert names(client.get(LIST, {"status": "submitted"})) == [lung.patient.name]
    assert names(client.get(LIST, {"primary_site": "lung"})) == [lung.patient.name]
    assert names(client.get(LIST, {"urgency": "urgent"})) == [lung.patient.name]
    assert names(client.get(LIST, {"meeting": str(meeting.public_id)})) == [on_meeting.patient.name]
    assert len(names(client.get(LIST, {"board": str(world.board.public_id)}))) == 3
    assert names(client.get(LIST, {"board": str(world.other_board.public_id)})) == []
    response = client.get(LIST, {"status": "", "board": "", "primary_site": "", "urgency": "", "meeting": ""})
    assert len(names(response)) == 3 and response.context["errors"] == {}  # "any" everywhere
    body = client.get(LIST).content.decode()
    assert f'<option value="{meeting.public_id}">' in body and f'<option value="{world.board.public_id}">' in body
    assert str(world.other_board.public_id) not in body  # only boards the user has cases on


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "bogus"}, "status"),
        ({"board": "not-a-uuid"}, "board"),
        ({"primary_site": "elbow"}, "primary_site"),
        ({"urgency": "soon"}, "urgency"),
        ({"meeting": "12"}, "meeting"),
    ],
)
def test_an_unknown_filter_value_is_left_out_with_a_message_and_the_rest_applies(client, world, params, field):
    patient_case(world, "Lung Patient", "ACC-2", primary_site="lung")
    client.force_login(world.coordinator)
    response = client.get(LIST, {**params, "q": "lung"})
    assert response.status_code == 200
    assert names(response) == ["Lung Patient"]  # the search still applies
    body = response.content.decode()
    assert_refused(body, field)
    assert "is not one the list offers" in body
    assert [phrase for phrase in DEVELOPER_PHRASES if phrase in body] == []


def test_a_search_term_too_long_is_refused_in_place(client, world):
    client.force_login(world.member)
    response = client.get(LIST, {"q": "x" * 101})
    assert response.status_code == 200
    assert_refused(response.content.decode(), "q")
    assert not AuditEvent.objects.filter(action="search").exists()


def test_columns_sort_both_ways_and_an_unknown_sort_is_refused(client, world):
    patient_case(world, "Aaron Alpha", "ACC-1")
    patient_case(world, "Zoe Zulu", "ACC-9")
    client.force_login(world.member)
    ascending = names(client.get(LIST, {"sort": "patient"}))
    assert ascending == sorted(ascending) and ascending[0] == "Aaron Alpha"
    response = client.get(LIST, {"sort": "-patient"})
    assert names(response) == ascending[::-1]
    assert re.search(r'<th scope="col" aria-sort="descending"><a href="\?sort=patient">Patient', response.text)
    response = client.get(LIST, {"sort": "secret"})
    assert response.status_code == 200 and len(names(response)) == 3
    assert "That sort order is not one the list offers" in response.content.decode()
    assert "secret" not in response.content.decode()  # not carried on by the column links


def test_pages_of_a_fixed_size_with_links_that_keep_the_search_and_filters(client, world):
    for n in range(PAGE_SIZE + 3):
        patient_case(world, f"Paged Patient {n:02d}", f"PG-{n:03d}", urgency="urgent")
    client.force_login(world.member)
    params = {"q": "paged", "urgency": "urgent", "sort": "mrn"}
    first = client.get(LIST, params)
    assert len(names(first)) == PAGE_SIZE and names(first)[0] == "Paged Patient 00"
    next_link = re.search(r'<a href="\?([^"]+)">Next page</a>', first.text).group(1).replace("&amp;", "&")
    assert sorted(next_link.split("&")) == ["page=2", "q=paged", "sort=mrn", "urgency=urgent"]
    second = client.get(f"{LIST}?{next_link}")
    assert names(second) == [f"Paged Patient {n:02d}" for n in range(PAGE_SIZE, PAGE_SIZE + 3)]
    assert "Previous page" in second.text
    assert client.get(LIST, {**params, "page": "999"}).context["page"].number == 2  # past the end: the last page


def test_the_empty_states_say_what_to_do(client, world):
    clinician = UserFactory(institution=world.academic, specialty="medical_oncology")
    client.force_login(clinician)
    body = client.get(LIST).content.decode()
    assert "You have no cases yet." in body and 'href="/cases/new/"' in body
    body = client.get(LIST, {"q": "nobody"}).content.decode()
    assert "No case matches the search." in body and "Show all cases" in body


# the session, the user, their memberships, the count, the page's rows, the search's audit row and the rows'
# (one INSERT), the boards and meetings the filters offer, the header's institution, the session's save and its
# savepoint (a read runs in no transaction), the menu's count of open review tasks
QUERIES = 13


def test_the_list_costs_the_same_queries_for_a_few_cases_and_a_full_page(client, world, django_assert_num_queries):
    client.force_login(world.coordinator)
    params = {"q": "q-", "status": "draft", "board": str(world.board.public_id), "sort": "meeting"}
    meeting = MeetingFactory(board=world.board)

    def rows(n):
        for i in range(n):
            patient_case(world, f"Anna {i}", f"Q-{n}-{i}", meeting=meeting)

    rows(2)
    client.get(LIST, params)  # the session and the user's memberships are warm, as on any page after the first
    with django_assert_num_queries(QUERIES):
        small = client.get(LIST, params)
    rows(PAGE_SIZE + 5)
    with django_assert_num_queries(QUERIES):
        large = client.get(LIST, params)
    assert len(names(small)) == 2 and len(names(large)) == PAGE_SIZE


def test_from_the_list_a_community_physician_reaches_their_case_and_no_page_they_may_not_see(client, world):
    """Their case on an academic board's meeting: the list and the case page show its time, with no link to the
    meeting's page (a 404 for them)."""
    meeting = MeetingFactory(board=world.board)
    case = world.community_case
    Case.objects.filter(pk=case.pk).update(board=world.board, meeting=meeting, status="scheduled")
    AgendaItem.objects.create(meeting=meeting, case=case, position=1, minutes=10)
    client.force_login(world.referrer)
    assert meeting.local_start in client.get(LIST).content.decode()
    body = client.get(f"/cases/{case.public_id}/").content.decode()
    assert meeting.local_start in body and f"/meetings/{meeting.public_id}/" not in body
    assert client.get(f"/meetings/{meeting.public_id}/").status_code == 404
    client.force_login(world.coordinator)
    assert f'href="/meetings/{meeting.public_id}/"' in client.get(f"/cases/{case.public_id}/").content.decode()
