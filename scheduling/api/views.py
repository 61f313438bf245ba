from rest_framework import viewsets

from scheduling.api.filters import BoardFilter, MeetingFilter
from scheduling.api.serializers import BoardSerializer, MeetingSerializer
from scheduling.selectors import boards_visible_to, meetings_visible_to
from tumorboard.api.views import PublicIdMixin


class BoardViewSet(PublicIdMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = BoardSerializer
    filterset_class = BoardFilter

    def get_queryset(self):
        return boards_visible_to(self.request.user).select_related("institution")


class MeetingViewSet(PublicIdMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self):
        return meetings_visible_to(self.request.user).select_related("board")
