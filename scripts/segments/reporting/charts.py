"""Small SVG charts in pure Python: horizontal bars and columns.

Each function returns one self-contained SVG document, 800 px wide, in
system fonts and one palette, that renders the same in a browser, on GitHub
and in `rsvg-convert`. Every piece of text is XML-escaped, so labels such as
"Can't Lose Them" or "<&>" are safe. Text widths are estimated (no font
metrics in pure Python), generously enough that labels do not collide.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 800
MARGIN = 24
BAR_BAND = 30
BAR_HEIGHT = 20
COLUMN_PLOT_HEIGHT = 300
PALETTE = (
    "#2563eb",  # blue
    "#0d9488",  # teal
    "#d97706",  # amber
    "#7c3aed",  # violet
    "#dc2626",  # red
    "#0891b2",  # cyan
    "#65a30d",  # lime
    "#db2777",  # pink
    "#64748b",  # slate
)
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
STYLE = f"""
text {{ font-family: {FONT_FAMILY}; fill: #1f2937; }}
.title {{ font-size: 18px; font-weight: 600; }}
.subtitle {{ font-size: 13px; fill: #6b7280; }}
.label {{ font-size: 13px; }}
.tick {{ font-size: 12px; fill: #6b7280; }}
.axis-label {{ font-size: 12px; fill: #4b5563; }}
.annotation {{ font-size: 12px; fill: #374151; }}
.empty {{ font-size: 15px; fill: #6b7280; }}
.grid {{ stroke: #e5e7eb; stroke-width: 1; }}
.baseline {{ stroke: #9ca3af; stroke-width: 1; }}
"""


def format_number(value: float, decimals: int = 0) -> str:
    """`1234567.8` -> `1,234,568`: thousands separators, no minus zero."""
    if round(value, decimals) == 0:
        value = 0.0
    return f"{value:,.{decimals}f}"


def text_width(text: str, font_size: float) -> float:
    """A generous estimate of the rendered width of `text` in a sans-serif font."""
    return len(text) * font_size * 0.6


@dataclass(frozen=True)
class Axis:
    """A value axis: its range, rounded outwards to nice ticks."""

    low: float
    high: float
    ticks: tuple[float, ...]
    decimals: int

    def scale(self, value: float, start: float, length: float) -> float:
        """Pixel position of `value` on an axis drawn from `start` over `length` pixels."""
        return start + (value - self.low) / (self.high - self.low) * length

    def tick_label(self, value: float) -> str:
        return format_number(value, self.decimals)


def nice_axis(values: Sequence[float], tick_count: int = 5) -> Axis:
    """An axis that includes zero and every value, with 1-2-5 steps (whole for whole numbers)."""
    low, high = min(0.0, *values), max(0.0, *values)
    if high == low:
        high = low + 1.0
    raw_step = (high - low) / tick_count
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw_step * (1 - 1e-9))
    if all(float(value).is_integer() for value in values):
        step = max(step, 1.0)
    low = math.floor(low / step + 1e-9) * step
    high = math.ceil(high / step - 1e-9) * step
    ticks = tuple(low + index * step for index in range(round((high - low) / step) + 1))
    decimals = 0 if step >= 1 else -math.floor(math.log10(step))
    return Axis(low, high, ticks, decimals)


def truncate(text: str, font_size: float, max_width: float) -> str:
    """`text`, cut with an ellipsis to fit in `max_width`."""
    if text_width(text, font_size) <= max_width:
        return text
    keep = max(1, int(max_width / (font_size * 0.6)) - 1)
    return text[:keep].rstrip() + "…"


def text(x: float, y: float, content: str, css_class: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{css_class}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def document(title: str, subtitle: str, height: float, body: list[str]) -> str:
    """The SVG root: white background, title block, styles, then `body`."""
    header = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" role="img">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>',
        text(MARGIN, 32, title, "title"),
    ]
    if subtitle:
        header.append(text(MARGIN, 54, subtitle, "subtitle"))
    return "\n".join([*header, *body, "</svg>"]) + "\n"


def plot_top(subtitle: str) -> float:
    return 80 if subtitle else 60


def empty_chart(title: str, subtitle: str = "", message: str = "No data") -> str:
    """A chart with nothing to draw: its title and `message`, so a report never has a hole."""
    top = plot_top(subtitle)
    return document(
        title, subtitle, top + 100, [text(WIDTH / 2, top + 50, message, "empty", "middle")]
    )


def horizontal_bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    annotations: Sequence[str] | None = None,
    *,
    subtitle: str = "",
    value_label: str = "",
    category_label: str = "",
    colors: Sequence[str] | None = None,
) -> str:
    """One horizontal bar per label, top to bottom in the given order, annotated at its end;
    `value_label` titles the value axis below, `category_label` the labels above them."""
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    if not labels:
        return empty_chart(title, subtitle)
    notes = list(annotations) if annotations is not None else [format_number(v) for v in values]
    axis = nice_axis(values)
    label_width = min(max(text_width(label, 13) for label in labels), WIDTH * 0.4)
    note_width = max(text_width(note, 12) for note in notes) + 10
    left = MARGIN + label_width + 10
    length = WIDTH - MARGIN - note_width - left
    top = plot_top(subtitle)
    bottom = top + len(labels) * BAR_BAND
    body = value_axis_vertical_grid(axis, left, length, top, bottom, value_label)
    if category_label:
        body.append(text(left - 10, top - 8, category_label, "axis-label", "end"))
    for index, (label, value, note) in enumerate(zip(labels, values, notes, strict=True)):
        middle = top + index * BAR_BAND + BAR_BAND / 2
        start = axis.scale(min(0.0, value), left, length)
        end = axis.scale(max(0.0, value), left, length)
        color = colors[index % len(colors)] if colors else PALETTE[0]
        body += [
            text(left - 10, middle + 4.5, truncate(label, 13, label_width), "label", "end"),
            f'<rect class="bar" x="{start:.2f}" y="{middle - BAR_HEIGHT / 2:.2f}" '
            f'width="{end - start:.2f}" height="{BAR_HEIGHT}" rx="2" fill="{color}">'
            f"<title>{escape(f'{label}: {note}')}</title></rect>",
            text(end + 6, middle + 4, note, "annotation"),
        ]
    zero = axis.scale(0.0, left, length)
    body.append(line(zero, top, zero, bottom, "baseline"))
    return document(title, subtitle, bottom + (58 if value_label else 40), body)


def value_axis_vertical_grid(
    axis: Axis, left: float, length: float, top: float, bottom: float, value_label: str
) -> list[str]:
    """Vertical grid lines with tick labels below the plot, and the axis title under them."""
    parts: list[str] = []
    for tick in axis.ticks:
        x = axis.scale(tick, left, length)
        parts += [
            line(x, top, x, bottom, "grid"),
            text(x, bottom + 18, axis.tick_label(tick), "tick", "middle"),
        ]
    if value_label:
        parts.append(text(left + length / 2, bottom + 40, value_label, "axis-label", "middle"))
    return parts


def columns(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    subtitle: str = "",
    value_label: str = "",
    category_label: str = "",
    color: str = PALETTE[0],
) -> str:
    """One column per label, left to right; category labels thinned so they never overlap."""
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    if not labels:
        return empty_chart(title, subtitle)
    axis = nice_axis(values)
    tick_width = max(text_width(axis.tick_label(tick), 12) for tick in axis.ticks)
    left = MARGIN + (22 if value_label else 0) + tick_width + 8
    length = WIDTH - MARGIN - left
    top = plot_top(subtitle)
    bottom = top + COLUMN_PLOT_HEIGHT
    band = length / len(labels)
    label_every = math.ceil((max(text_width(label, 12) for label in labels) + 10) / band)
    body = value_axis_horizontal_grid(axis, left, length, top, bottom, value_label)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        center = left + band * (index + 0.5)
        width = min(band * 0.72, 48)
        high = axis.scale(max(0.0, value), bottom, top - bottom)
        low = axis.scale(min(0.0, value), bottom, top - bottom)
        body.append(
            f'<rect class="bar" x="{center - width / 2:.2f}" y="{high:.2f}" '
            f'width="{width:.2f}" height="{low - high:.2f}" rx="1.5" fill="{color}">'
            f"<title>{escape(f'{label}: {format_number(value)}')}</title></rect>"
        )
        if index % label_every == 0:
            body.append(text(center, bottom + 18, label, "tick", "middle"))
    zero = axis.scale(0.0, bottom, top - bottom)
    body.append(line(left, zero, left + length, zero, "baseline"))
    if category_label:
        body.append(text(left + length / 2, bottom + 40, category_label, "axis-label", "middle"))
    return document(title, subtitle, bottom + (58 if category_label else 36), body)


def value_axis_horizontal_grid(
    axis: Axis, left: float, length: float, top: float, bottom: float, value_label: str
) -> list[str]:
    """Horizontal grid lines with tick labels left of the plot, and the rotated axis title."""
    parts: list[str] = []
    for tick in axis.ticks:
        y = axis.scale(tick, bottom, top - bottom)
        parts += [
            line(left, y, left + length, y, "grid"),
            text(left - 8, y + 4, axis.tick_label(tick), "tick", "end"),
        ]
    if value_label:
        x, y = MARGIN + 10, (top + bottom) / 2
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" class="axis-label" text-anchor="middle" '
            f'transform="rotate(-90 {x:.1f} {y:.1f})">{escape(value_label)}</text>'
        )
    return parts


def line(x1: float, y1: float, x2: float, y2: float, css_class: str) -> str:
    return f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" class="{css_class}"/>'
