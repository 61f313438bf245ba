"""The case's representation for reading (``GET /cases/{id}/`` and the rows of ``GET /cases/``) as JSON text written
by PostgreSQL: one statement reads the case, its references and the six lists of its profile, writes the text the API
answers, and inserts the audit row of each case it returns (``tumorboard.reads.audited_rows``). A detail is scoped by
``cases.selectors.cases_visible_sql``, the access policy's condition; a page's cases come scoped from the list.

``CaseSerializer`` stays what writes read and answer, and what ``/api/schema/`` documents; building the same
representation from model instances, then rendering it, cost about ten times as much (issue 20). The two give byte for
byte the same JSON (DRF's compact rendering): tests/api/test_case_reads.py renders both for cases with every field set,
none set, every list and every status, so a field added to one and not to the other fails there. Elsewhere than on
PostgreSQL (the embedded SQLite), or in another time zone than UTC, the views use the serializer.

How DRF writes what PostgreSQL would write otherwise: a float always with a fraction (``165.0``; PostgreSQL writes
``165``), a moment in UTC as ``2026-01-02T03:04:05.123456Z`` (no fraction when it has none), U+2028 and U+2029 escaped.
The body surface area, rounded in Python (``cases.models.body_surface_area``), is written in Python between the two
halves of the text. Floats of 10^15 and more, which no field of the profile accepts, would be written differently.
"""

from __future__ import annotations

import json
import sys
import uuid
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import Http404
from django.utils import timezone
from rest_framework import serializers

from cases.api.serializers import CaseSerializer
from cases.models import Case, CaseRepresentation, body_surface_area
from cases.selectors import cases_visible_sql
from specialists.models import Institution, User
from tumorboard.reads import audited_rows

CASE = Case._meta.db_table
# The profile lists the representation shows (a write of one touches the case's row: migration cases/0017)
PROFILE_LISTS = ("other_staging", "biomarkers", "variants", "pharmacogenomics", "medications", "treatments")
KEPT = CaseRepresentation._meta.db_table

# The joined rows: (alias, model, the case's foreign key, inner join?)
_JOINS = (
    ("p", Case._meta.get_field("patient").related_model, "patient", True),
    ("i", Institution, "institution", True),
    ("b", Case._meta.get_field("board").related_model, "board", False),
    ("mt", Case._meta.get_field("meeting").related_model, "meeting", False),
    ("tp", User, "treating_physician", False),
    ("cb", User, "created_by", True),
)


def _column(name: str) -> str:
    return f'"{CASE}"."{Case._meta.get_field(name).column}"'


def _value(expr: str) -> str:
    """The JSON text of a value as ``to_json`` writes it (as DRF does for text: escaped, unicode kept)."""
    return f"COALESCE(to_json({expr})::text, 'null')"


_INTEGERS = {
    "IntegerField", "SmallIntegerField", "BigIntegerField", "PositiveIntegerField", "PositiveSmallIntegerField",
    "PositiveBigIntegerField",
}  # fmt: skip


def _of_field(field, expr: str) -> str:
    """The JSON text of the model field ``field``'s column ``expr`` as DRF writes it: floats and moments in DRF's
    form, the types with no character to escape without ``to_json`` (it was half the cost of a page of cases),
    the rest with it."""
    kind = field.get_internal_type()
    if kind == "FloatField":
        return _float(expr)
    if kind == "DateTimeField":
        return _moment(expr)
    if kind in _INTEGERS:
        return f"COALESCE({expr}::text, 'null')"
    if kind == "BooleanField":
        return f"CASE WHEN {expr} THEN 'true' WHEN NOT {expr} THEN 'false' ELSE 'null' END"
    if kind == "UUIDField":
        return f"""COALESCE('"' || {expr}::text || '"', 'null')"""
    if kind == "DateField":
        return f"""COALESCE('"' || to_char({expr}, 'YYYY-MM-DD') || '"', 'null')"""
    return _value(expr)


def _float(expr: str) -> str:
    """The JSON text of a float as DRF writes it: a whole number with ``.0``."""
    return (
        f"CASE WHEN {expr} IS NULL THEN 'null' WHEN {expr} = trunc({expr}) AND abs({expr}) < 1e15 "
        f"THEN {expr}::text || '.0' ELSE {expr}::text END"
    )


