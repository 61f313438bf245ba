"""Packet assembly throughput: packets per second, JSON only and with the PDF, for a typical case
(10 documents, 20 comments, 3 plans) and a heavy one (60 documents, 150 comments, 12 plans), and the
peak resident memory of this process (the work a worker does per packet).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tumorboard .venv/bin/python bench/packets.py
"""

import datetime
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tumorboard")

import django

django.setup()

from django.db import connection  # noqa: E402

ROUNDS = 20


def make_case(tag: str, documents: int, comments: int, plans: int):
    from cases.models import Case, Comment, Document, Patient, Plan, PlanComponent
    from specialists.models import Institution, User

    institution = Institution.objects.create(name=f"Bench {tag}", kind="academic_center")
    user = User.objects.create(username=f"bench-{tag}", institution=institution, specialty="pathology")
    patient = Patient.objects.create(
        institution=institution, mrn=tag, name="Bench", birth_date=datetime.date(1960, 1, 1)
    )
    case = Case.objects.create(
        patient=patient, institution=institution, created_by=user, primary_site="breast", ecog=1, gfr_ml_min=70
    )
    for name, result in (("ER", "positive"), ("PR", "positive"), ("HER2", "negative"), ("KI67", "high")):
        case.biomarkers.create(name=name, result=result)
    case.pharmacogenomics.create(gene="DPYD", phenotype="normal")
    case.medications.create(name="Letrozole")
    Document.objects.bulk_create(
        Document(
            case=case,
            kind="imaging" if i % 2 else "pathology",
            title=f"Report {i}",
            date=datetime.date(2026, 1, 1) + datetime.timedelta(days=i),
            file=f"documents/bench-{i}",
            content_type="application/pdf",
            sha256="0" * 64,
            size=1000,
            uploaded_by=user,
        )
        for i in range(documents)
    )
    Comment.objects.bulk_create(
        Comment(case=case, author=user, specialty="pathology", kind="pre_review", body=f"Comment {i} " * 20)
        for i in range(comments)
    )
    for version in range(1, plans + 1):
        plan = Plan.objects.create(case=case, kind="proposed", version=version, intent="curative", created_by=user)
        PlanComponent.objects.create(plan=plan, position=1, modality="surgery", detail="Lumpectomy")
        PlanComponent.objects.create(plan=plan, position=2, modality="systemic_therapy", drugs=["AC-T"])
    return case


def rate(case, *, pdf: bool) -> float:
    from cases.services import packets

    began = time.perf_counter()
    for _ in range(ROUNDS):
        content = packets.packet_content(packets.packet_queryset().get(pk=case.pk))
        packets.canonical(content)
        if pdf:
            packets.render_pdf(content)
    return ROUNDS / (time.perf_counter() - began)


def main() -> None:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        typical = make_case("typical", documents=10, comments=20, plans=3)
        heavy = make_case("heavy", documents=60, comments=150, plans=12)
        for label, case in (("typical (10 docs, 20 comments, 3 plans)", typical), ("heavy (60, 150, 12)", heavy)):
            json_rate, pdf_rate = rate(case, pdf=False), rate(case, pdf=True)
            print(f"{label:42s} JSON only: {json_rate:6.1f} packets/s   with PDF: {pdf_rate:5.2f} packets/s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory of the building process: {peak:.0f} MiB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
