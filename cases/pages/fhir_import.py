"""Importing a patient's FHIR bundle from a page (``/cases/import/``): upload the file, see what it would write
(the patient, a new case or the case it updates, each fact, what is kept as entered by hand, the warnings with
their FHIR paths), confirm. The same reading (``cases.fhir.clinical.read_bundle``) and the same service as
``POST /api/v1/fhir/import/``: the preview runs ``case_import`` in a transaction rolled back
(``case_import_preview``), the confirmation runs it for good.

Between the two steps the uploaded bytes wait in the cache (Redis in production) under a key made of the user and
the bundle's SHA-256, for ``KEPT_MINUTES``; the confirmation posts only a signed token naming that hash and the
board chosen, so nothing the user could alter reaches the import, no patient data goes into a URL, a log line or
the HTML twice, and the file is not uploaded again. The page logs nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from cases import selectors
from cases.codes import (
    BiomarkerName,
    BiomarkerResult,
    DiseaseSite,
    MedicationStatus,
    StagingSystem,
    TreatmentCourseStatus,
    TreatmentKind,
    VariantInterpretation,
    VariantKind,
    VariantOrigin,
)
from cases.fhir.clinical import read_bundle
from cases.fhir.parse import BundleRefused, Facts
from cases.pages.profile import LABELS
from cases.services.fhir_import import (
    GROUPS,
    LISTS,
    case_import,
    case_import_preview,
    facts_from_record,
    refusal_at_paths,
)
from cases.staging import STAGE_PATHS
from scheduling.selectors import boards_targetable_by
from tumorboard.forms import NO_FILE, FileField, Form, PublicIdField, TextField
from tumorboard.web import attempt

KEPT_MINUTES = 30
SALT = "cases.pages.fhir_import"
UNITS = {
    "gfr_ml_min": "mL/min", "lvef_percent": "%", "bilirubin_mg_dl": "mg/dL", "weight_kg": "kg", "height_cm": "cm",
    "bsa_m2": "m²",
}  # fmt: skip
LIST_LABELS = {"variants": "Genomic variant", "medications": "Current medication"}
# the reader's refusals of a whole file, as a page says them (the API's words speak of a request body)
PAGE_WORDS = {
    "not_a_bundle": "The file is not a FHIR R4 Bundle: export the patient's record from the health record as a "
    "FHIR bundle in JSON.",
    "not_json": "The file is not JSON: export the patient's record from the health record as a FHIR bundle in JSON.",
}


class BundleForm(Form):
    """The uploaded bundle and the board of a new case (step 1), or the token of a preview (step 2)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"] = FileField(required=False, label="FHIR bundle (.json)")
        self.fields["board"] = PublicIdField(boards_targetable_by(user), label="Board")
        self.fields["token"] = TextField(required=False, max_length=1000, label="Preview")

    def clean(self):
        data = super().clean()
        if not data.get("bundle") and not data.get("token"):
            raise ValidationError({"bundle": ValidationError(NO_FILE, code="no_file")})
        return data


ORDER = {key: index for index, key in enumerate(LABELS)}  # the profile form's order: site, histology, stage, ...


def _key_of(name: str) -> str:
    if name.startswith(("biomarkers.", "patient.")):
        return name.split(".", 1)[0]
    return STAGE_PATHS.get(name) or (f"organ_function.{name}" if f"organ_function.{name}" in LABELS else name)


def in_order(names) -> list[str]:
    """Fact names in the order the profile shows them."""
    return sorted(names, key=lambda name: ORDER.get(_key_of(name), len(ORDER)))


def label(name: str) -> str:
    """A fact's words: "Clinical T", "Estrogen receptor", "GFR", "Genomic variant: EGFR", "FIGO stage",
    "Systemic therapy: paclitaxel"."""
    group, _, item = name.partition(".")
    if group == "biomarkers":
        return BiomarkerName(item).label
    if group == "patient":
        return f"Patient's {item.replace('_', ' ')}"
    if group == "other_staging":
        return StagingSystem(item).label
    if group == "treatments":
        kind, _, course = item.partition(": ")
        return f"{TreatmentKind(kind).label}: {course}"
    if group in LIST_LABELS:
        return f"{LIST_LABELS[group]}: {item}"
    key = _key_of(name)
    return LABELS.get(key) or name.replace("_", " ").capitalize()


def _value(name: str, facts: Facts) -> str:
    value = facts.case[name]
    if name == "primary_site":
        return DiseaseSite(value).label
    if name == "metastatic":
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    shown += f" {UNITS[name]}" if name in UNITS else ""
    dates = [d for d, v in GROUPS.items() if v == name and d in facts.case]
    return f"{shown} on {facts.case[dates[0]].isoformat()}" if dates else shown


