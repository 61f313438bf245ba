"""Which requests run in a transaction: a write request in one, a plain read in none.

A POST (PUT, PATCH, DELETE) request runs in one transaction from its view to its rendered response, rolled back when
the view raises (whatever middleware then answers) or the API answers an error: nothing half-written, as Django's
ATOMIC_REQUESTS did, which is off because it cannot tell a read from a write.

A GET, HEAD or OPTIONS request changes nothing, so it runs in autocommit: no BEGIN and COMMIT around its SELECTs,
and the rows of what it shows are written in one INSERT before its response leaves
(``tumorboard.audit.audit_reads_collected``). If that INSERT fails the request answers an error instead of the data.
A read that writes does so through a service, which runs in its own transaction (CONVENTIONS.md).

On the embedded SQLite database a transaction that cannot take the write lock in time answers 503, as
DatabaseBusyMiddleware answers one raised by a view.
"""

from __future__ import annotations

from django.db import transaction

from tumorboard.audit import audit_reads_collected
from tumorboard.middleware import busy_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_plain_read(request) -> bool:
    return request.method in SAFE_METHODS


class RequestTransactionMiddleware:
    """Last in MIDDLEWARE: the transaction holds the view and its rendering, the session and messages stay outside."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = None
        try:
            if is_plain_read(request):
                with audit_reads_collected():
                    response = self.get_response(request)
            else:
                with transaction.atomic():
                    response = self.get_response(request)
                    if getattr(request, "_view_raised", False):
                        transaction.set_rollback(True)
        except Exception as exc:
            if response is not None:
                response.close()  # never sent: a download's file is closed
            busy = busy_response(request, exc)
            if busy is None:
                raise
            return busy
        return response

    def process_exception(self, request, exception):
        """The view raised: its writes are rolled back, whatever answer is given. Not here: the answer (a 404 page)
        is rendered inside the transaction yet, and may read."""
        request._view_raised = True
        return None
