"""What a person meets at ``make run`` and ``make demo`` (SPEC §8): the address and the demo logins are the last
lines before serving, the demo is loaded only into an empty database and a restart keeps what they did, ``make demo``
says it resets, e-mail is one console line per message, and links follow the address served."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from demo.world import login_lines
from tests.conftest import wait_for
from tests.shipped.conftest import ROOT, ShippedServer, api_token

pytestmark = pytest.mark.shipped
REQUEST_LOG = re.compile(r'"(GET|POST|PUT|PATCH|DELETE|HEAD) /')


def _before_serving(output: str) -> list[str]:
    """What make run printed before the first request it answered."""
    lines = output.splitlines()
    first_request = next((i for i, line in enumerate(lines) if REQUEST_LOG.search(line)), len(lines))
    return lines[:first_request]


def test_the_last_lines_before_serving_are_the_address_and_the_demo_logins(shipped):
    printed = _before_serving(shipped.output())
    logins = login_lines()
    assert printed[-len(logins) - 1 :] == [
        f"Tumor board is served at {shipped.url}/ (sign in at {shipped.url}/accounts/login/)",
        *logins,
    ]
    assert "Demo data loaded: 3 institutions, 12 users" in "\n".join(printed)
    # no task narration, no warnings between the command and the logins
    assert not [line for line in printed if "celery" in line or "WARNING kombu" in line or "No directory" in line]
    assert len(printed) < 40, "\n".join(printed)


def test_links_follow_the_address_served(shipped):
    token = api_token(shipped, "medonc")
    status, _, body = shipped.get("/api/v1/me/calendar/", headers={"Authorization": f"Token {token}"})
    assert status == 200
    assert json.loads(body)["url"].startswith(f"{shipped.url}/calendar/")


def test_an_email_is_one_console_line_with_its_subject_and_recipients(shipped):
    token = api_token(shipped, "coordinator")
    auth = {"Authorization": f"Token {token}"}
    _, _, body = shipped.get("/api/v1/meetings/?status=scheduled&page_size=1", headers=auth)
    meeting = json.loads(body)["results"][0]
    before = len(shipped.output().splitlines())
    status, _, body = shipped.get(f"/api/v1/meetings/{meeting['id']}/invite/", method="POST", data={}, headers=auth)
    assert status == 200, body
    _, _, body = shipped.get(f"/api/v1/meetings/{meeting['id']}/attendance/", headers=auth)
    invited = [row for row in json.loads(body) if not row["guest"]]

    def emails():
        new = shipped.output().splitlines()[before:]
        return new, [line for line in new if "e-mail to 1 recipient: " in line and "tumor board" in line]

    # the e-mails go out from the background thread that runs the embedded server's tasks
    wait_for(lambda: len(emails()[1]) >= len(invited), timeout=30, message="the invitations' e-mails")
    new, sent = emails()
    assert len(sent) == len(invited) >= 5, "\n".join(new)
    assert not [line for line in new if "Content-Type" in line or "BEGIN:VCALENDAR" in line]


def test_a_restart_keeps_what_the_user_did_and_make_demo_resets_it(tmp_path):
    server = ShippedServer(tmp_path).start()
    try:
        token = api_token(server, "medonc")
        auth = {"Authorization": f"Token {token}"}
        _, _, body = server.get("/api/v1/cases/?status=scheduled&page_size=1", headers=auth)
        case = json.loads(body)["results"][0]["id"]
        comment = {"body": "Kept across a restart", "kind": "general"}
        status, _, _ = server.get(f"/api/v1/cases/{case}/comments/", method="POST", data=comment, headers=auth)
        assert status == 201
    finally:
        server.stop()

    server.start()
    try:
        assert "The database already holds data, so the demo was not loaded" in server.output()
        _, _, body = server.get(f"/api/v1/cases/{case}/comments/", headers=auth)
        assert "Kept across a restart" in [c["body"] for c in json.loads(body)["results"]]
    finally:
        server.stop()

    reset = subprocess.run(
        ["make", "--no-print-directory", "demo"], cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=180
    )
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert "The database was reset: everything in it and 165 document files were deleted." in reset.stdout
    assert "Demo data loaded" in reset.stdout
    assert reset.stdout.rstrip().endswith(login_lines()[-1])
    server.start()
    try:
        token = api_token(server, "medonc")
        _, _, body = server.get(f"/api/v1/cases/{case}/comments/", headers={"Authorization": f"Token {token}"})
        assert "Kept across a restart" not in [c["body"] for c in json.loads(body)["results"]]
    finally:
        server.stop()
    assert len(list((tmp_path / "media" / "documents").iterdir())) == 165  # the old files went, the new are there
