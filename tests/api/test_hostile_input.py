"""The hostile-input corpus of issue 15, each a clear 4xx with the field and the reason, never a 500: JSON nested
past the parser's limit (signed in or not), date-times with impossible UTC offsets, numbers where the schema says
text, zone names that are not IANA zones, RFC 5545 rules that end twice or never occur, generating meetings into
the past."""

from __future__ import annotations

import logging

import pytest

from tests.factories import MeetingFactory
from tests.scheduling.test_scheduling_api import BOARD

pytestmark = pytest.mark.django_db


def errors(response) -> list[dict]:
    return response.json()["errors"]


@pytest.mark.parametrize(
    "body",
    ["[" * 3000 + "]" * 3000, '{"a":' * 3000 + "1" + "}" * 3000, '{"username": ' + "[" * 65 + "]" * 65 + "}"],
    ids=["arrays", "objects", "a field"],
)
def test_json_nested_past_the_limit_is_a_400_before_parsing_and_logs_no_error(world, api, caplog, body):
    caplog.set_level(logging.ERROR)
    for client, path in [(api(None), "/api/v1/auth/token/"), (api(world.member), "/api/v1/cases/")]:
        response = client.generic("POST", path, body, content_type="application/json")
        assert response.status_code == 400
        assert errors(response) == [
            {
                "field": None,
                "code": "parse_error",
                "message": "JSON parse error - the body nests arrays or objects more than 64 deep.",
            }
        ]
    assert not caplog.records


def test_json_within_the_limit_and_brackets_inside_strings_are_read_as_usual(world, api):
    nested = '{"username": ' + "[" * 60 + "]" * 60 + ', "password": "' + "[" * 500 + '"}'
    response = api(None).generic("POST", "/api/v1/auth/token/", nested, content_type="application/json")
    assert response.status_code == 400
    assert errors(response)[0]["field"] == "username"  # validated, not refused by the parser


@pytest.mark.parametrize("offset", ["+16:00", "+15:59", "-13:00", "+23:59"])
def test_a_date_time_with_an_impossible_utc_offset_is_a_400_naming_the_parameter(world, api, offset):
    response = api(world.member).get("/api/v1/meetings/", {"from": f"2026-01-01T00:00:00{offset}"})
    assert response.status_code == 400
    assert errors(response) == [
        {"field": "from", "code": "invalid", "message": "The UTC offset must lie between -12:00 and +14:00."}
    ]
    audit = api(world.admin).get("/api/v1/audit-events/", {"to": f"2026-01-01T00:00:00{offset}"})
    assert audit.status_code == 400 and errors(audit)[0]["field"] == "to"


def test_real_offsets_are_compared_in_utc(world, api):
    meeting = MeetingFactory(board=world.board)
    local = meeting.starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Pacific/Kiritimati"))  # UTC+14
    found = api(world.member).get("/api/v1/meetings/", {"from": local.isoformat(), "board": world.board.public_id})
    assert found.status_code == 200
    assert str(meeting.public_id) in [m["id"] for m in found.json()["results"]]


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/api/v1/cases/{case}/comments/", {"body": 0}, "body"),
        ("post", "/api/v1/cases/{case}/withdraw/", {"reason": 0}, "reason"),
        ("post", "/api/v1/cases/{case}/request-info/", {"reason": 1}, "reason"),
        ("post", "/api/v1/cases/{case}/defer/", {"reason": True}, "reason"),
        ("post", "/api/v1/meetings/{meeting}/cancel/", {"reason": 0}, "reason"),
        (
            "post",
            "/api/v1/cases/{case}/plans/",
            {"kind": "proposed", "intent": "curative", "rationale": 5, "components": [{"modality": "surgery"}]},
            "rationale",
        ),
        ("patch", "/api/v1/cases/{case}/", {"question": 42}, "question"),
        ("patch", "/api/v1/cases/{case}/", {"patient": {"name": 7}}, "patient.name"),
    ],
)
def test_a_number_or_boolean_where_the_schema_says_text_is_refused(world, api, method, path, body, field):
    meeting = MeetingFactory(board=world.board)
    url = path.format(case=world.case.public_id, meeting=meeting.public_id)
    response = getattr(api(world.coordinator), method)(url, body, format="json")
    assert response.status_code == 400, response.json()
    assert {
        "field": field,
        "code": "invalid",
        "message": "Must be text (a JSON string), not a number, true/false or a list.",
    } in errors(response)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"timezone": "localtime"}, "timezone", "'localtime' is not an IANA time zone"),
        ({"timezone": "posixrules"}, "timezone", "'posixrules' is not an IANA time zone"),
        ({"recurrence": "FREQ=WEEKLY;BYDAY=MO;COUNT=4;UNTIL=20301231T000000Z"}, "recurrence", "not both"),
        ({"recurrence": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "recurrence", "no meeting in the next two years"),
        ({"recurrence": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31"}, "recurrence", "no meeting in the next two years"),
        ({"recurrence": "FREQ=WEEKLY;UNTIL=20200101T000000"}, "recurrence", "no meeting in the next two years"),
    ],
)
def test_boards_take_iana_zones_and_rules_that_end_once_and_occur(world, api, change, field, message):
    created = api(world.coordinator).post("/api/v1/boards/", {**BOARD, **change}, format="json")
    assert created.status_code == 400
    assert [e["field"] for e in errors(created)] == [field] and message in errors(created)[0]["message"]
    board = f"/api/v1/boards/{world.board.public_id}/"
    assert api(world.coordinator).patch(board, change, format="json").status_code == 400


@pytest.mark.parametrize("until", ["0001-01-01", "2020-02-29"])
def test_generating_meetings_up_to_a_past_date_is_refused(world, api, until):
    response = api(world.coordinator).post(
        f"/api/v1/boards/{world.board.public_id}/generate-meetings/", {"until": until}, format="json"
    )
    assert response.status_code == 400
    assert errors(response) == [
        {"field": "until", "code": "invalid", "message": "This date has passed: meetings are generated from today on."}
    ]