def _moment(expr: str) -> str:
    """The JSON text of a moment as DRF's DateTimeField writes it in UTC."""
    utc = f"({expr} AT TIME ZONE 'UTC')"
    return (
        f"""CASE WHEN {expr} IS NULL THEN 'null' ELSE '"' || to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') || """
        f"""CASE WHEN date_trunc('second', {expr}) = {expr} THEN '' ELSE to_char({utc}, '.US') END || 'Z"' END"""
    )


def _members(pairs: list[tuple[str, str]], *, first: bool = True) -> list[str]:
    """The concatenated parts of the members ``(key, JSON text)`` of an object, from its opening brace (``first``) or
    from a comma."""
    parts = []
    for i, (key, text) in enumerate(pairs):
        parts += ["'" + ("{" if first and i == 0 else ",") + json.dumps(key) + ":'", f"({text})"]
    return parts


def _concat(parts: list[str]) -> str:
    """The texts ``parts`` (none of them null) joined in one call: a chain of ``||`` copied the growing text at each
    step."""
    return f"concat({', '.join(parts)})"


def _object(pairs: list[tuple[str, str]]) -> str:
    """The JSON text of an object of ``(key, JSON text)`` pairs, in their order."""
    return _concat([*_members(pairs), "'}'"])


def _texts(expr: str) -> str:
    """A ListField of text, as DRF writes it, of a JSON column holding an array of strings."""
    items = "CASE WHEN jsonb_typeof(e) = 'null' THEN 'null' ELSE to_json(e #>> '{}')::text END"
    return (
        f"CASE WHEN {expr} IS NULL OR jsonb_typeof({expr}) = 'null' THEN 'null' ELSE COALESCE((SELECT '[' || "  # noqa: S608 - names
        f"string_agg({items}, ',' ORDER BY n) || ']' FROM jsonb_array_elements({expr}) WITH ORDINALITY AS a(e, n)), "
        "'[]') END"
    )


def _prior_anthracyclines(expr: str) -> str:
    """``PriorAnthracyclinesField``: a list of {drug, cumulative_mg_m2} as its serializer writes it; an empty or no
    value as it is."""
    item = _object(
        [("drug", _value("e ->> 'drug'")), ("cumulative_mg_m2", _float("(e ->> 'cumulative_mg_m2')::float8"))]
    )
    return (
        f"CASE WHEN {expr} IS NULL OR jsonb_typeof({expr}) = 'null' THEN 'null' WHEN {expr} = '[]'::jsonb THEN '[]' "  # noqa: S608
        f"ELSE '[' || (SELECT string_agg({item}, ',' ORDER BY n) FROM jsonb_array_elements({expr}) WITH ORDINALITY "
        "AS a(e, n)) || ']' END"
    )


@cache
def _whitespace() -> str:
    """What ``str.strip()`` strips (``str.isspace``: Unicode's whitespace and the four ASCII separators) as a text
    of SQL: a regular expression's [[:space:]] depends on the database's locale, and left U+2003 and U+3000."""
    return " || ".join(f"chr({code})" for code in range(sys.maxunicode + 1) if chr(code).isspace())


def _user(alias: str) -> str:
    """``UserRefSerializer``: id, name (``User.name``: the full name, else the username) and specialty."""
    full = f"btrim({alias}.first_name || ' ' || {alias}.last_name, {_whitespace()})"
    name = f"COALESCE(NULLIF({full}, ''), {alias}.username)"
    user = _object(
        [("id", _value(f"{alias}.public_id")), ("name", _value(name)), ("specialty", _value(f"{alias}.specialty"))]
    )
    return f"CASE WHEN {alias}.id IS NULL THEN 'null' ELSE {user} END"


def _is_float(serializer, name: str) -> bool:
    return isinstance(serializer.fields[name], serializers.FloatField)


def _profile_list(name: str) -> str:
    """One list of the profile (biomarkers, variants, ...) as its serializer writes it, in its model's order."""
    child = CaseSerializer().fields[name].child
    relation = Case._meta.get_field(name)
    model = relation.related_model

    def column(field: str) -> str:
        return f'x."{model._meta.get_field(field).column}"'

    item = _object(
        [
            (f, _float(column(f)) if _is_float(child, f) else _of_field(model._meta.get_field(f), column(f)))
            for f in child.Meta.fields
        ]
    )
    order = ", ".join(
        f"{column(field.lstrip('-'))}{' DESC' if field.startswith('-') else ''}" for field in model._meta.ordering
    )
    return (
        f"COALESCE((SELECT '[' || string_agg({item}, ',' ORDER BY {order}) || ']' FROM \"{model._meta.db_table}\" x "  # noqa: S608 - names
        f"WHERE x.\"{relation.field.column}\" = {_column('id')}), '[]')"
    )


