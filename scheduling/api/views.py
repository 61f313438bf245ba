import datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.lifecycle.agenda import meeting_transition
from scheduling import ical
from scheduling.api.filters import BoardFilter, MeetingFilter
from scheduling.api.serializers import (
    MEETING_START_BODY,
    BoardMemberSerializer,
    BoardSerializer,
    GenerateMeetingsResultSerializer,
    GenerateMeetingsSerializer,
    MeetingActionSerializer,
    MeetingCancelSerializer,
    MeetingCreateSerializer,
    MeetingSerializer,
    ReasonSerializer,
)
from scheduling.attendance import calendar_feed_for, calendar_feed_url, meeting_invite
from scheduling.models import Attendance, Meeting, MeetingStatus
from scheduling.selectors import board_members, boards_targetable_by, boards_visible_to, meetings_visible_to
from scheduling.services import (
    board_create,
    board_member_remove,
    board_member_set,
    board_update,
    meeting_create_one_off,
    meetings_generate_by,
)
from specialists.models import User
from tumorboard.api.views import JSONErrorsMixin, PublicIdMixin


class ICalendarRenderer(BaseRenderer):
    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


MEMBER = OpenApiParameter("user_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The member's user id")


class BoardMembersMixin:
    """``/boards/{id}/members/``: who is on a board, with specialty and role; its coordinators add people of the
    board's institution, change their role and take them off (``board_member_set`` / ``board_member_remove``, which
    the boards pages call too, and which never leave a board without a coordinator)."""

    @extend_schema(responses=BoardMemberSerializer(many=True), summary="The board's members")
    @action(detail=True, methods=["get"], pagination_class=None)
    def members(self, request, id=None):
        return Response(BoardMemberSerializer(board_members(self.get_object()), many=True).data)

    @extend_schema(
        methods=["PUT"],
        parameters=[MEMBER],
        request=BoardMemberSerializer,
        responses=BoardMemberSerializer,
        summary="Add a colleague to the board, or change their role (coordinators)",
    )
    @extend_schema(methods=["DELETE"], parameters=[MEMBER], request=None, responses={204: None},
                   summary="Take a member off the board (coordinators; never its last coordinator)")  # fmt: skip
    @action(detail=True, methods=["put", "delete"], url_path=r"members/(?P<user_id>[0-9a-fA-F-]{36})")
    def member(self, request, id=None, user_id=None):
        board = self.get_object()
        member = get_object_or_404(User, public_id=user_id, institution_id=board.institution_id)
        if request.method == "DELETE":
            board_member_remove(user=request.user, board=board, member=member)
            return Response(status=status.HTTP_204_NO_CONTENT)
        params = BoardMemberSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        membership = board_member_set(user=request.user, board=board, member=member, role=params.validated_data["role"])
        return Response(BoardMemberSerializer(membership).data)


class BoardViewSet(BoardMembersMixin, PublicIdMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Boards of your institution. Its coordinators create and change them."""

    serializer_class = BoardSerializer
    filterset_class = BoardFilter
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return boards_visible_to(self.request.user).select_related("institution")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        board = board_create(user=request.user, data=dict(serializer.validated_data))
        return Response(self.get_serializer(board).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        board = self.get_object()
        serializer = self.get_serializer(board, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        board = board_update(user=request.user, board=board, data=dict(serializer.validated_data))
        return Response(self.get_serializer(board).data)

    @extend_schema(request=GenerateMeetingsSerializer, responses=GenerateMeetingsResultSerializer)
    @action(detail=True, methods=["post"], url_path="generate-meetings")
    def generate_meetings(self, request, id=None):
        """Create the board's meetings from its recurrence up to ``until``; running it again adds nothing."""
        board = self.get_object()
        params = GenerateMeetingsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        tz = ZoneInfo(board.timezone)
        until = datetime.datetime.combine(params.validated_data["until"], datetime.time.max, tzinfo=tz)
        created = meetings_generate_by(user=request.user, board=board, until=until)
        meetings = Meeting.objects.filter(
            board=board, status=MeetingStatus.SCHEDULED, starts_at__gte=datetime.datetime.now(tz), starts_at__lte=until
        ).count()
        return Response({"created": created, "meetings": meetings})


ACTION_BODIES = {"start": MEETING_START_BODY, "complete": ReasonSerializer, "cancel": MeetingCancelSerializer}
ACTION_HELP = {
    "start": "Start the meeting. Before its day (in the board's time zone) or with its quorum missing: 409 "
    "`start_needs_confirmation` unless `confirm` is true with a `reason`, which the transition keeps.",
    "complete": "Complete the meeting; the cases not presented roll over to the next meeting with room (each "
    "rolled item names it in `rolled_to` and its note).",
    "cancel": "Cancel the meeting: `reason` and `confirm: true` are required; the invitees are told and the "
    "agenda rolls over.",
}


def _meeting_action(name: str):
    def view(self, request, id=None):
        meeting = self.get_object()
        params = MeetingActionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        meeting_transition(user=request.user, meeting=meeting, action_name=name, **params.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)

    view.__name__ = name
    view.__doc__ = ACTION_HELP[name]
    view = action(detail=True, methods=["post"])(view)
    return extend_schema(
        request=ACTION_BODIES[name],
        responses=MeetingSerializer,
        summary=f"{name} the meeting",
    )(view)


class MeetingViewSet(JSONErrorsMixin, PublicIdMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Meetings of the boards you can see, with quorum. Coordinators add one-off meetings and run them."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self):
        attendances = Prefetch("attendances", queryset=Attendance.objects.select_related("user"))
        return meetings_visible_to(self.request.user).select_related("board").prefetch_related(attendances)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def create(self, request, *args, **kwargs):
        params = MeetingCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        board = boards_targetable_by(request.user).filter(public_id=params.validated_data["board"]).first()
        if board is None:
            raise serializers.ValidationError({"board": ["No such board."]}, code="does_not_exist")
        meeting = meeting_create_one_off(
            user=request.user,
            board=board,
            starts_at=params.validated_data["starts_at"],
            duration_minutes=params.validated_data.get("duration_minutes"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data, status=201)

    start = _meeting_action("start")
    complete = _meeting_action("complete")
    cancel = _meeting_action("cancel")

    @extend_schema(request=None, responses=MeetingSerializer, summary="Invite the board's members (e-mail + .ics)")
    @action(detail=True, methods=["post"])
    def invite(self, request, id=None):
        meeting = self.get_object()
        meeting_invite(user=request.user, meeting=meeting)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY}, summary="The iCalendar invitation")
    def invite_ics(self, request, id=None):
        """Routed in config/api.py as ``meetings/{id}/invite.ics`` (no trailing slash, as SPEC §6 names it)."""
        meeting = self.get_object()
        response = HttpResponse(ical.invitation(meeting), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.public_id}.ics"'
        return response


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Private: anyone with this URL sees your meeting times (no patient data).")


class CalendarFeedView(APIView):
    """Your private iCalendar feed of the meetings of your boards. POST makes a new URL, revoking the old."""

    @extend_schema(responses=CalendarFeedSerializer)
    def get(self, request):
        return Response({"url": calendar_feed_url(calendar_feed_for(request.user))})

    @extend_schema(request=None, responses=CalendarFeedSerializer)
    def post(self, request):
        feed = calendar_feed_for(request.user)
        feed.rotate()
        return Response({"url": calendar_feed_url(feed)})
