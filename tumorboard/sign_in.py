"""One rule against guessing passwords, for the sign-in page (allauth, through tumorboard.auth.AccountAdapter) and the
API's token endpoint alike.

- Failures are counted per account (the username as typed, lower-cased, whether or not it exists) and per client
  address, in the shared cache (Redis in production, a file cache in the embedded run), so every server process
  sees the same counts.
- SIGN_IN_FAILURES_PER_ACCOUNT failures within SIGN_IN_FAILURE_WINDOW_MINUTES lock the account for
  SIGN_IN_LOCKOUT_MINUTES: even the right password is refused meanwhile, the user is told for how long and that an
  administrator can unlock it (the user admin's "Unlock sign-in"), and the lock is audited.
- SIGN_IN_FAILURES_PER_ADDRESS failures from one address in the window refuse further attempts from it.
- The client address is the connection's, or, with TRUSTED_PROXIES = n, the one the n-th proxy from the right
  wrote in X-Forwarded-For: a header the client sends is never believed by default.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tumorboard.audit import audit_write
from tumorboard.middleware import client_address
from tumorboard.models import AuditAction

logger = logging.getLogger(__name__)


@dataclass
class SignInRefused(Exception):
    code: str  # account_locked, too_many_attempts
    message: str
    retry_after: int  # seconds


def _keys(request, username: str) -> tuple[str, str, str]:
    """The cache keys of the account's failures, the address's failures and the account's lock."""
    # hashed: a username is whatever a client typed (a cache key must stay short and plain)
    account = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    address = client_address(request) if request is not None else ""
    return f"sign-in:fail:account:{account}", f"sign-in:fail:address:{address}", f"sign-in:lock:{account}"


def _window() -> int:
    return settings.SIGN_IN_FAILURE_WINDOW_MINUTES * 60


def sign_in_check(request, username: str) -> None:
    """Before checking a password: raise SignInRefused while the account is locked or the address is over its limit."""
    _, address_key, lock_key = _keys(request, username)
    locked_until = cache.get(lock_key)
    if locked_until is not None and locked_until > time.time():
        seconds = int(locked_until - time.time()) + 1
        minutes = math.ceil(seconds / 60)
        raise SignInRefused(
            "account_locked",
            f"Too many failed sign-ins: this account is locked for {minutes} more minute{'s' if minutes != 1 else ''}. "
            "Try again then, or ask your administrator to unlock it.",
            seconds,
        )
    if (cache.get(address_key) or 0) >= settings.SIGN_IN_FAILURES_PER_ADDRESS:
        raise SignInRefused(
            "too_many_attempts",
            "Too many failed sign-ins from your address. Wait a few minutes before you try again.",
            _window(),
        )


def _count(key: str) -> int:
    cache.add(key, 0, timeout=_window())  # the window starts at the first failure
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=_window())
        return 1


def sign_in_failed(request, username: str) -> None:
    """A wrong password (or second-factor code): count it; lock the account at the limit (audited)."""
    account_key, address_key, lock_key = _keys(request, username)
    _count(address_key)
    if _count(account_key) >= settings.SIGN_IN_FAILURES_PER_ACCOUNT:
        lockout = settings.SIGN_IN_LOCKOUT_MINUTES * 60
        if cache.add(lock_key, time.time() + lockout, timeout=lockout):
            cache.delete(account_key)
            _lock_audit(username, client_address(request))


def sign_in_succeeded(request, username: str) -> None:
    """The right password and code: the account's failures are forgotten (the address's are not)."""
    cache.delete(_keys(request, username)[0])


def sign_in_unlock(username: str) -> None:
    """An administrator lifts an account's lock and forgets its failures."""
    account_key, _, lock_key = _keys(None, username)
    cache.delete_many([account_key, lock_key])


def _lock_audit(username: str, address: str) -> None:
    logger.warning("sign-in locked for %s minutes after repeated failures", settings.SIGN_IN_LOCKOUT_MINUTES)
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if user is not None:
        detail = {"minutes": settings.SIGN_IN_LOCKOUT_MINUTES, "address": address}
        audit_write(user=None, action=AuditAction.LOCKOUT, obj=user, detail=detail)
