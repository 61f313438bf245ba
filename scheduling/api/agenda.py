"""Agenda and attendance endpoints under /meetings/{meeting_id}/: thin views over scheduling services."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiTypes,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.lifecycle import agenda as lifecycle
from cases.quorum import case_quorum
from cases.selectors import agenda_items_visible_to, case_named
from scheduling import attendance as attendance_services
from scheduling.models import AgendaItem, Attendance, Meeting, Rsvp
from scheduling.selectors import meeting_invitees_named, meeting_member_named, meeting_named, meetings_visible_to
from specialists.models import User
from tumorboard.api.fields import ModelSerializer, StrictCharField
from tumorboard.api.views import AuditedListMixin, PublicIdMixin

MEETING_ID = OpenApiParameter("meeting_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The meeting's id")


class QuorumSerializer(serializers.Serializer):
    met = serializers.BooleanField()
    missing = serializers.ListField(child=StrictCharField())


class AgendaItemSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    urgency = StrictCharField(source="case.urgency", read_only=True)
    primary_site = StrictCharField(source="case.primary_site", read_only=True)
    case_status = StrictCharField(source="case.status", read_only=True)
    present = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    rolled_to = serializers.SlugRelatedField(
        slug_field="public_id",
        read_only=True,
        allow_null=True,
        help_text="A rolled-over item: the meeting its case was rolled to (null when no meeting had room then).",
    )
    status_label = StrictCharField(
        read_only=True, help_text="The status in words; a roll-over names the meeting (its local start)."
    )
    quorum = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = [
            "id", "case", "position", "minutes", "status", "status_label", "note", "urgency", "primary_site",
            "case_status", "present", "rolled_to", "quorum",
        ]  # fmt: skip

    @extend_schema_field(QuorumSerializer)
    def get_quorum(self, item: AgendaItem) -> dict:
        meeting = self.context["meeting"]
        return case_quorum(item.case, meeting, self.context["attendances"], list(item.present.all())).as_dict()


class AgendaAddSerializer(serializers.Serializer):
    case = serializers.UUIDField()
    minutes = serializers.IntegerField(required=False, min_value=1, max_value=600)


class AgendaChangeSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(required=False, min_value=1, max_value=600)
    meeting = serializers.UUIDField(required=False, help_text="Move the item to this meeting of the same board.")

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Give minutes or meeting.")
        return attrs


class AgendaRemoveSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=4000, default="")


class AgendaReorderSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.UUIDField(), max_length=500)


class PresenceSerializer(serializers.Serializer):
    users = serializers.ListField(child=serializers.UUIDField(), max_length=100)


def presence_users(meeting, data) -> list:
    """The people ``data`` names as present for a case of ``meeting`` (validated; only those invited to it)."""
    params = PresenceSerializer(data=data)
    params.is_valid(raise_exception=True)
    return meeting_invitees_named(meeting, params.validated_data["users"])


class AttendanceSerializer(ModelSerializer):
    specialist = serializers.UUIDField(source="user.public_id", read_only=True)
    name = StrictCharField(source="user.name", read_only=True)
    specialty = StrictCharField(source="user.specialty", read_only=True)
    guest = serializers.SerializerMethodField()

    class Meta:
        model = Attendance
        fields = ["specialist", "name", "specialty", "rsvp", "present", "remote", "checked_in_at", "guest"]

    def get_guest(self, attendance: Attendance) -> bool:
        return attendance.guest_case_id is not None


class RsvpSerializer(serializers.Serializer):
    rsvp = serializers.ChoiceField(choices=[Rsvp.ACCEPTED, Rsvp.DECLINED, Rsvp.TENTATIVE])


class CheckInSerializer(serializers.Serializer):
    user = serializers.UUIDField(required=False, help_text="Coordinators check others in; default yourself.")
    remote = serializers.BooleanField(default=False)


def _attendances(meeting: Meeting):
    return list(meeting.attendances.select_related("user"))


class MeetingChildViewSet(PublicIdMixin, viewsets.GenericViewSet):
    """Resources of one meeting: the meeting is resolved through the selector first (404 if unseen)."""

    pagination_class = None
    filterset_class = None

    @property
    def meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            meetings = meetings_visible_to(self.request.user).select_related("board")
            self._meeting = get_object_or_404(meetings, public_id=self.kwargs["meeting_id"])
        return self._meeting


@extend_schema_view(
    list=extend_schema(parameters=[MEETING_ID], summary="The meeting's agenda (cases you may see)"),
    create=extend_schema(parameters=[MEETING_ID], request=AgendaAddSerializer, summary="Add a case"),
    partial_update=extend_schema(parameters=[MEETING_ID], request=AgendaChangeSerializer, summary="Resize or move"),
    destroy=extend_schema(parameters=[MEETING_ID], summary="Take the case off the agenda"),
)
class AgendaViewSet(MeetingChildViewSet, AuditedListMixin):
    serializer_class = AgendaItemSerializer
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AgendaItem.objects.none()
        return (
            agenda_items_visible_to(self.request.user, self.meeting)
            .select_related("case__board", "rolled_to__board")
            .prefetch_related(
                "case__biomarkers", Prefetch("present", queryset=User.objects.only("public_id", "specialty"))
            )
            .order_by("status", "position")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "meeting_id" in self.kwargs:
            context["meeting"] = self.meeting
            context["attendances"] = _attendances(self.meeting)
        return context

    def _item(self, id) -> AgendaItem:
        return get_object_or_404(self.get_queryset(), public_id=id)

    def create(self, request, *args, **kwargs):
        meeting = self.meeting  # 404 for a meeting you cannot see, before anything about the payload
        params = AgendaAddSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        case = case_named(request.user, params.validated_data["case"])
        item = lifecycle.agenda_add(
            user=request.user, meeting=meeting, case=case, minutes=params.validated_data.get("minutes")
        )
        return Response(self.get_serializer(self._item(item.public_id)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, id=None, **kwargs):
        item = self._item(id)
        params = AgendaChangeSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        if "minutes" in params.validated_data:
            item = lifecycle.agenda_item_resize(user=request.user, item=item, minutes=params.validated_data["minutes"])
        if "meeting" in params.validated_data:
            target = meeting_named(request.user, params.validated_data["meeting"])
            item = lifecycle.agenda_move(user=request.user, item=item, meeting=target)
            self._meeting = target
        return Response(self.get_serializer(self._item(item.public_id)).data)

    def destroy(self, request, id=None, **kwargs):
        item = self._item(id)
        params = AgendaRemoveSerializer(data=request.data)  # a body that is not an object is a 400
        params.is_valid(raise_exception=True)
        lifecycle.agenda_remove(user=request.user, item=item, reason=params.validated_data["reason"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[MEETING_ID], request=AgendaReorderSerializer, responses=AgendaItemSerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request, **kwargs):
        params = AgendaReorderSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        lifecycle.agenda_reorder(user=request.user, meeting=self.meeting, item_ids=params.validated_data["items"])
        return self.list(request)

    @extend_schema(parameters=[MEETING_ID], request=None, responses=AgendaItemSerializer)
    @action(detail=True, methods=["post"])
    def presented(self, request, id=None, **kwargs):
        item = lifecycle.agenda_item_presented(user=request.user, item=self._item(id))
        return Response(self.get_serializer(self._item(item.public_id)).data)

    @extend_schema(parameters=[MEETING_ID], request=PresenceSerializer, responses=AgendaItemSerializer)
    @action(detail=True, methods=["put"])
    def presence(self, request, id=None, **kwargs):
        item = self._item(id)
        users = presence_users(self.meeting, request.data)
        attendance_services.agenda_item_presence_set(user=request.user, item=item, users=users)
        return Response(self.get_serializer(self._item(item.public_id)).data)


@extend_schema_view(list=extend_schema(parameters=[MEETING_ID], summary="Who is invited, answered, present"))
class AttendanceViewSet(MeetingChildViewSet, mixins.ListModelMixin):
    serializer_class = AttendanceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attendance.objects.none()
        return self.meeting.attendances.select_related("user").order_by("user__specialty", "user__last_name")

    @extend_schema(parameters=[MEETING_ID], request=RsvpSerializer, responses=AttendanceSerializer)
    @action(detail=False, methods=["post"])
    def rsvp(self, request, **kwargs):
        params = RsvpSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        attendance = attendance_services.attendance_rsvp(
            user=request.user, meeting=self.meeting, answer=params.validated_data["rsvp"]
        )
        return Response(self.get_serializer(attendance).data)

    @extend_schema(parameters=[MEETING_ID], request=CheckInSerializer, responses=AttendanceSerializer)
    @action(detail=False, methods=["post"], url_path="check-in")
    def check_in(self, request, **kwargs):
        params = CheckInSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        target = None
        if "user" in params.validated_data:
            target = meeting_member_named(self.meeting, params.validated_data["user"])
        attendance = attendance_services.attendance_check_in(
            user=request.user, meeting=self.meeting, target=target, remote=params.validated_data["remote"]
        )
        return Response(self.get_serializer(attendance).data)
