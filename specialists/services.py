"""Writes about people: API tokens, issued under the sign-in rule (tumorboard.sign_in) and the second factor."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from knox.models import AuthToken

from tumorboard.audit import audit_write
from tumorboard.auth import MFA_SETUP_PATH, has_totp, totp_valid
from tumorboard.models import AuditAction
from tumorboard.sign_in import SignInRefused, sign_in_check, sign_in_failed, sign_in_succeeded


@dataclass
class TokenRefused(Exception):
    status: int
    code: str
    field: str | None
    message: str
    retry_after: int | None = None


def api_token_issue(*, request, username: str, password: str, otp: str = "") -> tuple[AuthToken, str]:
    """A new token for this sign-in (``(row, token)``; the token is shown once and stored as a digest). Refused while
    the account or address is locked out (429), for wrong credentials or a missing or wrong second-factor code (400),
    and for staff who have not set up two-factor authentication yet (403). Every refusal for wrong credentials or a
    wrong code counts towards the lock."""
    try:
        sign_in_check(request, username)
    except SignInRefused as refused:
        raise TokenRefused(429, refused.code, None, refused.message, refused.retry_after) from None
    user = authenticate(request, username=username, password=password)
    if user is None:
        sign_in_failed(request, username)
        raise TokenRefused(400, "invalid_credentials", "password", "Unable to sign in with these credentials.")
    if has_totp(user):
        if not otp:
            raise TokenRefused(
                400, "otp_required", "otp", "Enter the 6-digit code of your authenticator app (two-factor sign-in)."
            )
        if not totp_valid(user, otp):
            sign_in_failed(request, username)
            raise TokenRefused(
                400, "otp_invalid", "otp", "This code is wrong or was already used; enter the current one."
            )
    elif settings.MFA_REQUIRED_FOR_STAFF and (user.is_staff or user.is_superuser):
        raise TokenRefused(
            403,
            "mfa_setup_required",
            None,
            f"Set up two-factor authentication at {MFA_SETUP_PATH} first; then ask for a token with its code.",
        )
    sign_in_succeeded(request, username)
    with transaction.atomic():
        row, token = AuthToken.objects.create(user=user)
        audit_write(user=user, action=AuditAction.SIGN_IN, obj=user, detail={"token": row.token_key})
    return row, token


def api_tokens_revoke(*, user, token_id: str | None = None) -> int:
    """Revoke one of the user's tokens (by its id, the public prefix) or, without an id, all of them; how many."""
    tokens = AuthToken.objects.filter(user=user)
    if token_id is not None:
        tokens = tokens.filter(token_key=token_id)
    with transaction.atomic():
        ids = list(tokens.values_list("token_key", flat=True))
        revoked, _ = tokens.delete()
        if revoked:
            audit_write(user=user, action=AuditAction.TOKEN_REVOKE, obj=user, detail={"tokens": ids})
    return revoked
