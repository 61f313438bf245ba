from django.contrib.auth import authenticate
from rest_framework import serializers

from specialists.models import BoardMembership, Institution, User


class InstitutionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Institution
        fields = ["id", "name", "kind"]


class SpecialistSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    institution = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "name", "specialty", "institution"]


class MembershipSerializer(serializers.ModelSerializer):
    board = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    board_name = serializers.CharField(source="board.name", read_only=True)

    class Meta:
        model = BoardMembership
        fields = ["board", "board_name", "role"]


class MeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    institution = InstitutionSerializer(read_only=True, allow_null=True)
    boards = MembershipSerializer(source="memberships", many=True, read_only=True)
    is_admin = serializers.BooleanField(source="is_superuser", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "institution", "specialty", "boards", "is_admin"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        user = authenticate(self.context["request"], username=attrs["username"], password=attrs["password"])
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"password": ["Unable to log in with these credentials."]}, code="invalid_credentials"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
