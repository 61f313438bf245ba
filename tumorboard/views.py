"""Error pages: JSON in the one error shape for the API, pages in the site layout elsewhere."""

from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"errors": [{"field": None, "code": "not_found", "message": "Not found."}]}, status=404)
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    if _is_api(request):
        body = {"errors": [{"field": None, "code": "permission_denied", "message": str(exception) or "Forbidden."}]}
        return JsonResponse(body, status=403)
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


BUSY_MESSAGE = "The service is busy with other changes and nothing was saved. Please try again in a few seconds."


def busy(request):
    """503: the database could not take this request's write in time (tumorboard.middleware.DatabaseBusyMiddleware)."""
    if _is_api(request):
        return JsonResponse({"errors": [{"field": None, "code": "busy", "message": BUSY_MESSAGE}]}, status=503)
    # no template, no database: the database is what is busy
    stylesheet = static("tumorboard/site.css")
    return HttpResponse(
        f'<!doctype html><html lang="en"><title>Busy, try again</title><link rel="stylesheet" href="{stylesheet}">'
        f'<main id="main"><h1>Busy, try again</h1><p>{BUSY_MESSAGE}</p><p><a href="">Reload this page</a></p></main>'
        "</html>",
        status=503,
    )


def server_error(request):
    if _is_api(request):
        body = {"errors": [{"field": None, "code": "server_error", "message": "Internal error; it was logged."}]}
        return JsonResponse(body, status=500)
    # no template, no database: whatever failed must not fail again here
    return HttpResponseServerError(
        '<!doctype html><html lang="en"><title>Server error</title><h1>Server error</h1>'
        '<p>Something went wrong on our side; it was logged. <a href="/">Back to the start page</a></p></html>'
    )
