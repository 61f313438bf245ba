"""/api/v1/me/tasks/: the caller's review tasks (issue 21; SPEC §9: case, specialty, due, status) and their claim.

Scoped by ``cases.selectors.review_tasks_for`` (another person's or institution's task is a 404); the list and a
task's read are audited (tumorboard.reads); ``cases.services.review_tasks.review_task_claim`` decides and writes."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cases import selectors
from cases.api.serializers import UserRefSerializer
from cases.codes import ReviewTaskStatus
from cases.filters import ReviewTaskFilter
from cases.models import ReviewTask
from cases.services.review_tasks import review_task_claim
from specialists.models import Specialty
from tumorboard.api.fields import ModelSerializer
from tumorboard.api.views import AuditedReadMixin, PublicIdMixin


class ReviewTaskSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    case_url = serializers.SerializerMethodField(help_text="The case's page, where the review is recorded.")
    case_api_url = serializers.SerializerMethodField()
    specialty = serializers.ChoiceField(choices=Specialty.choices, read_only=True)
    due = serializers.DateTimeField(source="due_at", read_only=True, help_text="The meeting's submission cut-off.")
    status = serializers.ChoiceField(choices=ReviewTaskStatus.choices, read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True, help_text="Open or claimed, past due.")
    meeting = serializers.UUIDField(source="agenda_item.meeting.public_id", read_only=True)
    meeting_starts_at = serializers.DateTimeField(source="agenda_item.meeting.starts_at", read_only=True)
    assignee = UserRefSerializer(read_only=True, allow_null=True, help_text="None: open to the specialty's members.")
    completed_by = UserRefSerializer(read_only=True, allow_null=True)
    review = serializers.UUIDField(source="review.public_id", default=None, read_only=True, allow_null=True)

    class Meta:
        model = ReviewTask
        fields = [
            "id", "case", "case_url", "case_api_url", "specialty", "due", "status", "overdue", "meeting",
            "meeting_starts_at", "assignee", "completed_by", "completed_at", "review", "escalated_at",
        ]  # fmt: skip

    def get_case_url(self, task: ReviewTask) -> str:
        return f"/cases/{task.case.public_id}/"

    def get_case_api_url(self, task: ReviewTask) -> str:
        return f"/api/v1/cases/{task.case.public_id}/"


@extend_schema_view(
    list=extend_schema(
        summary="My review tasks",
        description="Tasks assigned to the caller, or open to their specialty on their boards' cases, soonest due "
        "first. `status` (repeatable) and `overdue` filter them.",
    ),
    retrieve=extend_schema(summary="One of my review tasks"),
)
class ReviewTaskViewSet(
    PublicIdMixin, AuditedReadMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ReviewTaskSerializer
    filterset_class = ReviewTaskFilter

    def get_queryset(self):
        return (
            selectors.review_tasks_for(self.request.user)
            .select_related("case", "agenda_item__meeting", "assignee", "completed_by", "review")
            .order_by("due_at", "id")
        )

    @extend_schema(
        request=None,
        responses=ReviewTaskSerializer,
        summary="Claim an open task",
        description="A member of the task's specialty on the case's board takes it (a repeat is a no-op); 409 when "
        "another member holds it or it is done or cancelled.",
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, id=None):
        task = get_object_or_404(selectors.review_tasks_of_specialty(request.user), public_id=id)
        task = review_task_claim(user=request.user, task=task)
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)
