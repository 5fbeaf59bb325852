"""The explorer's charts as live bqplot widgets: drawn once, then updated in place from
`render.chart_data` when a plan changes (new bar lengths, texts, axis ranges), so the browser
redraws a few SVG elements instead of receiving new images."""

from __future__ import annotations

from typing import Any

import bqplot as bq
import ipywidgets as w

from .render.chart_data import TARGET, Bars, Points

__all__ = ["LiveBars", "LivePoints", "live_chart"]

ROW_PX = 30
BASE_PX = 110
WIDTH = "100%"
MAX_WIDTH = "760px"
_MARGIN = {"top": 40, "bottom": 50, "left": 170, "right": 30}


def _same(current: Any, value: Any) -> bool:
    if current is None or value is None:
        return current is value
    if hasattr(current, "tolist"):  # bqplot keeps data as numpy arrays
        current = current.tolist()
    return bool(current == value)


def _assign(widget: Any, **traits: Any) -> None:
    """Set only the traits whose value changes: each one set is a message to the page and a
    redraw there, which is most of an update's time."""
    for name, value in traits.items():
        if not _same(getattr(widget, name), value):
            setattr(widget, name, value)


def _layout(rows: int) -> w.Layout:
    return w.Layout(width=WIDTH, max_width=MAX_WIDTH, height=f"{BASE_PX + ROW_PX * rows}px")


def _figure(marks: list[Any], axes: list[Any], rows: int) -> bq.Figure:
    return bq.Figure(
        marks=marks,
        axes=axes,
        layout=_layout(rows),
        fig_margin=dict(_MARGIN),
        animation_duration=0,
        title_style={"font-size": "14px"},
    )


class LiveBars:
    """Horizontal bars with texts at their ends and an optional vertical line."""

    def __init__(self, data: Bars):
        self.categories = bq.OrdinalScale(reverse=True)
        self.values = bq.LinearScale()
        unit = bq.LinearScale(min=0.0, max=1.0)
        # One stacked series per colour (bqplot colours series, not single bars): each bar
        # is its value in the series of its colour and zero in the others.
        self.bars = bq.Bars(
            orientation="horizontal",
            scales={"x": self.categories, "y": self.values},
            type="stacked",
            padding=0.3,
        )
        self.outside = bq.Label(
            scales={"x": self.values, "y": self.categories},
            x_offset=4,
            y_offset=4,
            default_size=11,
            colors=["black"],
            align="start",
        )
        self.inside = bq.Label(
            scales={"x": self.values, "y": self.categories},
            x_offset=-4,
            y_offset=4,
            default_size=11,
            colors=["white"],
            align="end",
        )
        self.line = bq.Lines(
            scales={"x": self.values, "y": unit}, colors=[TARGET], line_style="dashed"
        )
        self.x_axis = bq.Axis(scale=self.values, tick_format=",")
        y_axis = bq.Axis(scale=self.categories, side="left")
        marks = [self.bars, self.outside, self.inside, self.line]
        self.figure = _figure(marks, [self.x_axis, y_axis], len(data.labels))
        self.data: Bars | None = None
        self.update(data)

    def update(self, data: Bars | Points) -> bool:
        """Show `data`; False (and nothing sent to the page) when it is what is shown."""
        if not isinstance(data, Bars):
            raise TypeError(f"bars cannot show {type(data).__name__}")
        if data == self.data:
            return False
        labels = list(data.labels)
        pick = [
            (lb, v, t)
            for lb, v, t, i in zip(labels, data.values, data.texts, data.inside, strict=True)
            if i
        ]
        rest = [
            (lb, v, t)
            for lb, v, t, i in zip(labels, data.values, data.texts, data.inside, strict=True)
            if not i
        ]
        palette = list(dict.fromkeys(data.colours))
        series = [
            [v if c == colour else 0.0 for v, c in zip(data.values, data.colours, strict=True)]
            for colour in palette
        ]
        with self.figure.hold_sync():
            _assign(self.categories, domain=labels)
            _assign(self.values, min=data.xlim[0], max=data.xlim[1])
            with self.bars.hold_sync():
                _assign(self.bars, x=labels, y=series, colors=palette)
            _labels(self.inside, pick)
            _labels(self.outside, rest)
            with self.line.hold_sync():
                _assign(
                    self.line,
                    visible=data.line is not None,
                    x=[data.line or 0.0] * 2,
                    y=[0.0, 1.0],
                    labels=[data.line_label],
                )
            _assign(self.x_axis, label=data.xlabel)
            _assign(self.figure, title=data.title)
            _assign(self.figure.layout, height=f"{BASE_PX + ROW_PX * len(labels)}px")
        self.data = data
        return True


