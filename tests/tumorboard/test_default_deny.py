"""Pages are denied by default: a view answers an anonymous visitor only if it is marked public
(``login_not_required``); the API and the admin keep their own authentication."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, path

pytestmark = pytest.mark.django_db

# what may answer an anonymous visitor, and why
PUBLIC = {
    "healthz": "the load balancer's liveness check",
    "readyz": "the load balancer's readiness check",
    "rsvp": "the invitation's token is the credential",
    "calendar_feed": "the feed's token is the credential",
}


def _views(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _views(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def test_only_the_listed_views_of_the_pages_are_public():
    public = {
        callback.__name__
        for route, callback in _views()
        if not route.startswith(("api/", "admin/", "accounts/")) and getattr(callback, "login_required", True) is False
    }
    assert public == set(PUBLIC)


def unmarked_page(request):
    return HttpResponse("patient data")


urlpatterns = [path("unmarked/", unmarked_page)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_nobody_marked_is_denied_to_an_anonymous_visitor(client, world):
    response = client.get("/unmarked/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(world.member)
    assert client.get("/unmarked/").content == b"patient data"


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/cases/", "/accounts/login/", "/admin/"])
def test_public_views_the_api_and_the_admin_answer_in_their_own_way(client, path):
    response = client.get(path)
    expected = {"/healthz": 200, "/api/v1/cases/": 401, "/accounts/login/": 200, "/admin/": 302}[path]
    assert response.status_code == expected
    if path == "/admin/":
        assert response["Location"].startswith("/admin/login/")
