"""Reading patient data is audited at one choke point, tumorboard.reads: the API's detail and list, the pages, the
downloads and the admin all write their rows through it, and nothing else calls ``audit_read``."""

from __future__ import annotations

import ast
import functools
import inspect
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile

import tumorboard.reads
from config.api import case_router, meeting_router, router
from tests.factories import CaseFactory
from tumorboard.admin import AuditedReadOnly
from tumorboard.api.views import AuditedListMixin, AuditedRetrieveMixin
from tumorboard.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
CHOKE_POINT = "tumorboard/reads.py"
DEFINED_IN = "tumorboard/audit.py"
READ_ACTIONS = {"READ", "LIST", "DOWNLOAD", "SEARCH"}
AUDIT_READERS = {"audit_read", "audit_read_statement", "audit_search", "audit_report"}
KERNEL_CLASSES = {
    "AuditedListMixin": "tumorboard/api/views.py",
    "AuditedRetrieveMixin": "tumorboard/api/views.py",
    "AuditedReadMixin": "tumorboard/api/views.py",
    "AuditedReadOnly": "tumorboard/admin.py",
}


@functools.cache
def _production_modules() -> dict[str, ast.Module]:
    """Every module the service runs: the top-level packages but the tests, and manage.py."""
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"]
    files = [ROOT / "manage.py", *(f for package in packages for f in package.rglob("*.py"))]
    return {str(f.relative_to(ROOT)): ast.parse(f.read_text(), filename=str(f)) for f in files}


def test_the_scan_sees_the_apps_and_the_choke_point():
    modules = _production_modules()
    assert {CHOKE_POINT, DEFINED_IN, "cases/pages/case.py", "cases/admin.py", "scheduling/api/agenda.py"} <= set(
        modules
    )


def test_only_the_choke_point_calls_audit_read_or_names_a_read_action():
    """``audit_read`` and ``audit_search`` are imported and called in tumorboard/reads.py alone; no other module
    names them, nor a read action (AuditAction.READ/LIST/DOWNLOAD/SEARCH), so no read row is written around the
    choke point."""
    outside = []
    for path, tree in _production_modules().items():
        if path in (CHOKE_POINT, DEFINED_IN):
            continue
        for node in ast.walk(tree):
            named = (
                (isinstance(node, ast.Name) and node.id in AUDIT_READERS)
                or (isinstance(node, ast.Attribute) and node.attr in AUDIT_READERS)
                or (isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] in AUDIT_READERS)
                or (
                    isinstance(node, ast.Attribute)
                    and node.attr in READ_ACTIONS
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "AuditAction"
                )
            )
            if named:
                outside.append(f"{path}:{node.lineno}")
    assert outside == []
    calls = [
        node
        for node in ast.walk(_production_modules()[CHOKE_POINT])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "audit_read"
    ]
    assert len(calls) == 3  # read, list, download


def test_the_audited_mixins_live_in_the_kernel_and_nowhere_else():
    defined = {
        (node.name, path)
        for path, tree in _production_modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and node.name in KERNEL_CLASSES
    }
    assert defined == set(KERNEL_CLASSES.items())


def _carries_patient_data(model) -> bool:
    return model is not None and hasattr(model, "audit_patient_id")


def _registered_viewsets():
    for r in (router, case_router, meeting_router):
        for prefix, viewset, _basename in r.registry:
            yield prefix, viewset


def test_every_viewset_of_patient_data_lists_and_retrieves_through_the_audited_mixins():
    checked = []
    for prefix, viewset in _registered_viewsets():
        serializer = getattr(viewset, "serializer_class", None)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        if not _carries_patient_data(model):
            continue
        for name, mixin in (("list", AuditedListMixin), ("retrieve", AuditedRetrieveMixin)):
            if hasattr(viewset, name):  # drf-spectacular may wrap an inherited method: unwrap it
                assert inspect.unwrap(getattr(viewset, name)) is getattr(mixin, name), (prefix, name)
                checked.append((prefix, name))
    assert ("cases", "retrieve") in checked and ("agenda", "list") in checked and len(checked) >= 10


def test_every_admin_of_patient_data_is_audited():
    models = [m for m in admin.site._registry if _carries_patient_data(m)]
    assert {m._meta.label_lower for m in models} >= {"cases.patient", "cases.case", "cases.document", "cases.plan"}
    unaudited = [m._meta.label_lower for m in models if not isinstance(admin.site._registry[m], AuditedReadOnly)]
    assert unaudited == []


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


# Each returns the read to spy on, after setting up what it needs.


def _api_detail(world, api, client):
    return lambda: api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/")


def _api_list(world, api, client):
    return lambda: api(world.coordinator).get("/api/v1/cases/")


def _api_list_unpaginated(world, api, client):
    case = CaseFactory(institution=world.academic, board=world.board, created_by=world.member, status="submitted")
    url = f"/api/v1/meetings/{world.board.meetings.first().public_id}/agenda/"
    assert api(world.coordinator).post(url, {"case": str(case.public_id)}, format="json").status_code == 201
    return lambda: api(world.coordinator).get(url)


def _page(world, api, client):
    client.force_login(world.member)
    return lambda: client.get(f"/cases/{world.case.public_id}/")


def _download(world, api, client):
    upload = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    data = {"kind": "pathology", "title": "Core biopsy", "date": "2026-10-02", "file": upload}
    body = api(world.member).post(f"/api/v1/cases/{world.case.public_id}/documents/", data, format="multipart").json()
    return lambda: api(world.coordinator).get(body["url"])


def _admin(world, api, client):
    TOTP.activate(world.admin, generate_totp_secret())  # staff have MFA set up (tumorboard.auth)
    client.force_login(world.admin)
    return lambda: client.get(f"/admin/cases/case/{world.case.pk}/change/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prepare", "action", "detail"),
    [
        (_api_detail, "read", {}),
        (_api_list, "list", {}),
        (_api_list_unpaginated, "list", {}),
        (_page, "read", {"view": "case page"}),
        (_download, "download", {}),
        (_admin, "read", {"view": "admin"}),
    ],
    ids=["api-detail", "api-list", "api-list-unpaginated", "page", "download", "admin"],
)
def test_each_kind_of_read_writes_its_rows_through_the_choke_point(
    world, api, client, monkeypatch, prepare, action, detail
):
    """The rows a read writes are exactly those the choke point was asked for, with the action and detail of old."""
    read = prepare(world, api, client)
    seen: list[tuple[str, str, dict]] = []
    real = tumorboard.reads.audit_read

    def spy(*, user, objects, action, detail=None):
        seen.extend((action, str(getattr(o, "public_id", o.pk)), detail or {}) for o in objects)
        return real(user=user, objects=objects, action=action, detail=detail)

    real_statement = tumorboard.reads.audit_read_statement

    def spy_statement(select, params, *, user, action, object_type, detail, also=""):
        rows = real_statement(
            select, params, user=user, action=action, object_type=object_type, detail=detail, also=also
        )
        seen.extend((action, object_id, detail or {}) for _position, object_id, *_ in rows)
        return rows

    monkeypatch.setattr(tumorboard.reads, "audit_read", spy)
    monkeypatch.setattr(tumorboard.reads, "audit_read_statement", spy_statement)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = read()
    assert response.status_code == 200
    rows = [(e.action, e.object_id, e.detail) for e in AuditEvent.objects.filter(id__gt=before).order_by("id")]
    assert rows and rows == seen
    assert all((a, d) == (action, detail) for a, _, d in rows)
