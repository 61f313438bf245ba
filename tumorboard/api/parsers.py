"""The API's JSON parser: DRF's, with a limit on nesting checked before parsing.

Python's json module recurses once per level: ``"[" * 3000`` exhausts the interpreter's recursion limit and would
answer 500 with a traceback. No request of this API nests deeper than a few levels (a FHIR Bundle about a dozen), so
a body nested deeper than JSON_MAX_DEPTH is refused as a 400 before it is parsed."""

from __future__ import annotations

import io
import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError

JSON_MAX_DEPTH = 64
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")


def nesting_depth_over(raw: bytes, limit: int) -> bool:
    """Whether the JSON text ``raw`` opens more than ``limit`` arrays or objects inside each other (brackets inside
    strings do not count)."""
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b'""', raw)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        if nesting_depth_over(raw, JSON_MAX_DEPTH):
            raise ParseError(f"JSON parse error - the body nests arrays or objects more than {JSON_MAX_DEPTH} deep.")
        return super().parse(io.BytesIO(raw), media_type, parser_context)
