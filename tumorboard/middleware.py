"""Request ids (taken from X-Request-ID when the proxy sends a sane one, else generated; echoed back and logged),
redirects answered to htmx requests, and a database too busy to take a write."""

import contextvars
import ipaddress
import logging
import re
import uuid

from django.conf import settings
from django.db import OperationalError
from django_htmx.http import HttpResponseClientRedirect

from tumorboard.views import busy

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)
_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    """The id of the request being served, or "" outside a request (tasks, commands)."""
    value = _request_id.get()
    return "" if value == "-" else value


def current_client_ip() -> str | None:
    return _client_ip.get()


def client_address(request) -> str:
    """The client's address: the connection's (REMOTE_ADDR), or, behind TRUSTED_PROXIES proxies that each append to
    X-Forwarded-For, the address the outermost of them saw. A header the client sends is never believed by default."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if proxies > 0:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                logging.getLogger(__name__).warning("X-Forwarded-For holds no address where the proxy writes it")
    return remote


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        ip_token = _client_ip.set(client_address(request) or None)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
            _client_ip.reset(ip_token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class HtmxRedirectMiddleware:
    """An htmx request answered with a redirect (the session expired and sign-in is asked for, two-factor
    set-up is due, a form's plain-POST success) navigates the whole page there: htmx would otherwise follow
    the redirect itself and paste the next page into the fragment it meant to update."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "htmx", False) and response.status_code in (301, 302, 303, 307, 308):
            return HttpResponseClientRedirect(response["Location"])
        return response


class DatabaseBusyMiddleware:
    """The embedded SQLite database gives one writer at a time the lock; a request that waited SQLITE_BUSY_SECONDS
    without getting it answers 503 with Retry-After and says nothing was saved (its transaction was rolled back),
    instead of a server error. PostgreSQL never raises this."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return busy_response(request, exception)


def busy_response(request, exception: Exception):
    """503 with Retry-After for SQLite's "database is locked", else None."""
    if isinstance(exception, OperationalError) and "database is locked" in str(exception):
        logging.getLogger(__name__).warning("database busy: %s %s answered 503", request.method, request.path)
        response = busy(request)
        response["Retry-After"] = str(DatabaseBusyMiddleware.RETRY_AFTER_SECONDS)
        return response
    return None


class ContentSecurityPolicyMiddleware:
    """Every response says what its page may load and run (CONTENT_SECURITY_POLICY): scripts only from this site's
    own files, never inline or evaluated (htmx is configured without eval in base.html), styles from the site
    (inline style attributes allowed: the capacity bars and the packet's print styles), images from the site and
    data: URIs (the second-factor QR code), no plug-ins, no framing, forms posting to this site only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
