"""The document rows of the portal's forms (a new request, an answer to an information request, an upload) and
where their errors show: each row a ``DocumentRowForm`` of a formset, written by ``document_create``; refused rows
and files forgotten so a refused form leaves nothing written."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Document
from cases.pages.forms import DocumentRowFormSet
from cases.services import documents as services

DOCUMENT_ROWS = 3  # document rows on a form; empty rows are ignored


def _raise_prefixed(prefix: str, exc: ValidationError):
    """A validation error of one part of a form, its fields named ``<prefix>.<field>``."""
    detail = getattr(exc, "error_dict", None) or {"": exc.error_list}
    raise ValidationError({f"{prefix}.{k}" if k else prefix: v for k, v in detail.items()}) from exc


def document_rows(request) -> list:
    """The posted document rows that carry a file or a title (rows 1 to ``DOCUMENT_ROWS``), as forms."""
    formset = DocumentRowFormSet(request.POST, request.FILES)
    return [form for form in formset.filled if form.number <= DOCUMENT_ROWS]


def documents_validate(rows) -> tuple[list[tuple[int, dict]], dict]:
    """Each row's form: (valid rows, errors by ``doc_<n>.<field>``)."""
    valid, errors = [], {}
    for form in rows:
        if form.is_valid():
            valid.append((form.number, form.cleaned_data))
        else:
            errors.update(form.error_dict())
    return valid, errors


def documents_create(*, user, case, valid, created: list[Document]) -> None:
    for n, data in valid:
        try:
            document = services.document_create(
                user=user, case=case, upload=data["file"], kind=data["kind"], title=data["title"], date=data["date"]
            )
        except ValidationError as exc:
            _raise_prefixed(f"doc_{n}", exc)
        created.append(document)


def files_forget(created: list[Document]) -> None:
    """A refused submission rolled the rows back; the stored files go too, so nothing is left written."""
    for document in created:
        document.file.delete(save=False)


def document_form_rows(post=None, errors=None) -> list[dict[str, Any]]:
    """The document rows of a form, re-filled with what was posted and each with its own errors."""
    today = timezone.localdate().isoformat()
    post = post or {}
    by_row = _document_errors(errors)
    return [
        {
            "n": n,
            "kind": post.get(f"doc_kind_{n}", "pathology" if n == 1 else "imaging" if n == 2 else "other"),
            "title": post.get(f"doc_title_{n}", ""),
            "date": post.get(f"doc_date_{n}", today),
            "errors": by_row.get(n, {}),
        }
        for n in range(1, DOCUMENT_ROWS + 1)
    ]


def shown_errors(by_field: dict[str, list[str]], fields: set[str]) -> dict[str, list[str]]:
    """Errors as the form shows them: next to the field when the form has it (``questions[0]`` with
    ``questions``), else at the top with the field named, so no refusal is ever invisible."""
    out: dict[str, list[str]] = {}
    for name, messages_ in by_field.items():
        base = name.split("[", 1)[0]
        if name and (base in fields or base.startswith("doc_")):
            out.setdefault(base, []).extend(messages_)
        else:
            out.setdefault("", []).extend(f"{name}: {m}" if name else m for m in messages_)
    return out


def _document_errors(errors: dict) -> dict[int, dict[str, list[str]]]:
    """``{"doc_1.file": [...]}`` → ``{1: {"file": [...]}}``, for the document rows of a form."""
    out: dict[int, dict[str, list[str]]] = {}
    for key, value in (errors or {}).items():
        if key.startswith("doc_") and "." in key:
            head, field = key.split(".", 1)
            if head[4:].isdigit():
                out.setdefault(int(head[4:]), {})[field] = value
        elif key.startswith("doc_") and key[4:].isdigit():
            out.setdefault(int(key[4:]), {})[""] = value
    return out
