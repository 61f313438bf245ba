"""The API's JSON renderer: DRF's, which also writes JSON text already written elsewhere (``RawJSON``) as it is."""

from __future__ import annotations

import json
import secrets

from rest_framework import renderers


class RawJSON:
    """A JSON value already written as DRF writes it (compact, ``ensure_ascii`` off): a case's representation written
    by PostgreSQL (``cases.api.case_reads``). It may be a response's data or a value of it (a page's results)."""

    __slots__ = ("content",)

    def __init__(self, content: bytes):
        self.content = content

    @classmethod
    def array(cls, items: list[bytes]) -> RawJSON:
        return cls(b"[" + b",".join(items) + b"]")


class JSONRenderer(renderers.JSONRenderer):
    """Renders a ``RawJSON`` that is the data or a value of it as its text: a marker string stands in its place while
    the rest is rendered, then the marker is replaced. With an ``indent`` asked for, the text is read and rendered as
    the rest."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raws: dict[bytes, bytes] = {}

        def mark(value):
            if isinstance(value, RawJSON):
                if self.get_indent(accepted_media_type or "", renderer_context or {}):
                    return json.loads(value.content)
                marker = f"raw-json-{secrets.token_hex(8)}"
                raws[f'"{marker}"'.encode()] = value.content
                return marker
            return value

        if isinstance(data, dict) and any(isinstance(value, RawJSON) for value in data.values()):
            data = {key: mark(value) for key, value in data.items()}
        rendered = super().render(mark(data), accepted_media_type, renderer_context)
        for marker, content in raws.items():
            rendered = rendered.replace(marker, content, 1)
        return rendered
