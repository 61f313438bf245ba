from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from specialists.api.filters import SpecialistFilter
from specialists.api.serializers import (
    InstitutionSerializer,
    MeSerializer,
    SpecialistSerializer,
    TokenListSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from specialists.models import User
from specialists.selectors import institutions_visible_to, specialists_visible_to
from specialists.services import TokenRefused, api_token_issue, api_tokens_revoke
from tumorboard.api.errors import ErrorSerializer, errors_response
from tumorboard.api.views import PublicIdMixin


class TokenView(APIView):
    """Exchange a username, password and (with two-factor authentication) the current code for a new API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="Wrong credentials (`invalid_credentials`), or the "
                "second-factor code missing (`otp_required`) or wrong (`otp_invalid`).",
            ),
            403: OpenApiResponse(
                ErrorSerializer, description="Staff without two-factor set up (`mfa_setup_required`)."
            ),
            429: OpenApiResponse(
                ErrorSerializer,
                description="The account is locked (`account_locked`) or the "
                "address made too many failed attempts (`too_many_attempts`); see Retry-After.",
            ),
        },
        auth=[],
    )
    def post(self, request):
        params = TokenRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            row, token = api_token_issue(request=request, **params.validated_data)
        except TokenRefused as refused:
            # answered, not raised: a lock this refusal set (and its audit row) must commit
            error = {"field": refused.field, "code": refused.code, "message": refused.message}
            headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after else None
            return errors_response(refused.status, [error], headers=headers)
        return Response(TokenSerializer({"token": token, "id": row.token_key, "expiry": row.expiry}).data)


class TokensView(APIView):
    """Your API tokens: list them; DELETE revokes them all (sign out everywhere)."""

    @extend_schema(responses=TokenListSerializer(many=True), summary="Your API tokens")
    def get(self, request):
        tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
        return Response(TokenListSerializer(tokens, many=True, context={"request": request}).data)

    @extend_schema(
        request=None, responses={204: None}, summary="Revoke all your API tokens", operation_id="auth_tokens_revoke_all"
    )
    def delete(self, request):
        api_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenDetailView(APIView):
    """One of your API tokens, by its id (its public prefix)."""

    @extend_schema(
        request=None,
        responses={204: None, 404: ErrorSerializer},
        summary="Revoke one of your API tokens",
        operation_id="auth_tokens_revoke",
    )
    def delete(self, request, token_id: str):
        if not api_tokens_revoke(user=request.user, token_id=token_id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        # not type(request.user): with session auth that is the middleware's lazy wrapper
        user = User.objects.select_related("institution").prefetch_related("memberships__board")
        return Response(MeSerializer(user.get(pk=request.user.pk)).data)


class InstitutionViewSet(PublicIdMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InstitutionSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return institutions_visible_to(self.request.user)


class SpecialistViewSet(PublicIdMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SpecialistSerializer
    filterset_class = SpecialistFilter

    def get_queryset(self):
        return specialists_visible_to(self.request.user).select_related("institution")
