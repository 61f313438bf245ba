"""The demo cases' reports: a pathology report, a staging imaging report and, where the case has molecular
results, a genomic report, each a small one-page PDF written at load time from the case's own data and dated as a
real report would be, so the demo's readiness checklist reads like a real board's (SPEC §5.3: pathology report
present, imaging not older than 56 days). Every page says it is synthetic."""

from __future__ import annotations

import datetime
import hashlib
import textwrap
import zlib

from django.core.files.base import ContentFile

from cases.codes import DocumentKind
from cases.models import Case, Document
from demo.world import INSTITUTIONS, DemoCase
from specialists.models import User

MOLECULAR = {"EGFR", "ALK", "ROS1", "KRAS", "BRAF", "BRCA1", "BRCA2", "MSI", "TMB", "ONCOTYPE_RS", "MAMMAPRINT"}
BANNER = "SYNTHETIC DEMO DOCUMENT - not a real patient, not for clinical use"


def pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing ``lines`` in Helvetica (wrapped at 95 characters; Latin-1 text)."""
    wrapped = [part for line in lines for part in (textwrap.wrap(line, 95) or [""])]

    def text(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 10 Tf 14 TL 56 760 Td " + " ".join(f"({text(line)}) '" for line in wrapped) + " ET"
    content = stream.encode("cp1252", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content) + 1, content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _days(demo: DemoCase, spread: int, salt: str) -> int:
    return zlib.crc32(f"{demo.slug}/{salt}".encode()) % spread


def _biomarker_text(biomarker: tuple) -> str:
    name, result, *rest = biomarker
    value = rest[0] if rest else None
    detail = rest[1] if len(rest) > 1 else ""
    parts = [result.replace("_", " ")]
    if value is not None:
        parts.append(f"{value:g}")
    if detail:
        parts.append(detail)
    return f"{name}: {', '.join(parts)}"


def _header(demo: DemoCase, title: str, date: datetime.date) -> list[str]:
    mrn, name, sex, _ = demo.patient
    return [
        BANNER,
        "",
        INSTITUTIONS[demo.institution][0],
        title.upper(),
        "",
        f"Patient: {name}    MRN: {mrn}    Sex: {sex}",
        f"Report date: {date:%d %B %Y}",
        "",
    ]


def reports(demo: DemoCase, *, diagnosed: datetime.date, reference: datetime.date, today: datetime.date):
    """``(kind, title, date, lines)`` of each report the case carries. ``reference``: the day the board discussed
    it or a second opinion was asked, or today for a case still to be discussed; every report is from before it,
    the imaging from the weeks before it."""

    def before_today(day: datetime.date) -> datetime.date:  # and before the discussion
        return min(day, reference - datetime.timedelta(days=1), today - datetime.timedelta(days=1))

    out = []
    stage_tokens = demo.stage.split("/")[0].split()
    if DocumentKind.PATHOLOGY not in demo.documents_missing:
        date = before_today(diagnosed + datetime.timedelta(days=3))
        ihc = [_biomarker_text(b) for b in demo.biomarkers if b[0] in {"ER", "PR", "HER2", "KI67", "PD-L1"}]
        pathological = [t for t in stage_tokens if t.startswith(("p", "yp"))]
        lines = [f"Specimen: {demo.site.replace('_', ' ')}", f"Diagnosis: {demo.histology}"]
        lines += [f"Grade: {demo.grade}"] if demo.grade else []
        lines += [f"Pathological stage: {' '.join(pathological)}"] if pathological else []
        lines += ["Immunohistochemistry:", *(f"  {line}" for line in ihc)] if ihc else []
        out.append((DocumentKind.PATHOLOGY, "Surgical pathology report", date, lines))
    if DocumentKind.IMAGING not in demo.documents_missing:
        if demo.imaging_days_ago is not None:
            date = today - datetime.timedelta(days=demo.imaging_days_ago)
        else:
            date = before_today(
                max(
                    reference - datetime.timedelta(days=4 + _days(demo, 21, "imaging")),
                    diagnosed - datetime.timedelta(days=7),
                )
            )
        clinical = [t for t in stage_tokens if t.startswith("c")]
        lines = [f"Examination: staging imaging, {demo.site.replace('_', ' ')} primary"]
        lines += [f"Clinical stage on imaging: {' '.join(clinical)}"] if clinical else []
        if demo.metastatic_sites:
            lines.append(f"Distant disease: {', '.join(demo.metastatic_sites)}")
        else:
            lines.append("No distant metastasis identified.")
        out.append((DocumentKind.IMAGING, "Staging imaging report", date, lines))
    molecular = [_biomarker_text(b) for b in demo.biomarkers if b[0] in MOLECULAR]
    pgx = [f"{gene}: {diplotype} ({phenotype} metabolizer)" for gene, phenotype, diplotype in demo.pgx]
    if (molecular or pgx) and DocumentKind.GENOMIC not in demo.documents_missing:
        date = before_today(diagnosed + datetime.timedelta(days=14 + _days(demo, 10, "genomic")))
        lines = ["Tumour molecular profile:", *(f"  {line}" for line in molecular)] if molecular else []
        lines += ["Germline pharmacogenomics:", *(f"  {line}" for line in pgx)] if pgx else []
        out.append((DocumentKind.GENOMIC, "Molecular and genomic report", date, lines))
    return [(kind, title, date, _header(demo, title, date) + lines) for kind, title, date, lines in out]


def documents_attach(
    case: Case, demo: DemoCase, *, uploaded_by: User, reference: datetime.date, today: datetime.date
) -> int:
    """Attach the case's reports once (a case that has documents keeps them); returns how many were written."""
    if case.documents.exists():
        return 0
    diagnosed = today - datetime.timedelta(days=demo.diagnosed_days_ago)
    written = 0
    for kind, title, date, lines in reports(demo, diagnosed=diagnosed, reference=reference, today=today):
        data = pdf(lines)
        Document.objects.create(
            case=case,
            kind=kind,
            title=title,
            date=date,
            file=ContentFile(data, name=f"{kind}.pdf"),
            content_type="application/pdf",
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            uploaded_by=uploaded_by,
        )
        written += 1
    return written