def _marker(items: list[dict[str, Any]]) -> str:
    parts = []
    for item in items:
        words = BiomarkerResult(item["result"]).label if item.get("result") else ""
        if item.get("value") is not None:
            words += f" ({item['value']:g})"
        parts.append(f"{words} on {item['date'].isoformat()}" if item.get("date") else words)
    return "; ".join(parts)


def _words(name: str, item: dict[str, Any]) -> str:
    """A list item as the preview shows it."""
    day = item.get("date") or item.get("start")
    if name == "variants":
        parts = [
            VariantKind(item["kind"]).label if item["kind"] != VariantKind.SEQUENCE else "",
            item["hgvs"] or item["description"],
            VariantOrigin(item["origin"]).label.lower() if item["origin"] != VariantOrigin.UNKNOWN else "",
            VariantInterpretation(item["interpretation"]).label.lower() if item["interpretation"] else "",
        ]
    elif name == "other_staging":
        parts = [item["value"]]
    elif name == "treatments":
        ended = f"to {item['end'].isoformat()}" if item.get("end") and item["end"] != item.get("start") else ""
        parts = [TreatmentCourseStatus(item["status"]).label.lower(), ended, item["detail"]]
    else:
        parts = [MedicationStatus(item["status"]).label.lower()]
    words = ", ".join(p for p in parts if p)
    if not day:
        return words
    return f"{words} (from {day.isoformat()})" if name == "treatments" else f"{words} on {day.isoformat()}"


def preview_rows(facts: Facts, result) -> list[dict[str, str]]:
    """Each fact the bundle gives, its words, and its fate: "write", "keep" (entered by hand) or "same"."""

    def fate(name: str) -> str:
        return "write" if result.created or name in result.changed else "keep" if name in result.kept else "same"

    rows = [
        {"label": label(n), "value": _value(n, facts), "fate": fate(n)} for n in in_order(facts.case) if n not in GROUPS
    ]
    markers: dict[str, list] = {}
    for item in facts.biomarkers:
        markers.setdefault(item["name"], []).append(item)
    rows += [
        {"label": label(f"biomarkers.{n}"), "value": _marker(items), "fate": fate(f"biomarkers.{n}")}
        for n, items in markers.items()
    ]
    for name, (_, key) in LISTS.items():
        if name == "biomarkers":
            continue
        items: dict[str, list] = {}
        for item in getattr(facts, name):
            items.setdefault(key(item), []).append(_words(name, item))
        rows += [
            {"label": label(f"{name}.{n}"), "value": "; ".join(words), "fate": fate(f"{name}.{n}")}
            for n, words in items.items()
        ]
    return rows


def record_note(case) -> dict[str, Any] | None:
    """The case page's "from the health record": when and by whom the latest import was, and which of its facts
    the case still holds as the record gave them (a fact changed by hand since is not claimed)."""
    record = selectors.import_latest(case)
    if record is None:
        return None
    zone = ZoneInfo(selectors.case_timezone(case))
    return {
        "when": record.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z"),
        "by": record.imported_by.name,
        "facts": [label(name) for name in in_order(facts_from_record(case, record))],
    }


def worded_warnings(result) -> list[dict[str, str]]:
    """The import's warnings for a clinician: ``case_import`` ends them with one per fact kept as entered by hand,
    naming the fact by its field ("ecog: ..."); the page names it by its label."""
    count = len(result.kept)
    if not count:
        return result.warnings
    kept = [
        {**warning, "message": f"{label(name)}: the case keeps the value entered by hand; the record's differs."}
        for name, warning in zip(result.kept, result.warnings[-count:], strict=True)
    ]
    return result.warnings[:-count] + kept


def _key(user, digest: str) -> str:
    return f"fhir-import:{user.pk}:{digest}"


def _read(raw: bytes) -> tuple[Facts, str]:
    """The facts of the uploaded bytes and the bundle's SHA-256 (of its JSON, as the API records it)."""
    try:
        bundle = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError({"bundle": [ValidationError(PAGE_WORDS["not_json"], code="not_json")]}) from None
    try:
        facts = read_bundle(bundle)
    except BundleRefused as refused:
        errors = {}
        for error in refused.errors:
            message = PAGE_WORDS.get(error["code"], error["message"])
            if error["code"] == "invalid_fhir":  # the validating library's words, framed for the person uploading
                message = f"This part of the file does not follow FHIR R4 ({error['message']}): export it again."
            errors.setdefault(error["field"] or "bundle", []).append(ValidationError(message, code=error["code"]))
        raise ValidationError(errors) from None
    return facts, hashlib.sha256(json.dumps(bundle, sort_keys=True).encode()).hexdigest()


