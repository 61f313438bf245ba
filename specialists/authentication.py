"""API token authentication: django-rest-knox's, one query per request.

Knox looks at every other token of the user on each request to delete the expired ones, a second query (and writes)
on every call; here a request looks only at its own token (an expired one is refused and deleted), and the hourly
``specialists.tasks.tokens_expired_delete`` clears the rest."""

from __future__ import annotations

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken


class TokenAuthentication(KnoxTokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


def tokens_expired_delete() -> int:
    """Delete every expired token; how many."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