def _labels(mark: bq.Label, rows: list[tuple[str, float, str]]) -> None:
    with mark.hold_sync():
        _assign(
            mark,
            x=[v for _, v, _ in rows],
            y=[lb for lb, _, _ in rows],
            text=[t for _, _, t in rows],
        )


class LivePoints:
    """Points on a log x axis against cost: the chosen one larger, a text beside each, and a
    vertical target line."""

    def __init__(self, data: Points):
        self.xs = bq.LogScale()
        self.ys = bq.LinearScale()
        unit = bq.LinearScale(min=0.0, max=1.0)
        self.points = bq.Scatter(scales={"x": self.xs, "y": self.ys}, default_size=80)
        self.chosen = bq.Scatter(
            scales={"x": self.xs, "y": self.ys}, marker="diamond", default_size=260, stroke="black"
        )
        # A strategy's name above its point, its RTO and RPO below (bqplot labels are one line).
        self.names = bq.Label(
            scales={"x": self.xs, "y": self.ys},
            x_offset=10,
            y_offset=-8,
            default_size=11,
            colors=["black"],
            align="start",
        )
        self.texts = bq.Label(
            scales={"x": self.xs, "y": self.ys},
            x_offset=10,
            y_offset=8,
            default_size=10,
            colors=["#444444"],
            align="start",
        )
        self.line = bq.Lines(scales={"x": self.xs, "y": unit}, colors=[TARGET], line_style="dashed")
        self.x_axis = bq.Axis(scale=self.xs)
        self.y_axis = bq.Axis(scale=self.ys, side="left", tick_format=",", label_offset="70px")
        marks = [self.points, self.chosen, self.names, self.texts, self.line]
        self.figure = _figure(marks, [self.x_axis, self.y_axis], 6)
        self.figure.fig_margin = {**_MARGIN, "left": 90}
        self.data: Points | None = None
        self.update(data)

    def update(self, data: Bars | Points) -> bool:
        """Show `data`; False (and nothing sent to the page) when it is what is shown."""
        if not isinstance(data, Points):
            raise TypeError(f"points cannot show {type(data).__name__}")
        if data == self.data:
            return False
        i = data.chosen
        with self.figure.hold_sync():
            _assign(self.xs, min=data.xlim[0], max=data.xlim[1])
            _assign(self.ys, min=data.ylim[0], max=data.ylim[1])
            with self.points.hold_sync():
                _assign(self.points, x=list(data.xs), y=list(data.ys), colors=list(data.colours))
            with self.chosen.hold_sync():
                _assign(self.chosen, x=[data.xs[i]], y=[data.ys[i]], colors=[data.colours[i]])
            names, details = zip(*(t.partition("\n")[::2] for t in data.texts), strict=True)
            for mark, texts in ((self.names, names), (self.texts, details)):
                with mark.hold_sync():
                    _assign(mark, x=list(data.xs), y=list(data.ys), text=list(texts))
            with self.line.hold_sync():
                _assign(self.line, x=[data.line] * 2, y=[0.0, 1.0], labels=[data.line_label])
            _assign(self.x_axis, label=data.xlabel)
            _assign(self.y_axis, label=data.ylabel)
            _assign(self.figure, title=data.title)
        self.data = data
        return True


def live_chart(data: Bars | Points) -> LiveBars | LivePoints:
    """The live widget for a chart's data."""
    return LivePoints(data) if isinstance(data, Points) else LiveBars(data)
