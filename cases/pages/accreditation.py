"""The accreditation report page: a board's (or the institution's) case conferences over a year, as server-drawn
SVG charts with their figures in tables, the CSV and PDF of the same figures, and the program's annual analytic
caseload form. The figures are those of ``GET /api/v1/analytics/accreditation/`` (``cases.accreditation``: the same
scope, the same refusals); each view and download is audited as one row of the report's scope.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from cases.accreditation import accreditation_report, report_scope, reporting_institution
from cases.pages.forms import AccreditationQueryForm, CaseloadForm
from cases.services.caseloads import caseload_record
from scheduling.selectors import boards_coordinated_by
from specialists.models import Specialty
from tumorboard import charts
from tumorboard.charts import Bar
from tumorboard.reads import audited_report
from tumorboard.web import attempt

REPORT = "cases.accreditation_report"
SPECIALTY_LABELS = dict(Specialty.choices)
RATES = (
    ("prospective", "Presented before the first treatment (prospective)"),
    ("staging_recorded", "Staging recorded"),
    ("guideline_discussed", "National guideline discussed"),
    ("trial_discussed", "Clinical trial discussed"),
    ("guideline_or_trial", "Guideline or trial discussed"),
    ("recommendations_recorded", "Recommendation recorded at the conference"),
)
CHART_LABELS = {  # the charts' room for a label is narrow
    "prospective": "Prospective",
    "staging_recorded": "Staging recorded",
    "guideline_discussed": "Guideline discussed",
    "trial_discussed": "Trial discussed",
    "guideline_or_trial": "Guideline or trial",
    "recommendations_recorded": "Recommendation recorded",
}


def _query(data) -> dict:
    # an empty field of the form means "any" (the institution, the current year), not an invalid value
    return {key: value for key, value in data.items() if key in ("board", "institution", "year") and value}


def _report(request, query: dict, view: str, *, download: str = ""):
    """The report of ``query``'s scope, audited; an Outcome (400/403 as errors; 404 raised)."""

    def run():
        params = AccreditationQueryForm(query).params()
        year = params["year"] or timezone.localdate().year
        scope = report_scope(request.user, board=params["board"], institution=params["institution"], year=year)
        report = accreditation_report(request.user, scope)
        audited_report(
            user=request.user,
            object_type=REPORT,
            object_id=(scope.board or scope.institution).public_id,
            detail={"view": view, "year": year, "scope": "board" if scope.board else "institution"}
            | ({"format": download} if download else {}),
            download=bool(download),
        )
        return report

    return attempt(run)


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def report_charts(report: dict) -> dict:
    """The page's and the PDF's charts, drawn from the report's figures."""
    n = report["presentations"]
    per_month = Counter(timezone.localtime(c["starts_at"]).strftime("%Y-%m") for c in report["conferences"])
    follow = report["decisions"]["follow_through"]
    rates = [Bar(CHART_LABELS[key], report[f"{key}_rate"], f"{report[key]} of {n}") for key, _ in RATES]
    rates.append(Bar("Plans carried out", follow["rate"], f"{follow['yes']} of {follow['recorded']}"))
    if report["caseload"]["share"] is not None:
        caseload = report["caseload"]
        rates.append(
            Bar(
                "Share of the caseload",
                caseload["share"],
                f"{report['cases']} of {caseload['analytic_cases']}",
            )
        )
    return {
        "attendance_chart": charts.bar_chart(
            [
                Bar(
                    SPECIALTY_LABELS[row["specialty"]],
                    row["rate"],
                    f"{row['conferences_attended']} of {row['conferences_required']}",
                )
                for row in report["attendance"]
            ],
            title="Conferences attended by each required specialty",
            scale_max=1,
            fmt=charts.percent,
        ),
        "conferences_chart": charts.column_chart(
            [Bar(month, count) for month, count in sorted(per_month.items())], title="Conferences held per month"
        ),
        "prospective_chart": charts.stacked_bar(
            [
                Bar("Prospective", report["prospective"]),
                Bar("Retrospective", report["retrospective"]),
                Bar("Undetermined", report["undetermined"]),
            ],
            title="Presentations: before or after the first treatment",
        ),
        "rates_chart": charts.bar_chart(
            rates, title="What the conferences discussed and recorded", scale_max=1, fmt=charts.percent
        ),
    }


