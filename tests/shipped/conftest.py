"""The service as a person starts it: the Makefile's ``make run`` (its default settings module, the embedded SQLite
database, tasks run eagerly, the demo loaded into the empty database, Django's server through demo's runserver), in a
temporary folder, without the test settings or the test's broker (SPEC §8: what a person meets)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "tumorboard-demo"
# what make run's environment does not have: the test run's configuration
TEST_ONLY = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DEBUG",
    "SITE_URL",
    "EMAIL_BACKEND",
    "MEDIA_ROOT",
    "CELERY_TASK_ALWAYS_EAGER",
    "PYTEST_XDIST_WORKER",
    "MAKEFLAGS",
    "MAKELEVEL",
    "MFLAGS",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ShippedServer:
    """``make run PORT=...`` on a new embedded database in ``folder``; ``env`` adds to the user's environment."""

    def __init__(self, folder: Path, **env: str):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = folder / "db.sqlite3"
        self.log_path = folder / "make-run.log"
        self.env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
        self.env |= {"DATABASE_URL": f"sqlite:///{self.database}", "MEDIA_ROOT": str(folder / "media"), **env}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 120) -> ShippedServer:
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, runserver and its autoreloaded child stop together
        )
        deadline = time.monotonic() + timeout
        while self.get("/healthz")[0] != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"make run did not serve {self.url}:\n{self.output()[-3000:]}")
            time.sleep(0.25)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def get(self, path: str, **kwargs) -> tuple[int, dict, bytes]:
        return request(self.url + path, **kwargs)


def request(url: str, *, method: str = "GET", data=None, headers=None, opener=None) -> tuple[int, dict, bytes]:
    """``(status, headers, body)`` of one request; ``data`` a dict is sent as JSON. 0 when nothing answered."""
    headers = dict(headers or {})
    if isinstance(data, dict):
        data = json.dumps(data).encode()
        headers.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError:
        return 0, {}, b""


def api_token(server: ShippedServer, username: str) -> str:
    status, _, body = server.get(
        "/api/v1/auth/token/", method="POST", data={"username": username, "password": DEMO_PASSWORD}
    )
    assert status == 200, body
    return json.loads(body)["token"]


def signed_in(server: ShippedServer, username: str):
    """An opener with the session of ``username``, signed in through the sign-in form as a person does."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, _, body = request(server.url + "/accounts/login/", opener=opener)
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": username, "password": DEMO_PASSWORD})
    status, _, body = request(
        server.url + "/accounts/login/",
        method="POST",
        data=form.encode(),
        opener=opener,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": server.url + "/accounts/login/"},
    )
    assert status == 200 and b"/accounts/logout/" in body, f"{username} could not sign in: {status}"
    return opener


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """``make run`` with DEBUG unset (false), once for the module."""
    server = ShippedServer(tmp_path_factory.mktemp("make-run")).start()
    yield server
    server.stop()
