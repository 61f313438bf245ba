"""GET /api/v1/analytics/plan-changes/: the change rate and follow-through of the board's plans (SPEC §5.4, §6).

Thin: the query parameters are validated here, the figures come from ``cases.analytics.plan_change_stats``
(scoped by ``cases_visible_to``). Aggregates only, no patient data: no per-case audit rows.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import turnaround
from cases.analytics import CATEGORIES, REASONS, plan_change_stats
from cases.codes import ChangeCategory, DiseaseSite, NotImplementedReason, SecondOpinionStatus, Urgency
from tumorboard.api.fields import StrictCharField

# --- Query parameters -------------------------------------------------------------------------------------


class PlanChangeQuerySerializer(serializers.Serializer):
    board = serializers.UUIDField(
        required=False, help_text="A board's id; a board you cannot see gives zeros, as one with no cases does."
    )
    to = serializers.DateField(required=False, help_text="Decided on or before this date (TIME_ZONE), inclusive.")
    primary_site = serializers.ChoiceField(choices=DiseaseSite.choices, required=False)

    def get_fields(self):
        # ``from`` is a Python keyword: added here rather than declared.
        fields = super().get_fields()
        fields["from"] = serializers.DateField(
            required=False, help_text="Decided on or after this date (TIME_ZONE), inclusive."
        )
        return fields

    def validate(self, attrs):
        if "from" in attrs and "to" in attrs and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["Must be on or after from."]})
        return attrs


# --- Response ---------------------------------------------------------------------------------------------


def _counts_serializer(name: str, codes: tuple[str, ...], labels: dict[str, str], doc: str):
    fields = {code: serializers.IntegerField(min_value=0, help_text=str(labels[code])) for code in codes}
    return type(name, (serializers.Serializer,), {**fields, "__doc__": doc})


ChangeCategoryCountsSerializer = _counts_serializer(
    "ChangeCategoryCountsSerializer",
    CATEGORIES,
    dict(ChangeCategory.choices),
    "For each change category, how many of the counted cases show it (a case may show several).",
)
NotImplementedReasonCountsSerializer = _counts_serializer(
    "NotImplementedReasonCountsSerializer",
    REASONS,
    dict(NotImplementedReason.choices),
    "For each reason, how many latest follow-ups answered partial or no with it.",
)


class ChangeRateSerializer(serializers.Serializer):
    cases = serializers.IntegerField(min_value=0, help_text="Cases compared with a proposed plan.")
    changed = serializers.IntegerField(min_value=0, help_text="Of those, cases whose plan the board changed.")
    change_rate = serializers.FloatField(
        allow_null=True, min_value=0, max_value=1, help_text="changed / cases, 3 decimals; null when cases is 0."
    )


class GroupChangeRateSerializer(ChangeRateSerializer):
    # the group's key first, then its counts
    def get_fields(self):
        fields = super().get_fields()
        return {name: field for name, field in fields.items() if name not in RATE_FIELDS} | {
            name: fields[name] for name in RATE_FIELDS
        }


RATE_FIELDS = ("cases", "changed", "change_rate")


class BoardChangeRateSerializer(GroupChangeRateSerializer):
    board = serializers.UUIDField(help_text="The deciding board's id.")
    name = StrictCharField(help_text="The board's name.")


class SiteChangeRateSerializer(GroupChangeRateSerializer):
    primary_site = serializers.ChoiceField(choices=DiseaseSite.choices, help_text="The case's primary site.")


class MonthChangeRateSerializer(GroupChangeRateSerializer):
    month = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM, the decision's month in TIME_ZONE.")


class FollowThroughSerializer(serializers.Serializer):
    plans = serializers.IntegerField(min_value=0, help_text="Latest board plans of the cases counted.")
    recorded = serializers.IntegerField(min_value=0, help_text="Of those, plans with a follow-up recorded.")
    yes = serializers.IntegerField(min_value=0, help_text="Latest follow-up: implemented.")
    partial = serializers.IntegerField(min_value=0, help_text="Latest follow-up: partially implemented.")
    no = serializers.IntegerField(min_value=0, help_text="Latest follow-up: not implemented.")
    rate = serializers.FloatField(
        allow_null=True, min_value=0, max_value=1, help_text="yes / recorded, 3 decimals; null when none is recorded."
    )
    reasons = NotImplementedReasonCountsSerializer()
    due = serializers.IntegerField(
        min_value=0, help_text="Plans older than FOLLOW_UP_DUE_DAYS still awaiting follow-through."
    )


class PlanChangeStatsSerializer(ChangeRateSerializer):
    without_proposed = serializers.IntegerField(
        min_value=0, help_text="Cases decided without a proposed plan to compare with: not in the change rate."
    )
    by_category = ChangeCategoryCountsSerializer()
    by_board = BoardChangeRateSerializer(many=True)
    by_site = SiteChangeRateSerializer(many=True)
    by_month = MonthChangeRateSerializer(many=True)
    follow_through = FollowThroughSerializer()


DESCRIPTION = """\
How often the board changes the presenter's plan, and whether its recommendations are carried out. Aggregates
only, over the cases you may see (a board member: their boards' cases; a community hospital: its own; an admin:
all); a board you cannot see gives zeros.