def _context(request, outcome, params: dict) -> dict:
    report = outcome.value if outcome.ok else None
    context = {
        "boards": boards_coordinated_by(request.user).order_by("name"),
        "params": params,
        "errors": outcome.by_field(),
        "report": report,
        "specialties": Specialty.choices,
        "rate_rows": [(label, key) for key, label in RATES],
        "this_year": timezone.localdate().year,
        "shown_year": params.get("year") or (report["year"] if report else timezone.localdate().year),
        "caseload_errors": {},
        "caseload_values": {},
    }
    if report is not None:
        context |= report_charts(report)
        query = {"year": report["year"]} | ({"board": report["board"]["id"]} if report["board"] else {})
        query |= {"institution": report["institution"]["id"]}
        context["query"] = urlencode(query)
    return context


@login_required
@require_GET
def accreditation_page(request):
    """The report of a board or the institution for a year; a scope the API would refuse is shown with its reason
    (400, 403) and no figures; a board the user cannot see is a 404."""
    query = _query(request.GET)
    outcome = _report(request, query, "accreditation page")
    return render(request, "cases/pages/accreditation.html", _context(request, outcome, query), status=outcome.status)


def _filename(report: dict, extension: str) -> str:
    name = report["board"]["name"] if report["board"] else report["institution"]["name"]
    return f"accreditation-{slugify(name) or 'report'}-{report['year']}.{extension}"


def _cell(value) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is quoted as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def report_csv(report: dict) -> str:
    """The report as CSV: a title, the figures (measure, count, of, rate), the attendance of each required specialty,
    the boards, then one row per conference with the members of each specialty who checked in."""
    out = io.StringIO()
    rows = csv.writer(out)
    scope = report["board"]["name"] if report["board"] else "All boards"
    rows.writerow(["Accreditation report", _cell(report["institution"]["name"]), _cell(scope), report["year"]])
    rows.writerow(["Modeled on", report["standard"]])
    rows.writerow([])
    n = report["presentations"]
    follow = report["decisions"]["follow_through"]
    caseload = report["caseload"]
    rows.writerow(["Measure", "Count", "Of", "Rate"])
    rows.writerow(["Conferences held", report["conferences_held"], "", ""])
    rows.writerow(["Conferences cancelled", report["conferences_cancelled"], "", ""])
    rows.writerow(["Case presentations", n, "", ""])
    rows.writerow(["Cases presented (distinct)", report["cases"], "", ""])
    for key, label in RATES:
        rows.writerow([label, report[key], n, _percent(report[f"{key}_rate"])])
    rows.writerow(["Presented after treatment began", report["retrospective"], n, ""])
    rows.writerow(["Undetermined (undated treatment)", report["undetermined"], n, ""])
    rows.writerow(["Annual analytic caseload", caseload["analytic_cases"], "", ""])
    rows.writerow(
        [
            "Cases presented against the caseload",
            report["cases"],
            caseload["analytic_cases"],
            _percent(caseload["share"]),
        ]
    )
    decisions = report["decisions"]
    rows.writerow(["Board decisions compared with a proposed plan", decisions["cases"], "", ""])
    rows.writerow(
        ["Plans changed by the board", decisions["changed"], decisions["cases"], _percent(decisions["change_rate"])]
    )
    rows.writerow(["Board plans with a follow-up recorded", follow["recorded"], follow["plans"], ""])
    rows.writerow(["Board plans carried out", follow["yes"], follow["recorded"], _percent(follow["rate"])])
    rows.writerow(["Board plans awaiting follow-up", follow["due"], follow["plans"], ""])
    rows.writerow([])
    rows.writerow(["Required specialty", "Conferences requiring it", "Conferences attended", "Rate"])
    for row in report["attendance"]:
        rows.writerow(
            [
                SPECIALTY_LABELS[row["specialty"]],
                row["conferences_required"],
                row["conferences_attended"],
                _percent(row["rate"]),
            ]
        )
    rows.writerow([])
    rows.writerow(
        ["Board", "Conferences held", "Cancelled", "Presentations", "Cases", "Prospective", "Prospective rate"]
    )
    for row in report["by_board"]:
        rows.writerow(
            [
                _cell(row["name"]),
                row["conferences_held"],
                row["conferences_cancelled"],
                row["presentations"],
                row["cases"],
                row["prospective"],
                _percent(row["prospective_rate"]),
            ]
        )
    rows.writerow([])
    rows.writerow(
        ["Conference", "Board", "Status", "Cases presented", *SPECIALTY_LABELS.values(), "Required specialties absent"]
    )
    for conference in report["conferences"]:
        rows.writerow(
            [
                timezone.localtime(conference["starts_at"]).strftime("%Y-%m-%d %H:%M"),
                _cell(conference["board_name"]),
                conference["status"],
                conference["cases_presented"],
                *(conference["attendance"][code] for code in SPECIALTY_LABELS),
                "; ".join(SPECIALTY_LABELS[code] for code in conference["required_missing"]),
            ]
        )
    return out.getvalue()


