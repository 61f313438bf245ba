"""API token authentication: django-rest-knox's, one query per request.

Knox looks at every other token of the user on each request to delete the expired ones, a second query (and writes)
on every call; here a request looks only at its own token (an expired one is refused and deleted), and the hourly
``specialists.tasks.tokens_expired_delete`` clears the rest. The token, its user and the user's board memberships (what
the access policy scopes every read by) come in that one query, written once as SQL: knox's ORM query and the
memberships' second one cost a case's detail a fifth of its time (issue 20). Nothing is cached between requests, so a
revoked or expired token, a deactivated user or a changed membership takes effect at the next request."""

from __future__ import annotations

import binascii
from functools import cache
from hmac import compare_digest

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from specialists.access import memberships_preloaded, memberships_sql
from specialists.models import User
from tumorboard.database import prepared_cursor


@cache
def _token_sql() -> str:
    token, user = AuthToken._meta, User._meta
    columns = [f't."{field.column}"' for field in token.concrete_fields]
    columns += [f'u."{field.column}"' for field in user.concrete_fields]
    columns.append("(" + memberships_sql('u."id"') + ")")
    return (
        f"SELECT {', '.join(columns)} "  # noqa: S608 - names of tables and columns, no input
        f'FROM "{token.db_table}" t JOIN "{user.db_table}" u ON u."id" = t."user_id" WHERE t."token_key" = %s'
    )


def _tokens(token_key: str) -> list[AuthToken]:
    """The tokens of ``token_key`` (one, but for a collision) with their users and the users' memberships."""
    tokens = []
    with prepared_cursor() as cursor:
        cursor.execute(_token_sql(), [token_key])
        rows = cursor.fetchall()
    split = len(AuthToken._meta.concrete_fields)
    for row in rows:
        auth_token = AuthToken.from_db(DEFAULT_DB_ALIAS, None, row[:split])
        user = User.from_db(DEFAULT_DB_ALIAS, None, row[split:-1])
        memberships_preloaded(user, row[-1])
        AuthToken.user.field.set_cached_value(auth_token, user)
        tokens.append(auth_token)
    return tokens


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate_credentials(self, token):
        """Knox's, reading the tokens with ``_tokens`` (PostgreSQL; knox's own query on the embedded SQLite)."""
        if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
            return super().authenticate_credentials(token)
        message = _("Invalid token.")
        token = token.decode("utf-8")
        for auth_token in _tokens(token[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(message) from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(message)

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
