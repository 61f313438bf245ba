from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from specialists.api.filters import SpecialistFilter
from specialists.api.serializers import (
    InstitutionSerializer,
    MeSerializer,
    SpecialistSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from specialists.models import User
from specialists.selectors import institutions_visible_to, specialists_visible_to
from tumorboard.api.errors import ErrorSerializer
from tumorboard.api.views import PublicIdMixin


class TokenThrottle(AnonRateThrottle):
    rate = "30/min"


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            429: OpenApiResponse(ErrorSerializer, description="Too many attempts; retry after Retry-After seconds."),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


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
