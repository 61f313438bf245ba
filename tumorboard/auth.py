"""Web sign-in rules on top of django-allauth: no self sign-up; the one rule against guessing passwords
(tumorboard.sign_in); MFA for staff."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django import forms
from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect

from tumorboard.sign_in import SignInRefused, sign_in_check, sign_in_failed, sign_in_succeeded


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def authenticate(self, request, **credentials):
        """The sign-in page's (and re-authentication's) password check, under the rule the token endpoint shares."""
        username = credentials.get("username") or ""
        try:
            sign_in_check(request, username)
        except SignInRefused as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from None
        user = super().authenticate(request, **credentials)
        (sign_in_succeeded if user is not None else sign_in_failed)(request, username)
        return user


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def totp_valid(user, code: str) -> bool:
    """The code is the current one of the user's authenticator app (allauth's check: the window's tolerance, a code
    used once is not accepted again)."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return authenticator is not None and TOTP(authenticator).validate_code(code)


MFA_SETUP_PATH = "/accounts/2fa/totp/activate/"  # where a user sets up TOTP (allauth.mfa)


class StaffMfaMiddleware:
    """With MFA_REQUIRED_FOR_STAFF, a staff or superuser signed in to a web session without TOTP set up is
    sent to set it up (pages) or refused (session calls to the API) until they have. The sign-in and MFA
    pages themselves, static files and health checks stay reachable; token API clients are not sessions."""

    OPEN = ("/accounts/", "/static/", "/healthz", "/readyz")
    SETUP = MFA_SETUP_PATH

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and (user.is_staff or user.is_superuser)
            and not request.path.startswith(self.OPEN)
            and not has_totp(user)
        ):
            if request.path.startswith("/api/"):
                message = f"Set up two-factor authentication at {self.SETUP} first."
                error = {"field": None, "code": "mfa_required", "message": message}
                return JsonResponse({"errors": [error]}, status=403)
            return redirect(f"{self.SETUP}?next={request.path}")
        return self.get_response(request)


class PagesLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Pages are denied by default: a view answers an anonymous visitor only if it is marked ``login_not_required``
    (the sign-in pages, health checks, and the links that carry their own token: RSVP, calendar feeds). The API
    (``/api/``) and the admin authenticate every request themselves and answer in their own shape (401/403 JSON,
    the admin's sign-in), so they are left to do so."""

    OWN_AUTHENTICATION = ("/api/", "/admin/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith(self.OWN_AUTHENTICATION):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
