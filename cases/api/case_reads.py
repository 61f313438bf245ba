"""The case's representation for reading (``GET /cases/{id}/`` and the rows of ``GET /cases/``), built from one SQL
query on PostgreSQL: the case, its references and the six lists of its profile (each a JSON array from its table),
scoped by ``cases.selectors.cases_visible_sql``, the access policy's condition.

``CaseSerializer`` stays what writes read and answer, and what ``/api/schema/`` documents; it built the same
representation from model instances at about ten times the cost (issue 20). The two give byte for byte the same JSON:
tests/api/test_case_reads.py renders both for cases with every field set, none set, every list and every status, so
a field added to one and not to the other fails there. Elsewhere than on PostgreSQL (the embedded SQLite) the views
use the serializer.
"""

from __future__ import annotations

import datetime
import uuid
from functools import cache
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import Http404
from django.utils import timezone
from rest_framework import serializers

from cases.api.serializers import CaseSerializer
from cases.models import Case, body_surface_area
from cases.selectors import cases_visible_sql
from specialists.models import Institution, User
from tumorboard.database import prepared_cursor
from tumorboard.reads import Shown

CASE = Case._meta.db_table

# Case columns shown as they are read (text, codes, numbers, booleans: DRF gives them unchanged).
_PLAIN = (
    "status", "primary_site", "histology", "grade", "stage_system", "clinical_t", "clinical_n", "clinical_m",
    "pathological_t", "pathological_n", "pathological_m", "stage_group", "metastatic", "metastasis_count", "ecog",
    "karnofsky", "lansky", "weight_kg", "height_cm", "bsa_m2", "gfr_ml_min", "lvef_percent", "bilirubin_mg_dl",
    "treatment_intent", "preferences", "question", "urgency", "menopausal_status", "fertility_goals",
    "fertility_preservation_discussed", "goals_of_care_discussed", "prior_anthracycline_mg_m2", "financial_navigation",
    "acp_healthcare_proxy", "acp_advance_directive", "acp_polst", "psychosocial_notes",
)  # fmt: skip
_DATES = ("body_measured_on", "diagnosis_date", "gfr_date", "lvef_date", "bilirubin_date")
_MOMENTS = ("created_at", "updated_at", "submitted_at")
_JSON = ("metastatic_sites", "comorbidities", "prior_anthracyclines")
# DRF's FloatFields: a whole number comes back from JSON as an int
_FLOATS = (
    "weight_kg",
    "height_cm",
    "bsa_m2",
    "gfr_ml_min",
    "lvef_percent",
    "bilirubin_mg_dl",
    "prior_anthracycline_mg_m2",
)
# The joined rows: (alias, model, the case's foreign key, inner join?)
_JOINS = (
    ("p", Case._meta.get_field("patient").related_model, "patient", True),
    ("i", Institution, "institution", True),
    ("b", Case._meta.get_field("board").related_model, "board", False),
    ("mt", Case._meta.get_field("meeting").related_model, "meeting", False),
    ("tp", User, "treating_physician", False),
    ("cb", User, "created_by", True),
)
_JOINED = {
    "p": ("mrn", "name", "birth_date", "sex"),
    "i": ("public_id",),
    "b": ("public_id", "name"),
    "mt": ("public_id",),
    "tp": ("public_id", "first_name", "last_name", "username", "specialty"),
    "cb": ("public_id", "first_name", "last_name", "username", "specialty"),
}


class CaseRead(NamedTuple):
    """A case's representation and what its audit row names."""

    shown: Shown
    data: dict


def _column(name: str) -> str:
    return f'"{CASE}"."{Case._meta.get_field(name).column}"'


@cache
def _profile_lists() -> tuple[tuple[str, tuple[str, ...], frozenset[int]], ...]:
    """``(name, field names, positions of the float fields)`` of each list of the profile, as its serializer shows
    it."""
    fields = CaseSerializer().fields
    return tuple(
        (name, tuple(child.Meta.fields), frozenset(i for i, f in enumerate(child.Meta.fields) if _is_float(child, f)))
        for name in fields
        if isinstance(fields[name], serializers.ListSerializer)
        for child in [fields[name].child]
    )


