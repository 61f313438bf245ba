"""The embedded database holds a small team (SPEC §8): the real server of ``make run`` (SQLite in WAL mode, IMMEDIATE
transactions, a busy timeout) takes comments, agenda changes and invitations sent at the same moment without a server
error and without losing a write; a write that cannot get the lock in time answers 503 with Retry-After, saves
nothing, and goes through when tried again."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.conftest import at_once, wait_for
from tests.shipped.conftest import ShippedServer, api_token, request, signed_in

pytestmark = pytest.mark.shipped
MEMBERS = ["medonc", "surgonc", "radonc", "pathologist", "radiologist", "genetics", "palliative", "navigator"]


def test_sixteen_writers_at_once_get_no_server_error_and_lose_no_write(shipped):
    server = shipped
    tokens = {name: api_token(server, name) for name in ["coordinator", *MEMBERS]}

    def call(user, method, path, data=None):
        def send():
            status, _, body = server.get(
                path, method=method, data=data, headers={"Authorization": f"Token {tokens[user]}"}
            )
            return user, method, path, status, body

        return send

    def read(path, user="coordinator"):
        status, body = call(user, "GET", path)()[3:]
        assert status == 200, body
        return json.loads(body)

    meetings = read("/api/v1/meetings/?status=scheduled&page_size=100")["results"]
    with_agenda = [m for m in meetings if len(read(f"/api/v1/meetings/{m['id']}/agenda/")) >= 2]
    board_seen, first_of_board = set(), []
    for meeting in with_agenda:  # the next meeting of each board with cases on it
        if meeting["board"] not in board_seen:
            board_seen.add(meeting["board"])
            first_of_board.append(meeting)
    assert len(first_of_board) == 3, with_agenda
    cases = [c["id"] for c in read("/api/v1/cases/?status=scheduled&page_size=100")["results"]]
    uninvited = [m for m in meetings if m not in first_of_board][:6]

    expected_minutes, expected_order, bodies = {}, {}, []
    for round_ in range(2):
        calls = []
        for index, member in enumerate(MEMBERS):
            body = f"Round {round_} comment by {member}"
            bodies.append((cases[index % len(cases)], body))
            calls.append(call(member, "POST", f"/api/v1/cases/{cases[index % len(cases)]}/comments/", {"body": body}))
        for index, meeting in enumerate(first_of_board):
            items = read(f"/api/v1/meetings/{meeting['id']}/agenda/")
            minutes = 5 + index + round_
            expected_minutes[items[0]["id"]] = minutes
            calls.append(
                call(
                    "coordinator",
                    "PATCH",
                    f"/api/v1/meetings/{meeting['id']}/agenda/{items[0]['id']}/",
                    {"minutes": minutes},
                )
            )
            if index < 2:
                order = [item["id"] for item in reversed(items) if item["status"] == "scheduled"]
                expected_order[meeting["id"]] = order
                calls.append(
                    call("coordinator", "POST", f"/api/v1/meetings/{meeting['id']}/agenda/reorder/", {"items": order})
                )
        for meeting in uninvited[round_ * 3 : round_ * 3 + 3]:
            calls.append(call("coordinator", "POST", f"/api/v1/meetings/{meeting['id']}/invite/", {}))
        assert len(calls) >= 12
        results = at_once(calls)
        refused = [
            (user, method, path, status, body[:300])
            for user, method, path, status, body in results
            if status not in (200, 201)
        ]
        assert not refused, refused
        print(f"round {round_}: {len(calls)} writers at once, statuses {sorted({r[3] for r in results})}")

    # no write was lost: every comment once, the last size of each item, each agenda's order, every invitation sent
    for case in {case for case, _ in bodies}:
        posted = [c["body"] for c in read(f"/api/v1/cases/{case}/comments/?page_size=100")["results"]]
        for body in (body for c, body in bodies if c == case):
            assert posted.count(body) == 1, (case, body, posted)
    for meeting in first_of_board:
        items = read(f"/api/v1/meetings/{meeting['id']}/agenda/")
        for item in items:
            if item["id"] in expected_minutes:
                assert item["minutes"] == expected_minutes[item["id"]]
        if meeting["id"] in expected_order:
            scheduled = [
                item["id"] for item in sorted(items, key=lambda i: i["position"]) if item["status"] == "scheduled"
            ]
            assert scheduled == expected_order[meeting["id"]]
    ids = [m["id"].replace("-", "") for m in uninvited]

    def invitations() -> tuple[int, int]:
        with sqlite3.connect(f"file:{server.database}?mode=ro", uri=True) as db:
            assert (db.execute("PRAGMA journal_mode").fetchone()[0]) == "wal"
            return db.execute(
                "SELECT count(*), count(a.invited_at) FROM scheduling_attendance a JOIN scheduling_meeting m "
                f"ON m.id = a.meeting_id WHERE m.public_id IN ({','.join('?' * len(ids))}) AND a.guest_case_id IS NULL",
                ids,
            ).fetchone()

    # the invitations go out from the background thread that runs the embedded server's tasks
    wait_for(lambda: len(set(invitations())) == 1, timeout=60, message="every invitation sent")
    invited, sent = invitations()
    assert invited == sent >= 6 * 9
    output = server.output()
    assert "Traceback" not in output and "database is locked" not in output


def test_a_write_that_cannot_get_the_lock_in_time_answers_503_saves_nothing_and_succeeds_when_retried(tmp_path):
    server = ShippedServer(tmp_path, SQLITE_BUSY_SECONDS="1").start()
    try:
        token = api_token(server, "medonc")
        auth = {"Authorization": f"Token {token}"}
        _, _, body = server.get("/api/v1/cases/?status=scheduled&page_size=1", headers=auth)
        case = json.loads(body)["results"][0]["id"]
        comment = {"body": "Written while the database was busy"}
        browser = signed_in(server, "medonc")
        holder = sqlite3.connect(server.database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock longer than the server waits
        try:
            status, headers, body = server.get(
                f"/api/v1/cases/{case}/comments/", method="POST", data=comment, headers=auth
            )
            assert status == 503
            assert headers["Retry-After"] == "5"
            assert json.loads(body) == {
                "errors": [
                    {
                        "field": None,
                        "code": "busy",
                        "message": "The service is busy with other changes and nothing was saved. "
                        "Please try again in a few seconds.",
                    }
                ]
            }
            # a page that reads nothing to audit runs in no transaction and answers; one that shows a case cannot
            # write its audit row in time and answers the same 503, as a page, without the case
            assert server.get("/accounts/login/")[0] == 200
            status, headers, body = request(f"{server.url}/cases/{case}/", opener=browser)
            assert status == 503 and headers["Retry-After"] == "5"
            assert b"<h1>Busy, try again</h1>" in body and b"nothing was saved" in body
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        status, _, _ = server.get(f"/api/v1/cases/{case}/comments/", method="POST", data=comment, headers=auth)
        assert status == 201
        _, _, body = server.get(f"/api/v1/cases/{case}/comments/?page_size=100", headers=auth)
        assert [c["body"] for c in json.loads(body)["results"]].count(comment["body"]) == 1
        assert "Traceback" not in server.output()
    finally:
        server.stop()