def _plain(name: str) -> str:
    return _of_field(Case._meta.get_field(name), _column(name))


def _joined(alias: str, name: str) -> str:
    model = next(model for a, model, _key, _inner in _JOINS if a == alias)
    field = model._meta.get_field(name)
    return _of_field(field, f'{alias}."{field.column}"')


def _escaped(text: str) -> str:
    """As DRF's JSONRenderer: the line and paragraph separators escaped (JavaScript reads them as line ends)."""
    return rf"replace(replace({text}, U&'\2028', '\u2028'), U&'\2029', '\u2029')"


@cache
def _select() -> tuple[str, str]:
    """The representation's columns after ``position`` (``audit_read_statement``'s), and the joins after the case's
    table: the audit's columns, the three fields of the body surface area, the JSON text of the case before and after
    it (kept, or written afresh), and what keeping it takes."""
    before = [
        ("id", _plain("public_id")),
        ("patient", _object([(f, _joined("p", f)) for f in ("mrn", "name", "birth_date", "sex")])),
        ("institution", _joined("i", "public_id")),
        ("board", _joined("b", "public_id")),
        ("board_name", _joined("b", "name")),
        ("meeting", _joined("mt", "public_id")),
        *((name, _plain(name)) for name in ("status", "primary_site", "histology", "grade")),
        (
            "stage",
            _object(
                [
                    ("system", _plain("stage_system")),
                    *((name, _plain(name)) for name in ("clinical_t", "clinical_n", "clinical_m")),
                    *((name, _plain(name)) for name in ("pathological_t", "pathological_n", "pathological_m")),
                    ("group", _plain("stage_group")),
                ]
            ),
        ),
        (PROFILE_LISTS[0], _profile_list(PROFILE_LISTS[0])),
        ("metastatic", _plain("metastatic")),
        ("metastatic_sites", _texts(_column("metastatic_sites"))),
        *((name, _plain(name)) for name in ("metastasis_count", "ecog", "karnofsky", "lansky")),
        *((name, _plain(name)) for name in ("weight_kg", "height_cm", "bsa_m2", "body_measured_on")),
    ]
    after = [
        (
            "organ_function",
            _object(
                [
                    (name, _plain(name))
                    for name in (
                        "gfr_ml_min",
                        "gfr_date",
                        "lvef_percent",
                        "lvef_date",
                        "bilirubin_mg_dl",
                        "bilirubin_date",
                    )
                ]
            ),
        ),
        *(
            (name, _plain(name))
            for name in ("treatment_intent", "preferences", "question", "urgency", "diagnosis_date")
        ),
        ("treating_physician", _user("tp")),
        *((name, _profile_list(name)) for name in PROFILE_LISTS[1:]),
        ("comorbidities", _texts(_column("comorbidities"))),
        *(
            (name, _plain(name))
            for name in (
                "menopausal_status",
                "fertility_goals",
                "fertility_preservation_discussed",
                "goals_of_care_discussed",
            )
        ),
        ("prior_anthracycline_mg_m2", _plain("prior_anthracycline_mg_m2")),
        ("prior_anthracyclines", _prior_anthracyclines(_column("prior_anthracyclines"))),
        ("financial_navigation", _plain("financial_navigation")),
        (
            "advance_care_planning",
            _object(
                [
                    ("healthcare_proxy", _plain("acp_healthcare_proxy")),
                    ("advance_directive", _plain("acp_advance_directive")),
                    ("polst", _plain("acp_polst")),
                ]
            ),
        ),
        ("psychosocial_notes", _plain("psychosocial_notes")),
        ("created_by", _user("cb")),
        *((name, _plain(name)) for name in ("created_at", "updated_at", "submitted_at")),
    ]
    head = _concat([*_members(before), """',"body_surface_area":'"""])
    tail = _concat([*_members(after, first=False), "'}'"])
    joins = " ".join(
        f'{"INNER" if inner else "LEFT OUTER"} JOIN "{model._meta.db_table}" {alias} '
        f'ON {alias}."{model._meta.pk.column}" = {_column(key)}'
        for alias, model, key, inner in _JOINS
    )
    versions = _versions()
    joins += f' LEFT OUTER JOIN "{KEPT}" kept ON kept."case_id" = {_column("id")} AND kept."versions" = {versions}'
    columns = [
        f"{_column('public_id')}::text AS audit_object_id",
        f"{_column('patient')} AS audit_patient_id",
        *(_column(name) for name in ("bsa_m2", "weight_kg", "height_cm")),
        # PostgreSQL evaluates COALESCE's second argument only when the first is null: a kept text costs nothing more
        f"COALESCE(kept.head, {_escaped(head)}) AS head",
        f"COALESCE(kept.tail, {_escaped(tail)}) AS tail",
        f"{_column('id')} AS kept_case",
        f"{versions} AS kept_versions",
        "kept.case_id IS NULL AS kept_missing",
    ]
    return ", ".join(columns), joins