def _is_float(serializer, name: str) -> bool:
    return isinstance(serializer.fields[name], serializers.FloatField)


@cache
def _select() -> tuple[str, tuple[str, ...]]:
    """The SELECT and FROM of the representation, and the names of the values of its JSON column in order.

    A row is the case's id, its patient's, its three moments (formatted in Python, as PostgreSQL writes fractions of
    a second its own way), and one JSON array of everything else (psycopg decodes one JSON value a row, not nine;
    PostgreSQL writes dates and UUIDs in JSON as DRF does)."""
    names, values = [], []
    for name in ("public_id", *_PLAIN, *_DATES, *_JSON):
        names.append(name)
        values.append(_column(name))
    joins = []
    for alias, model, key, inner in _JOINS:
        joins.append(
            f'{"INNER" if inner else "LEFT OUTER"} JOIN "{model._meta.db_table}" {alias} '
            f'ON {alias}."{model._meta.pk.column}" = {_column(key)}'
        )
        for name in _JOINED[alias]:
            names.append(f"{alias}.{name}")
            values.append(f'{alias}."{model._meta.get_field(name).column}"')
    for name, fields, _ in _profile_lists():
        relation = Case._meta.get_field(name)
        model = relation.related_model
        items = ", ".join(f'x."{model._meta.get_field(field).column}"' for field in fields)
        order = ", ".join(
            f'x."{model._meta.get_field(field.lstrip("-")).column}"{" DESC" if field.startswith("-") else ""}'
            for field in model._meta.ordering
        )
        names.append(name)
        values.append(
            f'(SELECT json_agg(json_build_array({items}) ORDER BY {order}) FROM "{model._meta.db_table}" x '  # noqa: S608 - names of tables and columns, no input
            f'WHERE x."{relation.field.column}" = {_column("id")})'
        )
    columns = [_column(name) for name in ("id", "patient", *_MOMENTS)]
    columns.append(f"json_build_array({', '.join(values)})")
    select = f'SELECT {", ".join(columns)} FROM "{CASE}" {" ".join(joins)}'  # noqa: S608 - names, no input
    return select, tuple(names)


