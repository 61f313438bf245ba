"""Guessing passwords against two server processes sharing the production store of counts (Redis), each request
"from" another address in X-Forwarded-For: the per-account and per-address limits hold across the processes and the
header is not believed (SIGN_IN_* and TRUSTED_PROXIES defaults)."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
import redis
from django.conf import settings

from tests.shipped.conftest import DEMO_PASSWORD, ShippedServer

pytestmark = pytest.mark.shipped


@pytest.fixture
def two_processes(tmp_path):
    store = settings.CELERY_BROKER_URL  # this test process's Redis database
    first = ShippedServer(tmp_path / "first", CACHE_URL=store)
    first.folder.mkdir()
    first.start()
    second = ShippedServer(tmp_path / "second", CACHE_URL=store, DATABASE_URL=first.env["DATABASE_URL"])
    second.folder.mkdir()
    second.start()
    yield first, second
    first.stop()
    second.stop()
    connection = redis.Redis.from_url(store)
    for key in connection.scan_iter("*sign-in:*"):
        connection.delete(key)


def attempt(server, username, password, address):
    status, headers, body = server.get(
        "/api/v1/auth/token/",
        method="POST",
        data={"username": username, "password": password},
        headers={"X-Forwarded-For": address},
    )
    code = json.loads(body)["errors"][0]["code"] if status >= 400 else "token"
    return status, code


def test_a_hundred_guesses_across_two_processes_with_varied_forwarded_addresses_are_held(two_processes):
    rng = random.Random(20261206)

    def address():
        return ".".join(str(rng.randrange(1, 255)) for _ in range(4))

    # one account: 10 wrong passwords are answered, then it is locked, on both processes
    answers = Counter(attempt(two_processes[n % 2], "medonc", f"guess-{n}", address()) for n in range(100))
    assert answers == {(400, "invalid_credentials"): 10, (429, "account_locked"): 90}, answers
    assert attempt(two_processes[0], "medonc", DEMO_PASSWORD, address()) == (429, "account_locked")
    assert attempt(two_processes[1], "medonc", DEMO_PASSWORD, address()) == (429, "account_locked")

    # one address trying many accounts: 50 failures in all (10 above and 40 here), then refused whatever it claims
    answers = Counter(attempt(two_processes[n % 2], f"user{n}", "wrong", address()) for n in range(50))
    assert answers == {(400, "invalid_credentials"): 40, (429, "too_many_attempts"): 10}, answers
    assert attempt(two_processes[1], "coordinator", DEMO_PASSWORD, address()) == (429, "too_many_attempts")
    print("held: 100 guesses on one account (10 answered), 50 on many accounts (40 more answered)")
