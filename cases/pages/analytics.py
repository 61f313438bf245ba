"""The analytics page: the plan change rate by board and over time, follow-through with its reasons,
second-opinion turnaround and case volume, as server-drawn SVG charts with their figures in tables.

The figures are those of ``GET /api/v1/analytics/plan-changes/`` and ``/turnaround/`` (the same functions,
the same scope, the same filters refused); aggregates only, so nothing here is audited per case.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from cases.analytics import CATEGORIES, REASONS, case_volume, plan_change_stats, trial_figures
from cases.codes import ChangeCategory, Implemented, NotImplementedReason, SecondOpinionStatus, Urgency
from cases.pages.forms import AnalyticsQueryForm
from cases.turnaround import turnaround_stats
from scheduling.selectors import boards_visible_to
from tumorboard import charts
from tumorboard.charts import Bar
from tumorboard.web import attempt


def _filters(request) -> dict:
    # an empty field of the form means "any", not an invalid value
    return {key: value for key, value in request.GET.items() if key in ("board", "from", "to") and value != ""}


def _charts(user, params: dict) -> dict:
    scope = {"board": params.get("board"), "date_from": params.get("from"), "date_to": params.get("to")}
    changes = plan_change_stats(user, **scope)
    turnaround = turnaround_stats(user, urgency=None, **scope)
    volume = case_volume(user, **scope)
    follow = changes["follow_through"]
    category_labels, reason_labels = dict(ChangeCategory.choices), dict(NotImplementedReason.choices)
    urgency_labels, status_labels = dict(Urgency.choices), dict(SecondOpinionStatus.choices)

    by_month: dict[str, int] = defaultdict(int)
    for row in volume:
        by_month[row["month"]] += row["cases"]
    rate = {"fmt": charts.percent, "scale_max": 1}
    return {
        "changes": changes,
        "turnaround": turnaround,
        "volume": volume,
        "category_rows": [(category_labels[c], changes["by_category"][c]) for c in CATEGORIES],
        "reason_rows": [(reason_labels[r], follow["reasons"][r]) for r in REASONS],
        "by_board_chart": charts.bar_chart(
            [Bar(r["name"], r["change_rate"], f"{r['changed']} of {r['cases']} cases") for r in changes["by_board"]],
            title="Plan change rate by board",
            **rate,
        ),
        "by_month_chart": charts.column_chart(
            [Bar(r["month"], r["change_rate"]) for r in changes["by_month"]], title="Plan change rate by month", **rate
        ),
        "category_chart": charts.bar_chart(
            [Bar(category_labels[c], changes["by_category"][c]) for c in CATEGORIES if changes["by_category"][c]],
            title="What the board changed (cases)",
        ),
        "follow_chart": charts.stacked_bar(
            [Bar(label, follow[code]) for code, label in Implemented.choices],
            title="Follow-through of board plans (latest follow-up per plan)",
        ),
        "reason_chart": charts.bar_chart(
            [Bar(reason_labels[r], follow["reasons"][r]) for r in REASONS if follow["reasons"][r]],
            title="Why a plan was not (fully) carried out (plans)",
        ),
        "turnaround_chart": charts.bar_chart(
            [
                Bar(f"{urgency_labels[r['urgency']]} · median", r["median_hours"], f"{r['completed']} reports")
                for r in turnaround["by_urgency"]
            ]
            + [Bar(f"{urgency_labels[r['urgency']]} · p90", r["p90_hours"]) for r in turnaround["by_urgency"]],
            title="Second-opinion turnaround, request to report (hours)",
            fmt=lambda hours: f"{hours:g} h",
        ),
        "status_rows": [(status_labels[s], n) for s, n in turnaround["by_status"].items() if n],
        "urgency_rows": [{**r, "label": urgency_labels[r["urgency"]]} for r in turnaround["by_urgency"]],
        "volume_chart": charts.column_chart(
            [Bar(month, n) for month, n in sorted(by_month.items())], title="Cases submitted per month"
        ),
    }


@login_required
@require_GET
def analytics_page(request):
    """Figures of the cases and second opinions the user may see; a filter the API would refuse is shown
    with its reason (400) and no figures."""
    params = _filters(request)
    outcome = attempt(lambda: AnalyticsQueryForm(params).params())
    context = {
        "boards": boards_visible_to(request.user).order_by("name"),
        "params": params,
        "errors": outcome.by_field(),
    }
    if outcome.ok:
        context.update(_charts(request.user, outcome.value), trial_rows=trial_figures(request.user))
    return render(request, "cases/pages/analytics.html", context, status=outcome.status)


urlpatterns = [
    path("analytics/", analytics_page, name="analytics"),
]
