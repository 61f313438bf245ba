"""The ceiling of the two reads' design, for ``throughput.py --ceiling``: the app served with no middleware and no DRF,
each request doing only what the design requires of it, the way the API does it: the token looked up in the database
(``specialists.authentication``, nothing cached between requests) and the read written and audited by one statement
with its commit (``cases.api.case_reads``); the list's head of ids and count as the paginator reads them.

What this leaves out that the API does: the request id and client address in the audit rows, the security headers,
the session, the permission and content negotiation, the errors' shape. So the ceiling is an upper bound of what any
dispatch of these reads could reach on the machine. Never served by the product: a bench fixture, as the hello project.

    gunicorn bench.scale.ceiling   # from the repository root, with the app's environment
"""

from __future__ import annotations

import django
from django.conf import settings

django.setup()
settings.MIDDLEWARE = []  # before the handler is made: none runs
settings.ROOT_URLCONF = __name__

from django.core.wsgi import get_wsgi_application  # noqa: E402 - after the settings above
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.request import Request  # noqa: E402

from cases.api.case_reads import case_json, cases_json  # noqa: E402
from cases.selectors import cases_visible_fast  # noqa: E402
from specialists.authentication import TokenAuthentication  # noqa: E402
from tumorboard.api.pagination import _CappedPaginator  # noqa: E402
from tumorboard.audit import audit_reads_collected  # noqa: E402


def _user(request):
    authenticated = TokenAuthentication().authenticate(Request(request))
    if authenticated is None:
        raise PermissionError("a token is required")
    return authenticated[0]


def detail(request, id):
    user = _user(request)
    with audit_reads_collected():
        return HttpResponse(case_json(user, id), content_type="application/json")


def page(request):
    user = _user(request)
    ids = cases_visible_fast(user).order_by("-created_at", "-id").values_list("pk", flat=True)
    paginator = _CappedPaginator(ids, 50)
    shown = paginator.page(1)
    head = b'{"count":%d,"count_exact":%s,"next":"?page=2","previous":null,"results":[' % (
        paginator.count,
        b"true" if paginator.count_exact else b"false",
    )
    with audit_reads_collected():
        return HttpResponse(head + b",".join(cases_json(user, list(shown))) + b"]}", content_type="application/json")


urlpatterns = [path("cases/<uuid:id>/", detail), path("cases/", page)]
application = get_wsgi_application()
