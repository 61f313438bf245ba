"""The text of a PDF that WeasyPrint wrote, for tests that check what a rendered document says (no PDF library is
a dependency): the page content streams' text operators, decoded through each font's ToUnicode map."""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
REFERENCE = rb"/%s\s+(\d+) 0 R"


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes]]:
    """Object number → (its dictionary, its stream decompressed, or b"")."""
    found = {}
    for number, body in OBJECT.findall(pdf):
        stream = STREAM.search(body)
        data = b""
        if stream:
            data = stream.group(1)
            if b"/FlateDecode" in body[: stream.start()]:
                data = zlib.decompress(data)
        found[int(number)] = (body[: stream.start()] if stream else body, data)
    # objects packed in object streams (/Type /ObjStm): "n offset" pairs, then the objects
    for head, data in list(found.values()):
        if b"/ObjStm" in head:
            first = int(re.search(rb"/First\s+(\d+)", head).group(1))
            pairs = [int(x) for x in data[:first].split()]
            numbers, offsets = pairs[0::2], pairs[1::2]
            for at, number in enumerate(numbers):
                end = offsets[at + 1] if at + 1 < len(offsets) else len(data) - first
                found.setdefault(number, (data[first + offsets[at] : first + end], b""))
    return found


def _cmap(data: bytes) -> dict[bytes, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for glyph, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[glyph.upper()] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, start in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            width = len(low)
            first = int(start, 16)
            for offset, glyph in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[f"{glyph:0{width}X}".encode()] = chr(first + offset)
    return mapping


def pdf_text(pdf: bytes) -> str:
    """The document's text, one line per text run, pages in order."""
    objects = _objects(pdf)
    fonts: dict[bytes, dict[bytes, str]] = {}
    for head, _ in objects.values():
        for name, number in re.findall(rb"/([\w.+-]+)\s+(\d+) 0 R", head):
            font_head = objects.get(int(number), (b"", b""))[0]
            unicode = re.search(REFERENCE % b"ToUnicode", font_head)
            if b"/Font" in font_head and unicode:
                fonts[name] = _cmap(objects[int(unicode.group(1))][1])
    lines = []
    for head, data in objects.values():
        if not data or b"/FontFile" in head or b"/ObjStm" in head or b"Tf" not in data:
            continue
        font: dict[bytes, str] = {}
        for match in re.finditer(rb"/([\w.+-]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj", data, re.S):
            if match.group(1):
                font = fonts.get(match.group(1), {})
                continue
            chunks = re.findall(rb"<([0-9A-Fa-f]*)>", match.group(2)) if match.group(2) else [match.group(3)]
            text = ""
            for chunk in chunks:
                chunk = chunk.upper()
                step = 4 if all(len(k) == 4 for k in list(font)[:1]) else 2
                text += "".join(font.get(chunk[i : i + step], "") for i in range(0, len(chunk), step))
            lines.append(text)
    return "\n".join(lines)
