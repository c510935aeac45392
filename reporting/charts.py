"""Server-side SVG charts for the reports, the yearbook and the dashboards.

One SVG serves both the web pages (inline, no script, no ``style`` attribute or
element, so the Content-Security-Policy holds) and the PDFs (WeasyPrint draws
inline SVG). Charts read right to left: the value axis stands on the right,
time runs from right to left, horizontal bars grow leftwards, legends start at
the right. Text goes through ``reporting.shaping.for_svg`` (joined letters,
visual order) and numbers use Persian digits.

Every function returns a ``SafeString`` holding one ``<svg>`` element with
``class="chart chart-<kind>"``, a fixed ``viewBox`` and an ``aria-label``
(the chart's title in logical order, for screen readers); pages scale it with
CSS (``.chart { max-width: 100%; height: auto; }``).

Entry points:

- ``line_chart(labels, series, title=...)``: trends, e.g. twelve Jalali months;
- ``bar_chart(labels, series, title=...)``: grouped vertical bars;
- ``hbar_chart(labels, series, title=...)``: grouped horizontal bars, e.g. per purpose
  received and spent, or centers ranked;
- ``donut_chart(items, title=...)``: shares of a whole;
- ``trend_chart(rows, ...)`` and ``purpose_chart(rows, ...)``: the two charts built straight from
  ``reporting.figures.monthly_series`` and ``reporting.figures.by_purpose``.

``Series(name, values)``: ``values`` aligned with ``labels``; ``None`` is a gap (a line breaks, no bar).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.digits import format_number_fa, to_persian_digits

from .shaping import for_svg, text_width

Number = int | float

#: Colour-blind-safe palette (Okabe-Ito, darkened where needed for contrast on white).
PALETTE = ("#0b6e99", "#d55e00", "#2e8b57", "#8e5ea2", "#b8860b", "#cc79a7", "#56606b", "#009e73")
FONT_FAMILY = "Vazirmatn, Tahoma, sans-serif"
TEXT_COLOUR = "#1f2933"
MUTED_COLOUR = "#5f6b76"
GRID_COLOUR = "#dde3e8"


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]
    #: Dashed line / hatched-looking (lighter) bars: used for "same period last year".
    secondary: bool = False
    colour: str | None = None


@dataclass
class _Svg:
    width: float
    height: float
    kind: str
    title: str
    parts: list[str] = field(default_factory=list)

    def add(self, fragment: str) -> None:
        self.parts.append(fragment)

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        size: float = 12,
        anchor: str = "start",
        colour: str = TEXT_COLOUR,
        weight: str | None = None,
        tooltip: str | None = None,
    ) -> None:
        """A line of text; ``anchor`` is in left-to-right terms (``end`` = right edge at x)."""
        attrs = (
            f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" fill="{colour}" text-anchor="{anchor}" '
            'direction="ltr" unicode-bidi="bidi-override"'
        )
        if weight:
            attrs += f' font-weight="{weight}"'
        body = escape(for_svg(content))
        if tooltip:
            self.add(f"<g><title>{escape(tooltip)}</title><text {attrs}>{body}</text></g>")
        else:
            self.add(f"<text {attrs}>{body}</text>")

    def render(self) -> SafeString:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{self.kind}" '
            f'viewBox="0 0 {_n(self.width)} {_n(self.height)}" width="{_n(self.width)}" '
            f'height="{_n(self.height)}" role="img" aria-label={quoteattr(self.title)} '
            f'font-family="{FONT_FAMILY}">'
        )
        title = f"<title>{escape(self.title)}</title>" if self.title else ""
        return mark_safe(head + title + "".join(self.parts) + "</svg>")  # noqa: S308 - every text part is escaped


def _n(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _colour(series: Series, index: int) -> str:
    return series.colour or PALETTE[index % len(PALETTE)]


# -- numbers -----------------------------------------------------------------------------------------------


def compact_number(value: Number) -> str:
    """A short Persian number for axes and bar ends: ۱٫۲ میلیارد, ۳۵۰ میلیون, ۱۲ هزار, ۸۵۰."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    for scale, unit in (
        (10**12, _("thousand billion")),
        (10**9, _("billion")),
        (10**6, _("million")),
        (10**3, _("thousand")),
    ):
        if value >= scale:
            scaled = value / scale
            digits = f"{scaled:.1f}" if scaled < 10 and scaled != int(scaled) else f"{round(scaled)}"
            if digits.endswith(".0"):
                digits = digits[:-2]
            return sign + to_persian_digits(digits.replace(".", "\u066b")) + " " + unit
    if value == int(value):
        return sign + format_number_fa(int(value))
    return sign + to_persian_digits(f"{value:.1f}".replace(".", "\u066b"))


