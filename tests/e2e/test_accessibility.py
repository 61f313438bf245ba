"""Every kind of page over the demo data, audited in Chromium with axe-core as each group of users sees it:
the crawl follows the links of the pages it reaches, from /, and audits the first few pages of each kind (its
path with the ids taken out: meetings, cases and requests in their different states), so a page added later is
audited as soon as something links to it."""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from specialists.models import User
from tests.demo.test_loader import _load
from tests.e2e.helpers import AXE, AXE_RULES
from tests.pages.markup import internal_link

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# a coordinator (who reaches the most pages), a specialist, a community-hospital physician
USERS = ["coordinator", "medonc", "community"]
PER_KIND = 4  # pages audited of each kind
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def kind_of(path: str) -> str:
    """What makes pages the same kind: the path without its ids, and the names of its query parameters."""
    parts = urlsplit(path)
    names = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return UUID.sub("{id}", parts.path) + ("?" + "&".join(names) if names else "")


def signed_in_as(page, live_server, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    page.context.clear_cookies()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_every_kind_of_page_has_no_accessibility_violation(page, live_server):
    _load()
    problems: list[str] = []
    audited: dict[str, list[str]] = {}
    for username in USERS:
        signed_in_as(page, live_server, username)
        seen: set[str] = set()
        kinds: Counter[str] = Counter()
        queue = deque(["/"])
        while queue:
            path = queue.popleft()
            if path in seen or kinds[kind_of(path)] >= PER_KIND:
                continue
            seen.add(path)
            kinds[kind_of(path)] += 1
            response = page.goto(path)
            if response.status != 200:
                problems.append(f"{username} {path}: {response.status}")
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            audit = AXE.run(page, options=AXE_RULES)
            if audit.violations_count:
                problems.append(f"{username} {path}: {audit.generate_report()}")
            audited.setdefault(username, []).append(path)
            hrefs = page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))")
            links = (internal_link(href) for href in hrefs)  # pages, not the API's files
            queue.extend(link for link in links if link and not link.startswith("/api/") and link not in seen)
    assert not problems, "\n".join(problems)
    coordinator_kinds = {kind_of(path) for path in audited["coordinator"]}
    assert coordinator_kinds >= {"/", "/meetings/{id}/", "/cases/{id}/", "/cases/{id}/profile/", "/follow-up/"}
    assert {"/cases/", "/cases/new/", "/cases/import/"} <= coordinator_kinds & {
        kind_of(path) for path in audited["community"]
    }
    assert {kind_of(path) for path in audited["community"]} >= {"/second-opinions/new/", "/second-opinions/{id}/"}
    print({username: len(paths) for username, paths in audited.items()})  # pages audited
