"""The boards pages: the list, a new board, the board page with its settings (the recurrence in words ↔ the stored
RRULE), the preview of the next six meetings in local time across a daylight-saving change, and the members with
their roles; who may see and change them."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from scheduling.models import Board, Meeting
from specialists.models import BoardMembership, BoardRole, Specialty
from tests.factories import BoardFactory, MembershipFactory, UserFactory
from tests.pages.markup import Page, assert_refused
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
UTC = datetime.UTC


def url(board, tail=""):
    return f"/boards/{board.public_id}/{tail}"


def settings_of(**changes) -> dict:
    """A complete settings form as the page posts it: every Tuesday at 07:30 in Berlin."""
    form = {
        "name": "Sarcoma",
        "disease_sites": ["sarcoma"],
        "required_specialties": ["pathology", "radiology"],
        "timezone": "Europe/Berlin",
        "pattern": "weekly",
        "weekdays": ["TU"],
        "weeks": "1",
        "nth": "1",
        "month_weekday": "MO",
        "rule": "",
        "start_time": "07:30",
        "duration_minutes": "60",
        "minutes_per_case": "10",
        "cutoff": "2",
        "cutoff_unit": "days",
        "video_url": "",
        "action": "save",
    }
    return form | changes


@pytest.fixture
def late_october(monkeypatch):
    """'Now' before the end of summer time in Europe (25 October 2026) and in the US (1 November 2026)."""
    now = datetime.datetime(2026, 10, 12, 9, 0, tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    return now


def form_of(world, board=None, **changes) -> dict:
    """The settings form of ``board`` (default: the Breast board) as its page shows it, with ``changes``."""
    board = board or world.board
    saved = {
        "name": board.name,
        "disease_sites": board.disease_sites,
        "required_specialties": board.required_specialties,
        "timezone": board.timezone,
        "start_time": f"{board.start_time:%H:%M}",
        "cutoff": str(board.submission_cutoff_hours),
        "cutoff_unit": "hours",
    }
    return settings_of(**(saved | changes))


def html_of(response) -> str:
    return response.content.decode()


def checked(html: str, name: str) -> set[str]:
    """The values of the ticked checkboxes and radios named ``name``."""
    page = Page()
    page.feed(html)
    return {f["value"] for f in page.fields if f.get("name") == name and "checked" in f}


# --- who sees what ---------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, world):
    for path in ("/boards/", "/boards/new/", url(world.board)):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["referrer", "referrer2"])
def test_other_institutions_get_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(url(world.board)).status_code == 404
    assert client.get(url(world.board, "preview/")).status_code == 404
    response = client.post(url(world.board), form_of(world, name="Taken over"))
    assert response.status_code == 404
    assert client.post(url(world.board, "members/"), {"user": str(world.referrer.public_id)}).status_code == 404
    world.board.refresh_from_db()
    assert world.board.name == "Breast"
    assert world.board.name not in html_of(client.get("/boards/"))


def test_only_coordinators_get_the_menu_link_and_the_new_board_page(client, world):
    client.force_login(world.coordinator)
    assert 'href="/boards/"' in html_of(client.get("/calendar/"))
    assert "New board" in html_of(client.get("/boards/"))
    for who in (world.member, world.chair, world.referrer):
        client.force_login(who)
        assert 'href="/boards/"' not in html_of(client.get("/calendar/"))
        assert "New board" not in html_of(client.get("/boards/"))
        assert client.get("/boards/new/").status_code == 403
        assert client.post("/boards/new/", settings_of()).status_code == 403
    assert not Board.objects.filter(name="Sarcoma").exists()


def test_a_member_sees_the_board_but_cannot_change_it(client, world):
    client.force_login(world.member)
    html = html_of(client.get(url(world.board)))
    assert "Every week on Tuesday at 07:00" in html and world.coordinator.name in html
    assert "Save settings" not in html and "Add to the board" not in html and "Remove" not in html
    response = client.post(url(world.board), form_of(world, name="Renamed"))
    assert response.status_code == 403
    assert "Only the board&#x27;s coordinators change it." in html_of(response)
    response = client.post(url(world.board, "members/"), {"user": str(world.other_member.public_id), "role": "member"})
    assert response.status_code == 403
    world.board.refresh_from_db()
    assert world.board.name == "Breast" and not world.board.memberships.filter(user=world.other_member).exists()


def test_a_coordinator_of_another_board_sees_this_one_but_does_not_change_it(client, world):
    other = UserFactory(username="thoraciccoord", institution=world.academic)
    MembershipFactory(user=other, board=world.other_board, role=BoardRole.COORDINATOR)
    client.force_login(other)
    assert client.get(url(world.board)).status_code == 200
    assert client.post(url(world.board), form_of(world, name="Renamed")).status_code == 403
    response = client.post(url(world.board, f"members/{world.member.public_id}/remove/"), **HTMX)
    assert response.status_code == 403
    assert world.board.memberships.filter(user=world.member).exists()


# --- the list ----------------------------------------------------------------------------------------------------


def test_the_list_shows_the_coordinator_s_boards_first_in_words(client, world, django_assert_num_queries):
    BoardFactory(name="Alpha", institution=world.academic, recurrence="FREQ=MONTHLY;BYDAY=-1FR")
    client.force_login(world.coordinator)
    html = html_of(client.get("/boards/"))
    assert html.index("Breast") < html.index("Alpha") < html.index("Thoracic")  # the one they coordinate first
    assert "Every week on Tuesday at 07:00" in html and "The last Friday of every month at 07:00" in html
    assert f'href="{url(world.board)}"' in html

    def count() -> int:
        client.get("/boards/")  # the session's first read is not the page's
        with django_assert_num_queries(9) as queries:  # 8, and the menu's count of open review tasks
            assert client.get("/boards/").status_code == 200
        return len(queries)

    small = count()
    for n in range(6):
        board = BoardFactory(name=f"Extra {n}", institution=world.academic)
        MembershipFactory(user=world.coordinator, board=board, role=BoardRole.COORDINATOR)
    assert count() == small


# --- a new board ------------------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_board_from_words(client, world):
    client.force_login(world.coordinator)
    html = html_of(client.get("/boards/new/"))
    assert checked(html, "pattern") == {"weekly"} and checked(html, "weekdays") == {"TU"}
    assert '<option value="Europe/Paris" selected>' in html  # the time zone of the board they coordinate
    rows = preview_rows(html)  # the preview of the defaults before anything is typed
    assert len(rows) == 6 and {(day.split()[0], time) for day, time, _ in rows} == {("Tuesday", "07:30")}
    response = client.post("/boards/new/", settings_of(weekdays=["TH", "MO"], weeks="2"))
    board = Board.objects.get(name="Sarcoma")
    assert response.status_code == 302 and response["Location"] == url(board)
    assert board.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"
    assert board.institution == world.academic and board.timezone == "Europe/Berlin"
    assert board.start_time == datetime.time(7, 30) and board.submission_cutoff_hours == 48
    assert board.disease_sites == ["sarcoma"] and board.required_specialties == ["pathology", "radiology"]
    assert board.memberships.get().user == world.coordinator and board.memberships.get().role == BoardRole.COORDINATOR
    assert Meeting.objects.filter(board=board).exists()  # its next weeks are planned
    assert AuditEvent.objects.filter(user=world.coordinator, action="create", object_id=str(board.public_id)).exists()
    assert "Board Sarcoma created" in html_of(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("words", "rule"),
    [
        ({"pattern": "monthly", "nth": "-1", "month_weekday": "FR"}, "FREQ=MONTHLY;BYDAY=-1FR"),
        ({"pattern": "monthly", "nth": "2", "month_weekday": "WE"}, "FREQ=MONTHLY;BYDAY=2WE"),
        ({"pattern": "weekly", "weekdays": ["TU"], "weeks": "1"}, "FREQ=WEEKLY;BYDAY=TU"),
        ({"pattern": "custom", "rule": "FREQ=MONTHLY;BYMONTHDAY=15"}, "FREQ=MONTHLY;BYMONTHDAY=15"),
        ({"pattern": "none"}, ""),
    ],
)
def test_the_words_become_the_rrule(client, world, words, rule):
    client.force_login(world.coordinator)
    assert client.post("/boards/new/", settings_of(**words)).status_code == 302
    assert Board.objects.get(name="Sarcoma").recurrence == rule


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weekdays": []}, "weekdays", "Tick at least one weekday."),
        ({"pattern": "custom", "rule": ""}, "rule", "Write the rule"),
        ({"pattern": "custom", "rule": "FREQ=HOURLY"}, "recurrence", "A board meets at most once a day"),
        ({"cutoff": "8", "cutoff_unit": "days"}, "cutoff", "must be shorter than the interval between meetings"),
        ({"minutes_per_case": "90"}, "minutes_per_case", "A case cannot take longer than the whole meeting."),
        ({"name": "Thoracic"}, "name", "Your institution already has a board with this name."),
        ({"name": " "}, "name", "Give the board a name."),
        ({"start_time": "7.30 am"}, "start_time", "Give the time as HH:MM, e.g. 07:30."),
        ({"video_url": "zoom meeting"}, "video_url", "Give the full address of the video call"),
    ],
)
def test_bad_settings_are_refused_in_place_and_nothing_is_saved(client, world, changes, field, message):
    client.force_login(world.coordinator)
    response = client.post("/boards/new/", settings_of(**changes))
    html = html_of(response)
    assert response.status_code == 400
    assert "Nothing was saved." in html and message in html.replace("&#x27;", "'")
    assert_refused(html, field)
    assert 'value="Sarcoma"' in html or field == "name"  # the form keeps what was typed
    assert not Board.objects.filter(name="Sarcoma").exists()


# --- the board page: the words from the stored rule, and back ----------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "pattern", "boxes", "selected"),
    [
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", "weekly", {"MO", "TH"}, 'id="weeks" name="weeks" value="2"'),
        ("FREQ=MONTHLY;BYDAY=-1FR", "monthly", set(), '<option value="-1" selected>last</option>'),
        ("FREQ=MONTHLY;BYDAY=3TH", "monthly", set(), '<option value="3" selected>third</option>'),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "custom", set(), 'value="FREQ=MONTHLY;BYMONTHDAY=15"'),
    ],
)
def test_the_stored_rule_fills_the_words(client, world, rule, pattern, boxes, selected):
    Board.objects.filter(pk=world.board.pk).update(recurrence=rule, submission_cutoff_hours=72)
    client.force_login(world.coordinator)
    html = html_of(client.get(url(world.board)))
    assert checked(html, "pattern") == {pattern}
    assert checked(html, "weekdays") == boxes
    assert selected in html
    assert 'id="cutoff" name="cutoff" value="3"' in html and '<option value="days" selected>' in html


def test_a_rule_the_words_cannot_say_is_kept_unless_changed(client, world):
    rule = "FREQ=MONTHLY;BYMONTHDAY=15"
    Board.objects.filter(pk=world.board.pk).update(recurrence=rule, submission_cutoff_hours=48)
    client.force_login(world.coordinator)
    html = html_of(client.get(url(world.board)))
    assert "Custom rule FREQ=MONTHLY;BYMONTHDAY=15 at 07:00" in html
    assert (
        client.post(url(world.board), form_of(world, pattern="custom", rule=rule, name="Breast 2")).status_code == 302
    )
    world.board.refresh_from_db()
    assert world.board.recurrence == rule and world.board.name == "Breast 2"
    changed = form_of(world, pattern="weekly", weekdays=["WE"], rule=rule)
    assert client.post(url(world.board), changed).status_code == 302
    world.board.refresh_from_db()
    assert world.board.recurrence == "FREQ=WEEKLY;BYDAY=WE"


def test_saving_the_same_words_keeps_the_rule_as_written_and_the_meetings(client, world):
    Board.objects.filter(pk=world.board.pk).update(recurrence="RRULE:FREQ=WEEKLY;BYDAY=FR,TU")
    meetings = set(Meeting.objects.filter(board=world.board).values_list("pk", flat=True))
    client.force_login(world.coordinator)
    response = client.post(url(world.board), form_of(world, weekdays=["TU", "FR"], name="Breast cancer"))
    assert response.status_code == 302
    world.board.refresh_from_db()
    assert world.board.recurrence == "RRULE:FREQ=WEEKLY;BYDAY=FR,TU" and world.board.name == "Breast cancer"
    assert set(Meeting.objects.filter(board=world.board).values_list("pk", flat=True)) == meetings


def test_changed_words_change_the_rule_and_replan_the_meetings(client, late_october, world):
    client.force_login(world.coordinator)
    response = client.post(url(world.board), form_of(world, weekdays=["WE"], weeks="2", start_time="08:15"))
    assert response.status_code == 302
    world.board.refresh_from_db()
    assert world.board.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"
    paris = ZoneInfo("Europe/Paris")
    planned = [m.starts_at.astimezone(paris) for m in Meeting.objects.filter(board=world.board, one_off=False)]
    generated = [start for start in planned if start > late_october]
    assert generated and {f"{start:%a %H:%M}" for start in generated} == {"Wed 08:15"}
    assert "Board settings saved." in html_of(client.get(url(world.board)))


# --- the preview ---------------------------------------------------------------------------------------------------


def preview_rows(html: str) -> list[str]:
    return re.findall(
        r"<time datetime=\"[^\"]+\"><strong>([^<]+)</strong>, (\d\d:\d\d) <span class=\"muted\">(\w+)</span>", html
    )


def test_the_preview_keeps_the_local_time_across_the_end_of_summer_time(client, world, late_october):
    board = BoardFactory(
        name="Sarcoma", institution=world.academic, timezone="Europe/Berlin", start_time=datetime.time(7, 30)
    )
    MembershipFactory(user=world.coordinator, board=board, role=BoardRole.COORDINATOR)
    client.force_login(world.coordinator)
    html = html_of(client.get(url(board)))
    assert preview_rows(html) == [
        ("Tuesday 13 October 2026", "07:30", "CEST"),
        ("Tuesday 20 October 2026", "07:30", "CEST"),
        ("Tuesday 27 October 2026", "07:30", "CET"),
        ("Tuesday 3 November 2026", "07:30", "CET"),
        ("Tuesday 10 November 2026", "07:30", "CET"),
        ("Tuesday 17 November 2026", "07:30", "CET"),
    ]
    assert html.count("Clocks change before this meeting") == 1
    assert html.index("Clocks change") > html.index("20 October") and html.index("Clocks change") < html.index(
        "27 October"
    )


def test_the_preview_follows_the_form_without_saving(client, late_october, world):
    """htmx asks for the preview as the form changes; without script the Preview button posts the form."""
    client.force_login(world.coordinator)
    words = form_of(world, pattern="monthly", nth="1", month_weekday="TH", timezone="America/New_York")
    words.pop("action")
    response = client.get(url(world.board, "preview/"), words, **HTMX)
    assert response.status_code == 200 and "<html" not in html_of(response)
    rows = preview_rows(html_of(response))
    assert rows[:3] == [
        ("Thursday 5 November 2026", "07:00", "EST"),
        ("Thursday 3 December 2026", "07:00", "EST"),
        ("Thursday 7 January 2027", "07:00", "EST"),
    ]
    assert len(rows) == 6 and rows[-1] == ("Thursday 1 April 2027", "07:00", "EDT")  # New York's spring change
    response = client.post(url(world.board), form_of(world, weekdays=["FR"], start_time="13:00", action="preview"))
    assert response.status_code == 200
    assert preview_rows(html_of(response))[0] == ("Friday 16 October 2026", "13:00", "CEST")
    world.board.refresh_from_db()
    assert world.board.recurrence == "FREQ=WEEKLY;BYDAY=TU"  # nothing saved
    response = client.get("/boards/new/preview/", settings_of(weekdays=[]), **HTMX)
    assert "Complete the schedule above to see its next meetings." in html_of(response)
    response = client.get("/boards/new/preview/", settings_of(name="", weekdays=["MO"]), **HTMX)
    assert preview_rows(html_of(response))[0] == ("Monday 19 October 2026", "07:30", "CEST")  # a blank name aside


def test_the_board_page_costs_the_same_at_any_number_of_members(client, world, django_assert_num_queries):
    client.force_login(world.coordinator)

    def count() -> int:
        client.get(url(world.board))
        with django_assert_num_queries(11) as queries:  # 10, and the menu's count of open review tasks
            assert client.get(url(world.board)).status_code == 200
        return len(queries)

    small = count()
    for n in range(9):
        colleague = UserFactory(username=f"colleague{n}", institution=world.academic, specialty=Specialty.PATHOLOGY)
        MembershipFactory(user=colleague, board=world.board)
        UserFactory(username=f"candidate{n}", institution=world.academic)
    assert count() == small


# --- members ---------------------------------------------------------------------------------------------------------


def test_a_coordinator_adds_a_member_with_a_role_in_place(client, world):
    pathologist = UserFactory(username="patho", institution=world.academic, specialty=Specialty.PATHOLOGY)
    client.force_login(world.coordinator)
    html = html_of(client.get(url(world.board)))
    assert f'value="{pathologist.public_id}">{pathologist.name} · Pathology</option>' in html
    assert f'value="{world.member.public_id}"' not in html.split('id="member-user"')[1]  # already on the board
    response = client.post(url(world.board, "members/"), {"user": str(pathologist.public_id), "role": "chair"}, **HTMX)
    assert response.status_code == 200
    html = html_of(response)
    assert html.startswith('\n<section id="members"') and f"{pathologist.name} added to the board." in html
    assert BoardMembership.objects.get(board=world.board, user=pathologist).role == BoardRole.CHAIR
    assert AuditEvent.objects.filter(user=world.coordinator, object_id=str(world.board.public_id)).exists()


def test_without_script_the_member_forms_post_and_come_back(client, world):
    client.force_login(world.coordinator)
    response = client.post(url(world.board, f"members/{world.member.public_id}/role/"), {"role": "coordinator"})
    assert response.status_code == 302 and response["Location"] == f"{url(world.board)}#members"
    assert BoardMembership.objects.get(board=world.board, user=world.member).role == BoardRole.COORDINATOR
    assert f"{world.member.name} is now coordinator." in html_of(client.get(url(world.board)))
    response = client.post(url(world.board, f"members/{world.coordinator.public_id}/remove/"))
    assert response.status_code == 302  # another coordinator remains: the first may leave
    assert not BoardMembership.objects.filter(board=world.board, user=world.coordinator).exists()


def test_the_last_coordinator_can_neither_leave_nor_step_down(client, world):
    client.force_login(world.coordinator)
    response = client.post(url(world.board, f"members/{world.coordinator.public_id}/remove/"), **HTMX)
    assert response.status_code == 400
    html = html_of(response)
    message = f"{world.coordinator.name} is the board&#x27;s only coordinator: make another member coordinator first."
    assert message in html
    row = next(
        n
        for n, m in enumerate(world.board.memberships.order_by("user__specialty", "user__last_name"), 1)
        if m.user == world.coordinator
    )
    assert_refused(html, "member", row)
    response = client.post(url(world.board, f"members/{world.coordinator.public_id}/role/"), {"role": "member"})
    assert response.status_code == 400 and message in html_of(response)
    assert_refused(html_of(response), "role", row)
    assert BoardMembership.objects.get(board=world.board, user=world.coordinator).role == BoardRole.COORDINATOR


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({}, "user", "Choose a colleague."),
        ({"user": "referrer", "role": "member"}, "user", None),  # another institution's: as if it did not exist
        ({"user": "inactive", "role": "member"}, "user", None),
        ({"user": "patho", "role": "boss"}, "role", None),
    ],
)
def test_adding_a_member_refuses_in_place(client, world, posted, field, message):
    UserFactory(username="patho", institution=world.academic, specialty=Specialty.PATHOLOGY)
    UserFactory(username="inactive", institution=world.academic, is_active=False)
    users = {u.username: str(u.public_id) for u in type(world.member).objects.all()}
    if "user" in posted:
        posted = posted | {"user": users[posted["user"]]}
    client.force_login(world.coordinator)
    response = client.post(url(world.board, "members/"), posted, **HTMX)
    assert response.status_code == 400
    html = html_of(response)
    assert_refused(html, field)
    if message:
        assert message in html
    assert world.board.memberships.count() == 3