def percent(value: float | None) -> str:
    """Persian percent with sign, e.g. +۱۲٪ or -۳٫۵٪; an empty string for None."""
    if value is None:
        return ""
    text = f"{value:+.1f}" if abs(value) < 10 else f"{value:+.0f}"
    if text.endswith(".0"):
        text = text[:-2]
    return to_persian_digits(text.replace(".", "\u066b")) + "\u066a"


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high], zero included."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    tick = start
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        if tick >= high:
            break
        tick += step
    return ticks


def _values(series: Sequence[Series]) -> list[float]:
    return [float(v) for s in series for v in s.values if v is not None]


# -- pieces shared by the cartesian charts -----------------------------------------------------------------


def _legend(svg: _Svg, series: Sequence[Series], right: float, y: float, size: float = 11) -> None:
    """Legend items from right to left: swatch, then the name to its left."""
    x = right
    for index, s in enumerate(series):
        colour = _colour(s, index)
        if s.secondary and svg.kind != "line":
            svg.add(
                f'<rect x="{_n(x - 12)}" y="{_n(y - 10)}" width="12" height="10" rx="2" fill="{colour}" '
                'fill-opacity="0.45"/>'
            )
        elif s.secondary:
            svg.add(
                f'<line x1="{_n(x - 14)}" y1="{_n(y - 4)}" x2="{_n(x)}" y2="{_n(y - 4)}" stroke="{colour}" '
                'stroke-width="2" stroke-dasharray="4 3"/>'
            )
        else:
            svg.add(f'<rect x="{_n(x - 12)}" y="{_n(y - 10)}" width="12" height="10" rx="2" fill="{colour}"/>')
        svg.text(x - 18, y, s.name, size=size, anchor="end")
        x -= 18 + text_width(for_svg(s.name), size) + 16


def _frame(svg: _Svg, title: str, series: Sequence[Series], margin: float) -> float:
    """Title and legend at the top right; returns the y where the plot may start."""
    y = margin
    if title:
        y += 14
        svg.text(svg.width - margin, y, title, size=14, anchor="end", weight="bold")
    if len(series) > 1 or (series and series[0].name):
        y += 20
        _legend(svg, series, svg.width - margin, y)
    return y + 14


def _empty(svg: _Svg, top: float) -> SafeString:
    svg.text(svg.width / 2, top + (svg.height - top) / 2, _("No data for this period."), anchor="middle",
             colour=MUTED_COLOUR)
    return svg.render()


def _value_axis(
    svg: _Svg, ticks: Sequence[float], y_of: Callable[[float], float], left: float, right: float
) -> None:
    """Horizontal grid lines and tick labels to the right of the plot."""
    for tick in ticks:
        y = y_of(tick)
        colour = MUTED_COLOUR if tick == 0 else GRID_COLOUR
        svg.add(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right)}" y2="{_n(y)}" stroke="{colour}" stroke-width="1"/>'
        )
        svg.text(right + 6, y + 4, compact_number(tick), size=10, colour=MUTED_COLOUR)


def _category_labels(svg: _Svg, labels: Sequence[str], x_of: Callable[[int], float], y: float, room: float) -> None:
    """Category labels under the plot; every other one is dropped when they would collide."""
    size = 10.5
    widest = max((text_width(for_svg(label), size) for label in labels), default=0)
    every = max(1, math.ceil((widest + 6) / room)) if room > 0 else 1
    for index, label in enumerate(labels):
        if index % every == 0:
            svg.text(x_of(index), y, label, size=size, anchor="middle", colour=MUTED_COLOUR)


