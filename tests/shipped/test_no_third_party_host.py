"""No CDN (SPEC §5.6, §8): every page the demo crawl reaches as a coordinator, a specialist and a community physician,
the sign-in page and the API docs, and every stylesheet, script and image they reference, come from the service
itself and answer; nothing names a third-party host to load, and no page shows template text."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest

from tests.pages.markup import internal_link
from tests.shipped.conftest import request, signed_in

pytestmark = pytest.mark.shipped
USERS = ["coordinator", "medonc", "community"]
MAX_PAGES = 250  # per user, more than the demo gives any of them
# what a page loads: stylesheets, scripts, images, frames, media, and url(...) in CSS
LOADED = re.compile(
    rb'<(?:link[^>]*?\shref|script[^>]*?\ssrc|img[^>]*?\ssrc|iframe[^>]*?\ssrc|source[^>]*?\ssrc)\s*=\s*"([^"]+)"'
)
CSS_URL = re.compile(rb"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def test_every_page_and_what_it_loads_comes_from_the_service(shipped):
    own = urlsplit(shipped.url).netloc
    problems: list[str] = []
    assets: dict[str, str] = {}  # asset URL → the page that referenced it
    reached = {}
    for username in [None, *USERS]:
        opener = signed_in(shipped, username) if username else None
        queue = deque(["/", "/api/docs/", "/accounts/login/"] if username else ["/accounts/login/", "/api/docs/"])
        seen: set[str] = set()
        while queue and len(seen) < MAX_PAGES:
            path = queue.popleft()
            if path in seen:
                continue
            seen.add(path)
            status, headers, body = request(shipped.url + path, opener=opener)
            if status != 200:
                problems.append(f"{username} {path}: {status}")
                continue
            if not headers.get("Content-Type", "").startswith("text/html"):
                continue
            if leaked := re.findall(rb"\{[#%].{0,60}", body):  # template syntax a person would read on the page
                problems.append(f"{username} {path}: shows template text {leaked[:2]}")
            for ref in LOADED.findall(body) + CSS_URL.findall(body):
                assets.setdefault(urljoin(shipped.url + path, ref.decode()), path)
            links = re.findall(rb'<a[^>]*?\shref="([^"]+)"', body)
            pages = (internal_link(href.decode()) for href in links)  # pages: the API's files are no pages
            queue.extend(link for link in pages if link and not link.startswith("/api/v1/") and link not in seen)
        assert not queue, f"{username}: the crawl stopped before reaching every page"
        reached[username] = len(seen)
    stylesheets = [url for url in assets if url.endswith(".css")]
    for url in stylesheets:  # what the stylesheets load in turn
        status, _, body = request(url)
        assets.update(
            {urljoin(url, ref.decode()): url for ref in CSS_URL.findall(body) if not ref.startswith(b"data:")}
        )
    for url, where in sorted(assets.items()):
        if url.startswith("data:"):
            continue
        if urlsplit(url).netloc != own:
            problems.append(f"{where} loads {url} from a third-party host")
        elif (status := request(url)[0]) != 200:
            problems.append(f"{where} loads {url}, which answers {status}")
    assert not problems, "\n".join(problems)
    assert reached["coordinator"] > 50 and reached["community"] > 5, reached
    assert any("swagger-ui-bundle.js" in url for url in assets) and len(stylesheets) >= 2
    print(f"pages reached per user: {reached}; assets checked: {len(assets)}")
