"""A world of 100,000 cases for the scale benches, in its own database (BENCH_DATABASE_URL, default
``tumorboard_bench``: dropped and created again), in about a minute.

One academic center with two boards: ``bench-wide`` coordinates the board of 99,000 cases, ``bench-narrow`` the
board of 1,000, spread evenly through the same months (every 100th case), so one sees ~100k cases and the other ~1k
in the same tables. Each case is a copy of one case written through the ORM (every column, so a new column needs no
change here) with its own patient, status, disease site, urgency and creation time, and the same child rows (two
biomarkers, a medication, a variant, a pharmacogenomic result): the rows are made by PostgreSQL from
generate_series, not sent one by one.

    make bench-world                      # or: .venv/bin/python bench/scale/world.py [--cases N] [--if-missing]
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from bench.scale.common import BENCH_DATABASE_URL, NARROW, WIDE, django_setup

STATUSES = ["draft", "submitted", "scheduled", "discussed", "recommended", "closed", "info_requested", "deferred"]
SITES = ["breast", "lung", "colorectal", "prostate", "melanoma"]
NARROW_EVERY = 100  # every 100th case is on the narrow board


def database_recreate() -> None:
    import psycopg

    url = urlsplit(BENCH_DATABASE_URL)
    name = url.path.lstrip("/")
    with psycopg.connect(urlunsplit(url._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def people():
    """The institution, its two boards, their coordinators and the physician who wrote every case."""
    from scheduling.models import Board
    from specialists.models import BoardMembership, BoardRole, Institution, InstitutionKind, Specialty, User

    academic = Institution.objects.create(name="Bench Academic Center", kind=InstitutionKind.ACADEMIC_CENTER)
    wide_board = Board.objects.create(name="Wide", institution=academic, disease_sites=SITES)
    narrow_board = Board.objects.create(name="Narrow", institution=academic, disease_sites=SITES)
    author = User.objects.create(
        username="bench-author", institution=academic, specialty=Specialty.MEDICAL_ONCOLOGY, last_name="Author"
    )
    for username, board in ((WIDE, wide_board), (NARROW, narrow_board)):
        user = User.objects.create(username=username, institution=academic, specialty=Specialty.NURSE_NAVIGATION)
        BoardMembership.objects.create(user=user, board=board, role=BoardRole.COORDINATOR)
    return academic, wide_board, narrow_board, author


def template_case(academic, board, author):
    """The case every other one copies: a full profile written through the ORM."""
    from cases.models import Case, Patient

    patient = Patient.objects.create(
        institution=academic, mrn="BENCH-0", name="Template Patient", birth_date=datetime.date(1961, 4, 2), sex="female"
    )
    case = Case.objects.create(
        patient=patient,
        institution=academic,
        board=board,
        created_by=author,
        treating_physician=author,
        primary_site="breast",
        histology="Invasive ductal carcinoma",
        grade="G2",
        clinical_t="T2",
        clinical_n="N1",
        clinical_m="M0",
        stage_group="IIB",
        ecog=1,
        gfr_ml_min=88,
        lvef_percent=60,
        treatment_intent="curative",
        question="Neoadjuvant chemotherapy or upfront surgery?",
        preferences="Wants to keep working.",
    )
    case.biomarkers.create(name="ER", result="positive", value=90)
    case.biomarkers.create(name="HER2", result="negative")
    case.medications.create(name="Letrozole")
    case.variants.create(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation="pathogenic")
    case.pharmacogenomics.create(gene="DPYD", phenotype="normal")
    return case


def _columns(model, *, replaced: dict[str, str]) -> tuple[str, str]:
    """``(column list, select list)`` copying every column of ``model``'s template row ``t`` except the id and
    the ``replaced`` ones, given as SQL expressions."""
    names = [f.column for f in model._meta.concrete_fields if f.column != "id"]
    select = [replaced.get(name, f"t.{name}") for name in names]
    return ", ".join(names), ", ".join(select)


def cases_insert(cursor, template, count: int, narrow_board_id: int) -> None:
    """``count`` patients and cases copied from the template, the ``n``-th created ``n`` minutes before it."""
    from cases.models import Case, Patient

    columns, select = _columns(
        Patient,
        replaced={
            "public_id": "gen_random_uuid()",
            "mrn": "'BENCH-' || n",
            "name": "'Patient ' || n",
            "birth_date": "t.birth_date + mod(n, 9000)",
        },
    )
    cursor.execute(
        f"INSERT INTO {Patient._meta.db_table} ({columns}) SELECT {select} "
        f"FROM {Patient._meta.db_table} t, generate_series(1, %s) n WHERE t.id = %s ORDER BY n",
        [count, template.patient_id],
    )
    statuses = "(ARRAY[{}])[1 + mod(n, {})]".format(", ".join(f"'{s}'" for s in STATUSES), len(STATUSES))
    sites = "(ARRAY[{}])[1 + mod(n, {})]".format(", ".join(f"'{s}'" for s in SITES), len(SITES))
    moment = "t.created_at - make_interval(mins => n)"
    columns, select = _columns(
        Case,
        replaced={
            "public_id": "gen_random_uuid()",
            "created_at": moment,
            "updated_at": moment,
            "patient_id": "p.id",
            "board_id": f"CASE WHEN mod(n, {NARROW_EVERY}) = 0 THEN {int(narrow_board_id)} ELSE t.board_id END",
            "status": statuses,
            "primary_site": sites,
            "urgency": "CASE WHEN mod(n, 10) = 0 THEN 'urgent' ELSE 'routine' END",
            "submitted_at": f"CASE WHEN mod(n, {len(STATUSES)}) = 0 THEN NULL ELSE {moment} END",
        },
    )
    cursor.execute(
        f"INSERT INTO {Case._meta.db_table} ({columns}) SELECT {select} "
        f"FROM {Case._meta.db_table} t, generate_series(1, %s) n "
        f"JOIN {Patient._meta.db_table} p ON p.institution_id = %s AND p.mrn = 'BENCH-' || n "
        f"WHERE t.id = %s ORDER BY n",
        [count, template.institution_id, template.pk],
    )


def children_insert(cursor, template) -> None:
    """The template's child rows (biomarkers, medications, ...) for every other case."""
    from cases.models import Biomarker, Case, GenomicVariant, Medication, Pharmacogenomic

    for model in (Biomarker, Medication, GenomicVariant, Pharmacogenomic):
        columns, select = _columns(model, replaced={"case_id": "c.id"})
        if "public_id" in columns.split(", "):
            select = select.replace("t.public_id", "gen_random_uuid()")
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {select} "
            f"FROM {model._meta.db_table} t JOIN {Case._meta.db_table} c ON c.id <> t.case_id WHERE t.case_id = %s",
            [template.pk],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="how many cases (default 100,000)")
    parser.add_argument("--if-missing", action="store_true", help="keep a bench world already there")
    args = parser.parse_args()

    django_setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench.scale.common import world_missing

    if args.if_missing and world_missing() is None:
        print(f"bench world already in {BENCH_DATABASE_URL}")
        return
    connection.close()
    began = time.perf_counter()
    database_recreate()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"database {BENCH_DATABASE_URL} created and migrated in {time.perf_counter() - began:.1f} s")
    began = time.perf_counter()
    with transaction.atomic():
        academic, wide_board, narrow_board, author = people()
        template = template_case(academic, wide_board, author)
        with connection.cursor() as cursor:
            cases_insert(cursor, template, args.cases - 1, narrow_board.pk)
            children_insert(cursor, template)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    from cases.models import Case

    wide = Case.objects.filter(board=wide_board).count()
    narrow = Case.objects.filter(board=narrow_board).count()
    print(
        f"{wide + narrow:,} cases ({wide:,} on {WIDE}'s board, {narrow:,} on {NARROW}'s) with their patients and "
        f"child rows, in {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main()