def _axis_room(ticks: Sequence[float]) -> float:
    return max(text_width(for_svg(compact_number(t)), 10) for t in ticks) + 12


@dataclass(frozen=True)
class _Plot:
    """The plot area of a chart of values over categories (y grows downwards; values from ``lo`` to ``hi``)."""

    top: float
    bottom: float
    left: float
    right: float
    lo: float
    hi: float

    def y_of(self, v: float) -> float:
        return self.bottom - (v - self.lo) / (self.hi - self.lo) * (self.bottom - self.top)


def _value_plot(
    svg: _Svg, title: str, series: Sequence[Series], labels: Sequence[str], *, inset: float
) -> tuple[float, _Plot | None]:
    """Title, legend and value axis of a line or bar chart; the plot is ``None`` when there is nothing to draw
    (the first value is where the plot would have started)."""
    margin = 12
    top = _frame(svg, title, series, margin)
    values = _values(series)
    if not labels or not values:
        return top, None
    ticks = _nice_ticks(min(values), max(values))
    plot = _Plot(top=top, bottom=svg.height - margin - 22, left=margin + inset,
                 right=svg.width - margin - _axis_room(ticks), lo=ticks[0], hi=ticks[-1])
    _value_axis(svg, ticks, plot.y_of, plot.left, plot.right)
    return top, plot


# -- charts --------------------------------------------------------------------------------------------------


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str = "",
    width: float = 640,
    height: float = 300,
    value_format: Callable[[Number], str] = format_number_fa,
) -> SafeString:
    """Lines over categories that run from right (first) to left (last), e.g. months of a year."""
    svg = _Svg(width, height, "line", title)
    top, plot = _value_plot(svg, title, series, labels, inset=8)
    if plot is None:
        return _empty(svg, top)
    bottom, left, right, y_of = plot.bottom, plot.left, plot.right, plot.y_of
    step = (right - left - 16) / max(len(labels) - 1, 1)

    def x_of(i: int) -> float:
        return right - 8 - i * step if len(labels) > 1 else (left + right) / 2

    _category_labels(svg, labels, x_of, bottom + 18, step)
    for index, s in enumerate(series):
        colour = _colour(s, index)
        dash = ' stroke-dasharray="5 4"' if s.secondary else ""
        segment: list[str] = []
        segments: list[list[str]] = []
        for i, v in enumerate(s.values[: len(labels)]):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{_n(x_of(i))},{_n(y_of(float(v)))}")
        if segment:
            segments.append(segment)
        for points in segments:
            if len(points) > 1:
                svg.add(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2.2" '
                    f'stroke-linejoin="round" stroke-linecap="round"{dash}/>'
                )
        if not s.secondary:
            for i, v in enumerate(s.values[: len(labels)]):
                if v is None:
                    continue
                tip = f"{s.name} · {labels[i]}: {value_format(v)}"
                svg.add(
                    f'<circle cx="{_n(x_of(i))}" cy="{_n(y_of(float(v)))}" r="3" fill="{colour}">'
                    f"<title>{escape(tip)}</title></circle>"
                )
    return svg.render()


def bar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str = "",
    width: float = 640,
    height: float = 300,
    value_format: Callable[[Number], str] = format_number_fa,
) -> SafeString:
    """Grouped vertical bars; the first category stands at the right."""
    svg = _Svg(width, height, "bar", title)
    top, plot = _value_plot(svg, title, series, labels, inset=0)
    if plot is None:
        return _empty(svg, top)
    bottom, left, right, y_of = plot.bottom, plot.left, plot.right, plot.y_of
    band = (right - left) / len(labels)
    bar = band * 0.72 / max(len(series), 1)

    def x_of(i: int) -> float:
        return right - band * (i + 0.5)

    _category_labels(svg, labels, x_of, bottom + 18, band)
    zero = y_of(0)
    for index, s in enumerate(series):
        colour = _colour(s, index)
        opacity = ' fill-opacity="0.45"' if s.secondary else ""
        for i, v in enumerate(s.values[: len(labels)]):
            if v is None:
                continue
            # Within a group the first series stands at the right, like the categories.
            x = x_of(i) + band * 0.36 - bar * (index + 1)
            y = min(zero, y_of(float(v)))
            h = abs(y_of(float(v)) - zero)
            tip = f"{s.name} · {labels[i]}: {value_format(v)}"
            svg.add(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(bar - 1, 1))}" height="{_n(h)}" fill="{colour}"'
                f"{opacity}><title>{escape(tip)}</title></rect>"
            )
    return svg.render()


