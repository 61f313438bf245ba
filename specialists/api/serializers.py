from rest_framework import serializers

from specialists.models import BoardMembership, Institution, User
from tumorboard.api.fields import ModelSerializer, StrictCharField


class InstitutionSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "name", "kind"]


class SpecialistSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = StrictCharField(read_only=True)
    institution = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "name", "specialty", "institution"]


class MembershipSerializer(ModelSerializer):
    board = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    board_name = StrictCharField(source="board.name", read_only=True)

    class Meta:
        model = BoardMembership
        fields = ["board", "board_name", "role"]


class MeSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = StrictCharField(read_only=True)
    institution = InstitutionSerializer(read_only=True, allow_null=True)
    boards = MembershipSerializer(source="memberships", many=True, read_only=True)
    is_admin = serializers.BooleanField(source="is_superuser", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "institution", "specialty", "boards", "is_admin"]


class TokenRequestSerializer(serializers.Serializer):
    username = StrictCharField(max_length=150)
    password = StrictCharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        help_text="The 6-digit code of your authenticator app: required when you have two-factor authentication "
        "(every staff user has).",
        error_messages={"invalid": "Enter the 6-digit code of your authenticator app."},
    )


class TokenSerializer(serializers.Serializer):
    token = StrictCharField(help_text="Send it as `Authorization: Token <token>`; shown once, stored hashed.")
    id = StrictCharField(help_text="The token's public prefix, to tell it apart in the list and revoke it.")
    expiry = serializers.DateTimeField()


class TokenListSerializer(serializers.Serializer):
    id = StrictCharField(source="token_key")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.SerializerMethodField(help_text="The token this request was made with.")

    def get_current(self, token) -> bool:
        return token.digest == getattr(self.context["request"].auth, "digest", None)