def _preview(*, user, upload, board) -> dict[str, Any]:
    limit = settings.FHIR_IMPORT_MAX_BYTES
    if upload.size > limit:
        message = (
            f"The file is larger than {filesizeformat(limit)}, the most the import reads: is it one patient's record?"
        )
        raise ValidationError({"bundle": [ValidationError(message, code="too_large")]})
    raw = upload.read()
    facts, digest = _read(raw)
    try:
        result = case_import_preview(user=user, facts=facts, board=board)
    except ValidationError as error:
        raise refusal_at_paths(facts, error) from None
    cache.set(_key(user, digest), raw, timeout=KEPT_MINUTES * 60)
    token = signing.dumps({"sha256": digest, "board": str(board.public_id) if board else ""}, salt=SALT)
    rows = preview_rows(facts, result)
    return {
        "facts": facts,
        "result": result,
        "rows": rows,
        "warnings": worded_warnings(result),
        "token": token,
        "board": board,
    }


NOT_YOURS = "This confirmation does not match a preview of yours: upload the file again."
EXPIRED = f"The uploaded file is kept for {KEPT_MINUTES} minutes and this preview is older: upload the file again."


def _confirm(*, user, token: str):
    try:
        signed = signing.loads(token, salt=SALT, max_age=KEPT_MINUTES * 60)
    except signing.SignatureExpired:
        raise ValidationError({"bundle": [ValidationError(EXPIRED, code="expired")]}) from None
    except signing.BadSignature:
        raise ValidationError({"bundle": [ValidationError(NOT_YOURS, code="tampered")]}) from None
    raw = cache.get(_key(user, signed["sha256"]))
    if raw is None:
        raise ValidationError({"bundle": [ValidationError(EXPIRED, code="expired")]})
    facts, digest = _read(raw)
    if digest != signed["sha256"]:  # the kept bytes are the previewed ones, or nothing is written
        raise ValidationError({"bundle": [ValidationError(NOT_YOURS, code="tampered")]})
    board = None
    if signed["board"]:
        board = boards_targetable_by(user).filter(public_id=signed["board"]).first()
        if board is None:
            raise PermissionDenied("You may no longer put cases on this board.")
    try:
        result = case_import(user=user, facts=facts, board=board, bundle_sha256=digest)
    except ValidationError as error:
        raise refusal_at_paths(facts, error) from None
    cache.delete(_key(user, signed["sha256"]))
    return result


def _page(request, *, status: int = 200, **context):
    boards = boards_targetable_by(request.user).order_by("name")
    return render(request, "cases/pages/fhir_import.html", {"boards": boards, **context}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def fhir_import_page(request):
    if request.user.institution_id is None:  # ``case_import`` says the same: cases belong to an institution
        raise PermissionDenied("Only users of an institution import cases.")
    if request.method == "GET":
        return _page(request)
    form = BundleForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        errors = _shown(form.error_dict())
        return _page(request, status=400, errors=errors, problems=_problems(errors))
    data = form.cleaned_data
    if data.get("token"):
        outcome = attempt(_confirm, user=request.user, token=data["token"])
    else:
        outcome = attempt(_preview, user=request.user, upload=data["bundle"], board=data.get("board"))
    if not outcome.ok:
        status = 413 if any(e["code"] == "too_large" for e in outcome.errors) else outcome.status
        return _page(request, status=status, errors=outcome.by_field(), problems=_problems(outcome.by_field()))
    if not data.get("token"):
        return _page(request, **outcome.value)
    result = outcome.value
    count = len(result.warnings)
    done = "created as a draft" if result.created else "updated"
    messages.success(
        request,
        f"The case was {done} from the FHIR bundle, with {count} warning{'s' if count != 1 else ''}"
        f"{' (shown on the preview)' if count else ''}.",
    )
    return redirect(reverse("case-page", args=[result.case.public_id]))


def _shown(errors: dict[str, list[ValidationError]]) -> dict[str, list[str]]:
    return {name: [m for e in items for m in e.messages] for name, items in errors.items()}


def _problems(errors: dict[str, list[str]]) -> list[dict[str, str]]:
    """The refusals as shown next to the upload: each message with the place in the file it concerns (a FHIR path;
    none for the file as a whole); the board's are shown next to the board."""
    return [
        {"path": "" if name in ("", "bundle", "token") else name, "message": message}
        for name, items in errors.items()
        if name != "board"
        for message in items
    ]


urlpatterns = [path("cases/import/", fhir_import_page, name="case-import")]