def hbar_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str = "",
    width: float = 640,
    bar_height: float = 14,
    label_width: float | None = None,
    value_format: Callable[[Number], str] = compact_number,
) -> SafeString:
    """Grouped horizontal bars: labels at the right, bars growing leftwards, values at the bars' ends."""
    rows = max(len(labels), 1)
    group = bar_height * max(len(series), 1) + 10
    margin = 12
    head = margin + (14 if title else 0) + (20 if len(series) > 1 or (series and series[0].name) else 0) + 14
    height = head + rows * group + margin
    svg = _Svg(width, height, "hbar", title)
    top = _frame(svg, title, series, margin)
    values = _values(series)
    if not labels or not values:
        return _empty(svg, top)
    size = 11
    shaped = [for_svg(label) for label in labels]
    if label_width is None:
        label_width = min(max(text_width(s, size) for s in shaped) + 10, width * 0.35)
    right = width - margin - label_width
    value_room = max(text_width(for_svg(value_format(v)), 10) for v in values) + 10
    left = margin + value_room
    high = max(max(values), 0.0)
    low = min(min(values), 0.0)
    span = (high - low) or 1.0

    def x_of(v: float) -> float:
        return right - (v - low) / span * (right - left)

    zero = x_of(0)
    svg.add(
        f'<line x1="{_n(zero)}" y1="{_n(top - 4)}" x2="{_n(zero)}" y2="{_n(top + rows * group - 6)}" '
        f'stroke="{MUTED_COLOUR}" stroke-width="1"/>'
    )
    for i, label in enumerate(labels):
        y0 = top + i * group
        svg.text(width - margin, y0 + group / 2, _truncate(label, label_width - 6, size), size=size, anchor="end",
                 tooltip=label)
        for index, s in enumerate(series):
            v = s.values[i] if i < len(s.values) else None
            if v is None:
                continue
            colour = _colour(s, index)
            opacity = ' fill-opacity="0.45"' if s.secondary else ""
            x_end = x_of(float(v))
            x = min(zero, x_end)
            w = abs(zero - x_end)
            y = y0 + index * bar_height
            tip = f"{s.name} · {label}: {value_format(v)}"
            svg.add(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(bar_height - 2)}" fill="{colour}"'
                f"{opacity}><title>{escape(tip)}</title></rect>"
            )
            if v:
                svg.text(x - 4, y + bar_height - 4, value_format(v), size=10, anchor="end", colour=MUTED_COLOUR)
    return svg.render()


def donut_chart(
    items: Sequence[tuple[str, Number]],
    *,
    title: str = "",
    width: float = 420,
    height: float = 220,
    centre_text: str | None = None,
    value_format: Callable[[Number], str] = compact_number,
) -> SafeString:
    """Shares of a whole: the legend (name, share) at the right, the ring at the left."""
    svg = _Svg(width, height, "donut", title)
    margin = 12
    top = _frame(svg, title, [], margin)
    parts = [(label, float(v)) for label, v in items if v and v > 0]
    total = sum(v for _label, v in parts)
    if not parts:
        return _empty(svg, top)
    radius = min((height - top - margin) / 2, width * 0.25)
    inner = radius * 0.58
    cx, cy = margin + radius, top + (height - top - margin) / 2
    angle = -math.pi / 2
    for index, (label, v) in enumerate(parts):
        colour = PALETTE[index % len(PALETTE)]
        sweep = v / total * 2 * math.pi
        tip = f"{label}: {value_format(v)} ({percent_share(v / total)})"
        if sweep >= 2 * math.pi - 1e-9:
            svg.add(
                f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n((radius + inner) / 2)}" fill="none" stroke="{colour}" '
                f'stroke-width="{_n(radius - inner)}"><title>{escape(tip)}</title></circle>'
            )
        else:
            svg.add(f'<path d="{_ring_path(cx, cy, radius, inner, angle, angle + sweep)}" fill="{colour}">'
                    f"<title>{escape(tip)}</title></path>")
        angle += sweep
    if centre_text is None:
        centre_text = value_format(total)
    svg.text(cx, cy + 5, centre_text, size=13, anchor="middle", weight="bold")
    # Legend rows, right-aligned.
    row = 20
    y = cy - row * (len(parts) - 1) / 2 + 4
    for index, (label, v) in enumerate(parts):
        colour = PALETTE[index % len(PALETTE)]
        x = width - margin
        svg.add(f'<rect x="{_n(x - 12)}" y="{_n(y - 10)}" width="12" height="10" rx="2" fill="{colour}"/>')
        svg.text(x - 18, y, f"{label} ({percent_share(v / total)})", size=11, anchor="end")
        y += row
    return svg.render()