def _download(body: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def report_html(report: dict) -> str:
    """The PDF's HTML: the report's tables and the page's charts (inline SVG, nothing fetched)."""
    context = {"report": report, "rate_rows": [(label, key) for key, label in RATES], "specialties": Specialty.choices}
    return render_to_string("cases/accreditation_report.html", context | report_charts(report))


def report_pdf(report: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(report)).write_pdf()


# what each download is: (its body from the report, its content type)
DOWNLOADS = {
    "csv": (report_csv, "text/csv; charset=utf-8"),
    "pdf": (report_pdf, "application/pdf"),
}


def _report_download(request, kind: str):
    """The report as a file, or the page with the reason it cannot be made (a bad year, a board not theirs)."""
    query = _query(request.GET)
    outcome = _report(request, query, f"accreditation {kind}", download=kind)
    if not outcome.ok:
        context = _context(request, outcome, query)
        return render(request, "cases/pages/accreditation.html", context, status=outcome.status)
    body, content_type = DOWNLOADS[kind]
    return _download(body(outcome.value), content_type=content_type, filename=_filename(outcome.value, kind))


@login_required
@require_GET
def accreditation_csv(request):
    return _report_download(request, "csv")


@login_required
@require_GET
def accreditation_pdf(request):
    return _report_download(request, "pdf")


@login_required
@require_POST
def accreditation_caseload(request):
    """Record the program's analytic caseload of a year, then show that year's report (or the form's reasons)."""
    form = CaseloadForm(request.POST)

    def run():
        data = form.cleaned_or_raise()
        institution = reporting_institution(request.user, data["institution"])
        return caseload_record(
            user=request.user,
            institution=institution,
            year=data["year"],
            analytic_cases=data["analytic_cases"],
            note=data["note"] or "",
        )

    outcome = attempt(run)
    back = _query(request.POST)
    if outcome.ok:
        return redirect(f"{reverse('accreditation')}?{urlencode(back)}#caseload")
    shown = _report(request, back, "accreditation page")
    context = _context(request, shown, back)
    context["caseload_errors"] = outcome.by_field()
    context["caseload_values"] = request.POST
    return render(request, "cases/pages/accreditation.html", context, status=outcome.status)


urlpatterns = [
    path("analytics/accreditation/", accreditation_page, name="accreditation"),
    path("analytics/accreditation/report.csv", accreditation_csv, name="accreditation-csv"),
    path("analytics/accreditation/report.pdf", accreditation_pdf, name="accreditation-pdf"),
    path("analytics/accreditation/caseload/", accreditation_caseload, name="accreditation-caseload"),
]
