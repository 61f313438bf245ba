"""Every page over the demo data, as each demo user: every link a page shows leads to a page that answers
(no 404 behind a link, never a 5xx), every page has one h1, no id twice, every form field a label, and
every label and aria-* reference names an element of the page.

The crawl follows the links of the pages it reaches, from /, for each user (GET only: a GET never changes
state), so a page added later is covered as soon as something links to it."""

from __future__ import annotations

from collections import deque

import pytest

from specialists.models import User
from tests.demo.test_loader import loaded  # noqa: F401  (the demo, loaded once for this module)
from tests.pages.markup import Page, internal_link

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded")]
USERS = ["coordinator", "medonc", "pathologist", "navigator", "community", "community2"]
MAX_PAGES = 500  # per user: more than the demo gives any of them (the coordinator reaches the most, documents included)


@pytest.mark.parametrize("username", USERS)
def test_every_page_a_demo_user_reaches_answers_and_is_labelled(client, username):
    client.force_login(User.objects.get(username=username))
    seen: set[str] = set()
    queue = deque(["/"])
    problems: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if response.status_code != 200:
            problems.append(f"{path}: {response.status_code}")
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = Page()
        page.feed(response.content.decode())
        if page.h1 != 1:
            problems.append(f"{path}: {page.h1} h1")
        if duplicated := sorted({i for i in page.ids if page.ids.count(i) > 1}):
            problems.append(f"{path}: duplicate ids {duplicated}")
        if unlabelled := page.unlabelled():
            problems.append(f"{path}: no label for {unlabelled}")
        if dangling := page.dangling_references():
            problems.append(f"{path}: references to no element {dangling}")
        queue.extend(link for href in page.links if (link := internal_link(href)) and link not in seen)
    assert not problems, problems
    assert len(seen) > 3, seen
    assert not [link for link in queue if link not in seen], "the crawl stopped before reaching every page"
    print(f"{username}: {len(seen)} pages")  # the crawl reached the user's pages