def percent_share(fraction: float) -> str:
    """۴۲٪ (a share, no sign)."""
    value = fraction * 100
    text = f"{value:.0f}" if value >= 10 or value == 0 else f"{value:.1f}"
    return to_persian_digits(text.replace(".", "\u066b")) + "\u066a"


def _ring_path(cx: float, cy: float, r: float, inner: float, start: float, end: float) -> str:
    large = 1 if end - start > math.pi else 0

    def point(radius: float, a: float) -> str:
        return f"{_n(cx + radius * math.cos(a))} {_n(cy + radius * math.sin(a))}"

    return (
        f"M {point(r, start)} A {_n(r)} {_n(r)} 0 {large} 1 {point(r, end)} "
        f"L {point(inner, end)} A {_n(inner)} {_n(inner)} 0 {large} 0 {point(inner, start)} Z"
    )


def _truncate(label: str, room: float, size: float) -> str:
    if text_width(for_svg(label), size) <= room:
        return label
    words = label
    while words and text_width(for_svg(words + "…"), size) > room:
        words = words[:-1]
    return words.rstrip() + "…"


# -- charts of the figures -----------------------------------------------------------------------------------


def trend_chart(
    rows: Iterable[Mapping[str, object]],
    *,
    keys: Sequence[tuple[str, str]] | None = None,
    title: str | None = None,
    width: float = 640,
    height: float = 300,
) -> SafeString:
    """The monthly trend from ``figures.monthly_series`` rows (one per Jalali month, oldest first).

    Each row needs ``label`` (or ``period`` with a ``label()``) and the numeric keys drawn; by default the
    received money (cash, in kind and service summed) and the aid given.
    """
    rows = list(rows)
    labels = [_row_label(row) for row in rows]
    if keys is None:
        received = [sum(int(row.get(k) or 0) for k in ("cash", "in_kind", "service")) for row in rows]
        aid = [int(row.get("aid") or 0) for row in rows]
        series = [Series(_("Received"), received), Series(_("Aid given"), aid)]
    else:
        series = [Series(name, [row.get(key) for row in rows]) for key, name in keys]  # type: ignore[misc]
    return line_chart(labels, series, title=_("Monthly trend (rials)") if title is None else title,
                      width=width, height=height)


def purpose_chart(
    rows: Iterable[Mapping[str, object]], *, title: str | None = None, width: float = 640
) -> SafeString:
    """Received and spent per purpose from ``figures.by_purpose`` rows (``label``, ``received``, ``spent``)."""
    rows = list(rows)
    labels = [str(row.get("label", "")) for row in rows]
    series = [
        Series(_("Received"), [int(row.get("received") or 0) for row in rows]),
        Series(_("Spent"), [int(row.get("spent") or 0) for row in rows]),
    ]
    return hbar_chart(labels, series, title=_("By purpose (rials)") if title is None else title, width=width)


def _row_label(row: Mapping[str, object]) -> str:
    label = row.get("label")
    if label:
        return str(label)
    period = row.get("period")
    if period is not None and hasattr(period, "label"):
        return str(period.label())
    return str(period or "")
