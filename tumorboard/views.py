"""Error pages: JSON in the one error shape for the API, pages in the site layout elsewhere."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render


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


def server_error(request):
    if _is_api(request):
        body = {"errors": [{"field": None, "code": "server_error", "message": "Internal error; it was logged."}]}
        return JsonResponse(body, status=500)
    # no template, no database: whatever failed must not fail again here
    return HttpResponseServerError(
        '<!doctype html><html lang="en"><title>Server error</title><h1>Server error</h1>'
        '<p>Something went wrong on our side; it was logged. <a href="/">Back to the start page</a></p></html>'
    )