def _versions() -> str:
    """The versions of the rows a case's representation is written from: the case's and those of its joined rows
    (each row version's transaction id and physical place, which differ from every other version's of the row, also
    one the same transaction wrote), and through the case's, its profile lists' (their triggers touch the case's row).
    A joined row that is missing (no board) leaves its place empty."""
    rows = [f'"{CASE}"', *(alias for alias, _model, _key, _inner in _JOINS)]
    return "concat(" + ", '/', ".join(f"{row}.xmin, ':', {row}.ctid" for row in rows) + ")"


# What a read adds to its statement (``audited_rows``' ``also``): the representations it wrote, kept for the next read
# (in the cases' order: two reads writing the same ones wait for each other in the same order, never in a circle).
_KEEP = (
    f'kept AS (INSERT INTO "{KEPT}" (case_id, versions, head, tail) '  # noqa: S608 - names
    "SELECT kept_case, kept_versions, head, tail FROM shown WHERE kept_missing ORDER BY kept_case "
    "ON CONFLICT (case_id) DO UPDATE SET versions = EXCLUDED.versions, head = EXCLUDED.head, tail = EXCLUDED.tail)"
)


def _texts_of(rows: list[tuple]) -> list[bytes]:
    """The JSON text of each case of ``rows`` (``audit_read_statement``'s), in their order."""
    return [
        f"{head}{json.dumps(body_surface_area(bsa, weight, height))}{tail}".encode()
        for _position, _object_id, _patient_id, bsa, weight, height, head, tail, *_kept in rows
    ]


def reads_in_sql_available() -> bool:
    """Whether these reads can serve: on PostgreSQL (the JSON is written by its functions), in UTC (the moments are
    written in UTC, as DRF writes them in the current time zone)."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql" and timezone.get_current_timezone_name() == "UTC"


def case_json(user, public_id) -> bytes:
    """The representation of the case ``public_id`` as JSON, its read audited (a READ row), if the user may see it;
    404 otherwise, as ``case_get``."""
    visible = cases_visible_sql(user)
    if visible is not None:
        sql, params = visible
        columns, joins = _select()
        select = f'SELECT 1 AS position, {columns} FROM "{CASE}" {joins} WHERE {_column("public_id")} = %s AND ({sql})'  # noqa: S608
        params = [uuid.UUID(str(public_id)), *params]
        rows = audited_rows(select, params, user=user, model=Case, listing=False, also=_KEEP)
        if rows:
            return _texts_of(rows)[0]
    raise Http404("No such case.")


def cases_json(user, ids: list[int]) -> list[bytes]:
    """The representations of the cases ``ids`` (already scoped: a page of a selector's list) as JSON, in their
    order, each read audited as listed (a LIST row)."""
    if not ids:
        return []
    # the page first: PostgreSQL keeps the written order of this many joins (join_collapse_limit), and from the page
    # each join is an index lookup
    columns, joins = _select()
    select = (
        f"SELECT page.n AS position, {columns} FROM unnest(%s::bigint[]) WITH ORDINALITY AS page(id, n) "  # noqa: S608
        f'JOIN "{CASE}" ON {_column("id")} = page.id {joins}'
    )
    return _texts_of(audited_rows(select, [list(ids)], user=user, model=Case, listing=True, also=_KEEP))
