"""What the page tests read in a page's HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

REFERENCES = ("for", "aria-describedby", "aria-labelledby", "aria-controls")


class Page(HTMLParser):
    """The links, h1 count, ids, form fields and id references of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.h1 = 0
        self.fields: list[dict] = []
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.ids: list[str] = []
        self.references: list[tuple[str, str]] = []  # (attribute, id) of label for= and aria-* id references
        self.invalid: list[list[str]] = []  # the aria-describedby ids of each element marked aria-invalid

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for name in REFERENCES:
            self.references += [(name, ref) for ref in (attrs.get(name) or "").split()]
        if attrs.get("aria-invalid") == "true":
            self.invalid.append((attrs.get("aria-describedby") or "").split())
        if tag == "a" and (href := attrs.get("href")):
            self.links.append(href)
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit", "button"):
            self.fields.append({**attrs, "_wrapped": self.label_depth > 0, "_tag": tag})

    def handle_endtag(self, tag):
        if tag == "label":
            self.label_depth -= 1

    def unlabelled(self) -> list[str]:
        return [
            f"{field['_tag']} name={field.get('name')}"
            for field in self.fields
            if not (field["_wrapped"] or field.get("id") in self.label_for or field.get("aria-label"))
            and not field.get("aria-labelledby")
        ]

    def dangling_references(self) -> list[str]:
        ids = set(self.ids)
        return [f'{name}="{ref}"' for name, ref in self.references if ref not in ids]


def internal_link(href: str) -> str | None:
    """The page of this site a link leads to, for a crawl: not sign-in or admin pages, files or feeds."""
    if not href.startswith("/") or href.startswith("//"):
        return None
    path = href.split("#")[0]
    files = (".ics", ".csv", ".pdf")  # feeds and downloads (the accreditation report's), not pages
    if (
        not path
        or path.startswith(("/accounts/", "/admin/", "/static/", "/media/"))
        or path.split("?")[0].endswith(files)
    ):
        return None
    return path


def assert_refused(html: str, field: str, row="") -> None:
    """The page shows why ``field`` was refused as an alert with id ``errors-<field>[-<row>]``, and the form's
    control for the field, or the fieldset of its controls (when the form has one), is marked invalid and
    described by that message, as a screen reader needs it; no reference of the page dangles."""
    error_id = f"errors-{field}{f'-{row}' if row != '' else ''}".replace(".", "-")
    page = Page()
    page.feed(html)
    assert error_id in page.ids, f"no {error_id} in the page"
    assert re.search(rf'<div class="errorlist" role="alert" id="{error_id}">', html), f"{error_id} is not an alert"
    assert not page.dangling_references(), page.dangling_references()
    name = f"{field}_{row}" if row != "" else field
    if any(f.get("name") == name for f in page.fields):  # the form has a control (or a group of them) for it
        assert any(error_id in described_by for described_by in page.invalid), f"nothing invalid points at {error_id}"
