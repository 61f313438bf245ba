"""Error pages: JSON in the one error shape for the API, plain pages elsewhere."""

from django.http import HttpResponseNotFound, HttpResponseServerError, JsonResponse


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"errors": [{"field": None, "code": "not_found", "message": "Not found."}]}, status=404)
    return HttpResponseNotFound("<h1>Not found</h1>")


def server_error(request):
    if _is_api(request):
        body = {"errors": [{"field": None, "code": "server_error", "message": "Internal error; it was logged."}]}
        return JsonResponse(body, status=500)
    return HttpResponseServerError("<h1>Server error</h1>")
