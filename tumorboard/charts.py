"""Charts drawn on the server as inline SVG: no chart library, no script, nothing fetched from elsewhere.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that states every value, so a screen
reader hears the figures; pages also show the same numbers in a table. Labels are escaped (``format_html``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 190
PALETTE = ("#0b5cad", "#b77400", "#b3261e", "#176b2c", "#5b3fa8", "#4d5560")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    note: str = ""  # shown after the value, e.g. "3 of 8 cases"


def _fmt(value: float | None, fmt: Callable[[float], str]) -> str:
    return "no data" if value is None else fmt(value)


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def number(value: float) -> str:
    return f"{value:g}"


def _n(value: float) -> str:
    """A coordinate: one decimal (format_html escapes its arguments first, so numbers arrive as text)."""
    return f"{value:.1f}"


def _join(fragments: Sequence[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((fragment,) for fragment in fragments))


def _svg(width: int, height: int, title: str, desc: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
        "<title>{}</title><desc>{}</desc>{}</svg>",
        width,
        height,
        width,
        height,
        title,
        title,
        desc,
        body,
    )


def _describe(bars: Sequence[Bar], fmt: Callable[[float], str]) -> str:
    return "; ".join(f"{bar.label}: {_fmt(bar.value, fmt)}{f' ({bar.note})' if bar.note else ''}" for bar in bars)


def bar_chart(bars: Sequence[Bar], *, title: str, scale_max: float | None = None, fmt=number) -> SafeString:
    """Horizontal bars, one per row, the value written at the bar's end. ``scale_max`` fixes the full width
    (1.0 for rates); else the largest value fills it."""
    if not bars:
        return format_html('<p class="muted">{}: no data yet.</p>', title)
    top = scale_max or max((bar.value or 0 for bar in bars), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 120
    height = len(bars) * (BAR_HEIGHT + GAP) + GAP
    rows = []
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = 0 if bar.value is None else max(1.0, plot * min(bar.value, top) / top)
        text = _fmt(bar.value, fmt) + (f" · {bar.note}" if bar.note else "")
        rows.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="3"></rect>'
                '<text x="{}" y="{}" class="value">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT * 0.7,
                bar.label,
                LABEL_WIDTH,
                y,
                _n(length),
                BAR_HEIGHT,
                PALETTE[0],
                _n(LABEL_WIDTH + length + 6),
                y + BAR_HEIGHT * 0.7,
                text,
            )
        )
    style = mark_safe("<style>.label,.value{font:13px system-ui,sans-serif;fill:#1b1f24}</style>")
    return _svg(WIDTH, height, title, _describe(bars, fmt), style + _join(rows))


def column_chart(bars: Sequence[Bar], *, title: str, scale_max: float | None = None, fmt=number) -> SafeString:
    """Vertical columns in order (a time series: one per month), the value above each column and the label
    below; a baseline and the scale's top written on the left."""
    if not bars:
        return format_html('<p class="muted">{}: no data yet.</p>', title)
    top = scale_max or max((bar.value or 0 for bar in bars), default=0) or 1
    height, left, bottom, head = 260, 48, 40, 24
    plot_h = height - bottom - head
    step = (WIDTH - left - 10) / len(bars)
    width = max(6.0, min(48.0, step * 0.6))
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#8a929c"></line>'
            '<text x="{}" y="{}" text-anchor="end" class="axis">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" class="axis">{}</text>',
            left,
            head + plot_h,
            WIDTH - 10,
            head + plot_h,
            left - 6,
            head + plot_h,
            fmt(0),
            left - 6,
            head + 10,
            fmt(top),
        )
    ]
    for index, bar in enumerate(bars):
        x = left + index * step + (step - width) / 2
        h = 0 if bar.value is None else plot_h * min(bar.value, top) / top
        y = head + plot_h - h
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"></rect>'
                '<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" class="axis">{}</text>',
                _n(x),
                _n(y),
                _n(width),
                _n(h),
                PALETTE[0],
                _n(x + width / 2),
                _n(y - 5),
                _fmt(bar.value, fmt),
                _n(x + width / 2),
                height - bottom + 16,
                bar.label,
            )
        )
    style = mark_safe("<style>.axis,.value{font:12px system-ui,sans-serif;fill:#1b1f24}</style>")
    return _svg(WIDTH, height, title, _describe(bars, fmt), style + _join(parts))


def stacked_bar(parts: Sequence[Bar], *, title: str) -> SafeString:
    """One bar split into its parts (counts), each part's share written in the legend below."""
    total = sum(part.value or 0 for part in parts)
    if not total:
        return format_html('<p class="muted">{}: no data yet.</p>', title)
    x, rects = 0.0, []
    for index, part in enumerate(parts):
        length = WIDTH * (part.value or 0) / total
        rects.append(
            format_html(
                '<rect x="{}" y="0" width="{}" height="28" fill="{}"></rect>', _n(x), _n(length), PALETTE[index]
            )
        )
        x += length
    legend = format_html_join(
        "",
        '<rect x="{}" y="42" width="12" height="12" fill="{}"></rect><text x="{}" y="53" class="value">{}</text>',
        (
            (index * 160, PALETTE[index], index * 160 + 18, f"{part.label}: {number(part.value or 0)}")
            for index, part in enumerate(parts)
        ),
    )
    style = mark_safe("<style>.value{font:13px system-ui,sans-serif;fill:#1b1f24}</style>")
    return _svg(WIDTH, 64, title, _describe(parts, number), style + _join(rects) + legend)