- **The unit is a case**: the comparison of its latest board plan with the latest proposed plan (a case
  discussed twice counts once, at its latest decision). `cases` counts them, `changed` those the board changed,
  `change_rate` = changed / cases (3 decimals, null when there is no case).
- `without_proposed`: cases decided with no proposed plan to compare with; not in the change rate.
- `by_category`: how many of the counted cases show each category (all 8; a case may show several).
- `by_board`, `by_site`, `by_month`: the change rate by the deciding board, the case's primary site and the
  month of the decision (the meeting's start, in the server's TIME_ZONE, `YYYY-MM`).
- `follow_through`: over the latest board plan of every case counted or without a proposed plan: `recorded`
  plans have a follow-up (the latest one counts), `rate` = yes / recorded, `reasons` of partial/no answers, `due`
  plans are older than FOLLOW_UP_DUE_DAYS with no follow-up.
- Filters: `board`, `from`/`to` (inclusive local dates of the decision), `primary_site`.
"""


class PlanChangeAnalyticsView(APIView):
    """Plan change rate and follow-through (SPEC §5.4, §6): figures, never patient data."""

    @extend_schema(
        operation_id="analytics_plan_changes_retrieve",
        summary="Plan change rate and follow-through",
        description=DESCRIPTION,
        tags=["analytics"],
        parameters=[PlanChangeQuerySerializer],
        responses=PlanChangeStatsSerializer,
    )
    def get(self, request):
        # a plain dict: DRF would read an empty value of a QueryDict as "not given"; the document (a uuid, a date,
        # a site code) says it is invalid, and so it is answered.
        query = PlanChangeQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        stats = plan_change_stats(
            request.user,
            board=params.get("board"),
            date_from=params.get("from"),
            date_to=params.get("to"),
            primary_site=params.get("primary_site"),
        )
        return Response(PlanChangeStatsSerializer(stats).data)


# --- Second-opinion turnaround ------------------------------------------------------------------------------


class TurnaroundQuerySerializer(PlanChangeQuerySerializer):
    primary_site = None
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"].help_text = "Requested on or after this date (TIME_ZONE), inclusive."
        fields["to"].help_text = "Requested on or before this date (TIME_ZONE), inclusive."
        return fields


class TurnaroundSummarySerializer(serializers.Serializer):
    requests = serializers.IntegerField(min_value=0)
    completed = serializers.IntegerField(min_value=0, help_text="Requests whose report was sent.")
    median_hours = serializers.FloatField(allow_null=True, help_text="Median request-to-report time, hours.")
    p90_hours = serializers.FloatField(allow_null=True, help_text="90th percentile request-to-report time, hours.")
    on_time = serializers.IntegerField(min_value=0, help_text="Reports sent by the due date.")
    on_time_rate = serializers.FloatField(allow_null=True, min_value=0, max_value=1)


class UrgencyTurnaroundSerializer(TurnaroundSummarySerializer):
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    overdue = serializers.IntegerField(min_value=0)


class OverdueRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField()
    board = serializers.UUIDField(allow_null=True)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    status = serializers.ChoiceField(choices=SecondOpinionStatus.choices)
    due_at = serializers.DateTimeField()
    hours_overdue = serializers.FloatField()


SecondOpinionStatusCountsSerializer = _counts_serializer(
    "SecondOpinionStatusCountsSerializer",
    tuple(SecondOpinionStatus.values),
    dict(SecondOpinionStatus.choices),
    "How many of the requests counted are in each status.",
)


class TurnaroundStatsSerializer(TurnaroundSummarySerializer):
    open = serializers.IntegerField(min_value=0, help_text="Requests still waiting for something.")
    overdue_count = serializers.IntegerField(min_value=0, help_text="Open requests past their due date.")
    by_status = SecondOpinionStatusCountsSerializer()
    by_urgency = UrgencyTurnaroundSerializer(many=True)
    overdue = OverdueRequestSerializer(many=True, help_text="The 100 most overdue open requests, most overdue first.")


class TurnaroundAnalyticsView(APIView):
    """Second-opinion turnaround (SPEC §5.5, §6): figures and ids, never patient data."""

    @extend_schema(
        operation_id="analytics_turnaround_retrieve",
        summary="Second-opinion turnaround",
        description=turnaround.__doc__,
        tags=["analytics"],
        parameters=[TurnaroundQuerySerializer],
        responses=TurnaroundStatsSerializer,
    )
    def get(self, request):
        query = TurnaroundQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        stats = turnaround.turnaround_stats(
            request.user,
            board=params.get("board"),
            urgency=params.get("urgency"),
            date_from=params.get("from"),
            date_to=params.get("to"),
        )
        return Response(TurnaroundStatsSerializer(stats).data)