def _moment(value: datetime.datetime | None, zone) -> str | None:
    """As DRF's DateTimeField: in the current time zone, ISO 8601, UTC written Z."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _user(row: dict, alias: str) -> dict | None:
    if row[f"{alias}.public_id"] is None:
        return None
    name = f"{row[f'{alias}.first_name']} {row[f'{alias}.last_name']}".strip() or row[f"{alias}.username"]
    return {"id": row[f"{alias}.public_id"], "name": name, "specialty": row[f"{alias}.specialty"]}


@cache
def _prior_anthracyclines() -> serializers.Field:
    return CaseSerializer().fields["prior_anthracyclines"]


def _representation(row: dict, moments: list[str | None]) -> dict:
    """``CaseSerializer(case).data`` of the case of ``row`` (named as ``_select`` names them), with its
    ``_MOMENTS`` formatted."""
    lists = {
        name: [
            {
                field: float(value) if i in floats and value is not None else value
                for i, (field, value) in enumerate(zip(fields, item, strict=True))
            }
            for item in row[name] or ()
        ]
        for name, fields, floats in _profile_lists()
    }
    return {
        "id": row["public_id"],
        "patient": {
            "mrn": row["p.mrn"],
            "name": row["p.name"],
            "birth_date": row["p.birth_date"],
            "sex": row["p.sex"],
        },
        "institution": row["i.public_id"],
        "board": row["b.public_id"],
        "board_name": row["b.name"],
        "meeting": row["mt.public_id"],
        "status": row["status"],
        "primary_site": row["primary_site"],
        "histology": row["histology"],
        "grade": row["grade"],
        "stage": {
            "system": row["stage_system"],
            "clinical_t": row["clinical_t"],
            "clinical_n": row["clinical_n"],
            "clinical_m": row["clinical_m"],
            "pathological_t": row["pathological_t"],
            "pathological_n": row["pathological_n"],
            "pathological_m": row["pathological_m"],
            "group": row["stage_group"],
        },
        "other_staging": lists["other_staging"],
        "metastatic": row["metastatic"],
        "metastatic_sites": _texts(row["metastatic_sites"]),
        "metastasis_count": row["metastasis_count"],
        "ecog": row["ecog"],
        "karnofsky": row["karnofsky"],
        "lansky": row["lansky"],
        "weight_kg": row["weight_kg"],
        "height_cm": row["height_cm"],
        "bsa_m2": row["bsa_m2"],
        "body_measured_on": row["body_measured_on"],
        "body_surface_area": body_surface_area(row["bsa_m2"], row["weight_kg"], row["height_cm"]),
        "organ_function": {
            "gfr_ml_min": row["gfr_ml_min"],
            "gfr_date": row["gfr_date"],
            "lvef_percent": row["lvef_percent"],
            "lvef_date": row["lvef_date"],
            "bilirubin_mg_dl": row["bilirubin_mg_dl"],
            "bilirubin_date": row["bilirubin_date"],
        },
        "treatment_intent": row["treatment_intent"],
        "preferences": row["preferences"],
        "question": row["question"],
        "urgency": row["urgency"],
        "diagnosis_date": row["diagnosis_date"],
        "treating_physician": _user(row, "tp"),
        "biomarkers": lists["biomarkers"],
        "variants": lists["variants"],
        "pharmacogenomics": lists["pharmacogenomics"],
        "medications": lists["medications"],
        "treatments": lists["treatments"],
        "comorbidities": _texts(row["comorbidities"]),
        "menopausal_status": row["menopausal_status"],
        "fertility_goals": row["fertility_goals"],
        "fertility_preservation_discussed": row["fertility_preservation_discussed"],
        "goals_of_care_discussed": row["goals_of_care_discussed"],
        "prior_anthracycline_mg_m2": row["prior_anthracycline_mg_m2"],
        "prior_anthracyclines": (
            _prior_anthracyclines().to_representation(row["prior_anthracyclines"])
            if row["prior_anthracyclines"]
            else row["prior_anthracyclines"]
        ),
        "financial_navigation": row["financial_navigation"],
        "advance_care_planning": {
            "healthcare_proxy": row["acp_healthcare_proxy"],
            "advance_directive": row["acp_advance_directive"],
            "polst": row["acp_polst"],
        },
        "psychosocial_notes": row["psychosocial_notes"],
        "created_by": _user(row, "cb"),
        "created_at": moments[0],
        "updated_at": moments[1],
        "submitted_at": moments[2],
    }


def _texts(values: list | None) -> list | None:
    """A ListField of text, as DRF shows it."""
    return None if values is None else [None if value is None else str(value) for value in values]


def _read(where: str, params: list) -> list[CaseRead]:
    select, names = _select()
    with prepared_cursor() as cursor:
        cursor.execute(f"{select} WHERE {where}", params)
        rows = cursor.fetchall()
    zone = timezone.get_current_timezone()
    reads = []
    for pk, patient_id, *moments, values in rows:
        row = dict(zip(names, values, strict=True))
        for name in _FLOATS:
            if row[name] is not None:
                row[name] = float(row[name])  # JSON writes 165.0 as 165; DRF's FloatField answers 165.0
        shown = Shown(Case, pk, row["public_id"], patient_id)
        reads.append(CaseRead(shown, _representation(row, [_moment(moment, zone) for moment in moments])))
    return reads


def fast_reads_available() -> bool:
    """Whether these reads can serve: on PostgreSQL (the JSON functions they use are its own)."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


def case_read(user, public_id) -> CaseRead:
    """The representation of the case ``public_id`` if the user may see it; 404 otherwise, as ``case_get``."""
    visible = cases_visible_sql(user)
    if visible is not None:
        sql, params = visible
        found = _read(f"{_column('public_id')} = %s AND ({sql})", [uuid.UUID(str(public_id)), *params])
        if found:
            return found[0]
    raise Http404("No such case.")


def cases_read(ids: list[int]) -> list[CaseRead]:
    """The representations of the cases ``ids`` (already scoped: a page of a selector's list), in their order."""
    if not ids:
        return []
    found = {read.shown.pk: read for read in _read(f"{_column('id')} = ANY(%s)", [list(ids)])}
    return [found[pk] for pk in ids if pk in found]
