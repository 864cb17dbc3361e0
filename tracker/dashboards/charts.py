"""Chart geometry: numbers in, rectangles and labels out. Templates draw them as inline SVG
(``templates/macros/charts.html``), so every label is escaped like any other text."""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil, log10

from markupsafe import Markup, escape

from tracker.dashboards.aggregates import Series
from tracker.dashboards.buckets import Bucketing


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    title: str

    def svg(self) -> Markup:
        """The mark as SVG (written here: a chart has hundreds, and the template would escape
        every number of each one). Its fill and outline are its group's (:func:`grouped`)."""
        return Markup(
            f'<rect x="{self.x}" y="{self.y}" width="{self.w}" height="{self.h}"><title>{escape(self.title)}</title></rect>'
        )


def grouped(rects: list[Rect]) -> Markup:
    """The marks as SVG, one group per colour (the fill said once, not per mark)."""
    fills: dict[str, list[Rect]] = {}
    for r in rects:
        fills.setdefault(r.fill, []).append(r)
    return Markup("").join(
        Markup('<g fill="{}">').format(fill) + Markup("").join(r.svg() for r in marks) + Markup("</g>")
        for fill, marks in fills.items()
    )


@dataclass
class Band:
    """A stretch of the time axis (a phase of the conflict) drawn behind the bars."""

    x: float
    w: float
    fill: str
    label: str
    title: str


@dataclass
class Chart:
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    plot_left: int = 40
    plot_bottom: int = 0
    bands: list[Band] = field(default_factory=list)


def nice_max(value: int) -> int:
    """A round axis maximum at or above ``value`` whose half is a whole number too."""
    if value <= 10:
        return next(m for m in (2, 4, 6, 8, 10) if value <= m)
    step = 10 ** int(log10(value))
    return next(int(m * step) for m in (1, 2, 4, 5, 10) if value <= m * step)


def stacked_bars(
    series: Series, colors: dict[str, str], labels: dict[str, str], *, width: int = 760, height: int = 240
) -> Chart:
    """Vertical bars per bucket, stacked by key in ``series.keys`` order."""
    left, bottom, top = 40, 40, 10
    chart = Chart(width, height, plot_left=left, plot_bottom=height - bottom)
    chart.legend = [(colors[k], labels[k]) for k in series.keys]
    n = len(series.buckets)
    if not n:
        return chart
    top_value = nice_max(max(series.totals()) or 1)
    plot_w, plot_h = width - left - 10, height - bottom - top
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.8)
    every = max(1, ceil(n / 12))
    for i, label in enumerate(series.labels):
        x = left + i * slot + (slot - bar_w) / 2
        y: float = height - bottom
        for key in series.keys:
            count = series.values[key][i]
            if not count:
                continue
            h = plot_h * count / top_value
            y -= h
            chart.rects.append(
                Rect(
                    round(x, 1),
                    round(y, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    colors[key],
                    f"{label} · {labels[key]}: {count}",
                )
            )
        if i % every == 0:
            chart.x_labels.append((round(left + i * slot + slot / 2, 2), label))
    chart.y_ticks = [(round(height - bottom - plot_h * v / top_value, 2), v) for v in (0, top_value // 2, top_value)]
    return chart


def phase_bands(
    chart: Chart, phases: list, bucketing: Bucketing, buckets: list[tuple[int, int]], colors: dict[str, str]
) -> None:
    """The conflict's phases as bands behind the bars of ``chart`` (drawn over ``buckets``):
    each phase from the bucket it began in to the bucket the next began in."""
    if not buckets or not phases:
        return
    n, left = len(buckets), chart.plot_left
    slot = (chart.width - left - 10) / n
    first, last = buckets[0], buckets[-1]
    for i, phase in enumerate(phases):
        start = max(bucketing.of(phase.since), first)
        end = bucketing.of(phases[i + 1].since) if i + 1 < len(phases) else None
        if start > last or (end is not None and end < first):
            continue
        a = buckets.index(start) if start in buckets else 0
        b = (
            (buckets.index(end) if end in buckets else (n if end is None or end > last else 0))
            if end is not None
            else n
        )
        if b <= a:
            continue
        label = phase.phase.label
        chart.bands.append(Band(round(left + a * slot, 2), round((b - a) * slot, 2), colors[phase.phase.value], label.split(" ")[0] if (b - a) * slot < 60 else label,
                                f"{label}, from {bucketing.label(start)}"))  # fmt: skip
    chart.legend = [
        *chart.legend,
        *((colors[p.phase.value], f"Phase: {p.phase.label}") for p in {ph.phase: ph for ph in phases}.values()),
    ]


def horizontal_bars(
    items: list[tuple[str, int]],
    colors: dict[str, str],
    labels: dict[str, str],
    *,
    width: int = 420,
    row: int = 22,
    left: int = 220,
) -> Chart:
    """One bar per key, longest for the largest count; zero counts keep their row."""
    chart = Chart(width, row * max(1, len(items)) + 10, plot_left=left)
    top_value = max((n for _, n in items), default=0) or 1
    for i, (key, count) in enumerate(items):
        w = (width - left - 40) * count / top_value
        chart.rects.append(
            Rect(left, i * row + 4, round(w, 2), row - 8, colors.get(key, "#4D4D4D"), f"{labels[key]}: {count}")
        )
        chart.x_labels.append((i * row + row / 2 + 4, labels[key]))
    return chart


def diverging_bars(
    labels: list[str],
    values: list[float | None],
    colors: dict[str, str],
    *,
    limit: float = 10.0,
    width: int = 760,
    height: int = 200,
    what: str = "mean Goldstein weight",
) -> Chart:
    """One bar per bucket from a zero line: up for positive values, down for negative, on a
    fixed scale from ``-limit`` to ``limit`` (the Goldstein scale's ends)."""
    left, bottom, top = 40, 40, 10
    chart = Chart(width, height, plot_left=left, plot_bottom=height - bottom)
    chart.legend = [(colors["cooperative"], "Cooperative (above 0)"), (colors["conflictual"], "Conflictual (below 0)")]
    n = len(labels)
    if not n:
        return chart
    plot_w, plot_h = width - left - 10, height - bottom - top
    zero = top + plot_h / 2
    slot = plot_w / n
    bar_w = max(1.0, slot * 0.8)
    every = max(1, ceil(n / 12))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        if value:
            h = plot_h / 2 * min(abs(value), limit) / limit
            y = zero - h if value > 0 else zero
            fill = colors["cooperative" if value > 0 else "conflictual"]
            chart.rects.append(
                Rect(
                    round(left + i * slot + (slot - bar_w) / 2, 1),
                    round(y, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    fill,
                    f"{label} · {what}: {value:+.2f}",
                )
            )
        if i % every == 0:
            chart.x_labels.append((round(left + i * slot + slot / 2, 2), label))
    chart.y_ticks = [
        (round(zero - plot_h / 2, 2), int(limit)),
        (round(zero, 2), 0),
        (round(zero + plot_h / 2, 2), -int(limit)),
    ]
    return chart
