"""API token authentication: django-rest-knox's, one query per request.

Knox looks at every other token of the user on each request to delete the expired ones, a second query (and writes)
on every call; here a request looks only at its own token (an expired one is refused and deleted), and the hourly
``specialists.tasks.tokens_expired_delete`` clears the rest."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
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


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How /api/schema/ documents the token: the ``Authorization: Token <token>`` header."""

    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A token from POST /api/v1/auth/token/, sent as "Token <token>".',
        }
