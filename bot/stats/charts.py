"""Month-by-month charts drawn with matplotlib: SVG for the dashboard, PNG for the report.

The charts carry only numbers (month 1-12, counts): the legend is written beside them in the
page or document, in Chinese and English, so no CJK font is needed where tmbot runs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = (
    "ACTIVITY_SERIES",
    "QUESTION_SERIES",
    "activity_chart",
    "chart_svg",
    "question_chart",
    "to_png",
    "to_svg",
)

# (field, colour, zh, en): the stacked question bars and the service lines.
QUESTION_SERIES = (
    ("answered", "#2e7d32", "直接解答", "answered"),
    ("suggested", "#f9a825", "给出建议", "suggestions"),
    ("unknown", "#c62828", "未能解答", "not answered"),
    ("tool_uses", "#1565c0", "工具计算", "tool computations"),
)
ACTIVITY_SERIES = (
    ("tickets", "#6a1b9a", "人工工单", "tickets"),
    ("bookings", "#00838f", "专家预约", "bookings"),
    ("attended", "#ef6c00", "已到场咨询", "consultations held"),
)


@cache
def _matplotlib() -> ModuleType:
    # Imported when a chart is drawn (35 MiB): a process that serves chats never loads it.
    import matplotlib

    matplotlib.use("Agg")  # no display; must precede the figure import
    import matplotlib.figure
    import matplotlib.ticker

    return matplotlib


def _figure() -> tuple[Figure, Any]:
    mpl = _matplotlib()
    fig = mpl.figure.Figure(figsize=(5, 2.8), dpi=100)
    ax = fig.add_subplot()
    ax.tick_params(labelsize=11)
    # Counts: no 0.25 ticks.
    ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True, nbins=6))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_xticks(range(1, 13))
    ax.set_xlim(0.4, 12.6)
    return fig, ax


def _stacked(months: Sequence[dict[str, Any]]) -> Figure:
    fig, ax = _figure()
    x = [m["month"] for m in months]
    bottom = [0.0] * len(months)
    for field, colour, _zh, _en in QUESTION_SERIES:
        values = [float(m[field]) for m in months]
        ax.bar(x, values, bottom=bottom, color=colour, width=0.7)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    fig.tight_layout()
    return fig


def _lines(months: Sequence[dict[str, Any]]) -> Figure:
    fig, ax = _figure()
    x = [m["month"] for m in months]
    for field, colour, _zh, _en in ACTIVITY_SERIES:
        ax.plot(x, [m[field] for m in months], color=colour, marker="o", linewidth=2)
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    return fig


def to_svg(fig: Figure) -> str:
    """The chart as inline SVG that scales with the page (fixed size removed, viewBox kept);
    its numbers stay text, drawn in the page's font."""
    buf = io.StringIO()
    with _matplotlib().rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    return re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", text, count=1)


def to_png(fig: Figure) -> bytes:
    """The chart as a PNG for the Word document."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    return buf.getvalue()


def _key(months: Sequence[dict[str, Any]]) -> tuple[tuple[tuple[str, Any], ...], ...]:
    return tuple(tuple(sorted(m.items())) for m in months)


@lru_cache(maxsize=64)
def _cached_svg(kind: str, key: tuple[tuple[tuple[str, Any], ...], ...]) -> str:
    months = [dict(m) for m in key]
    return to_svg(question_chart(months) if kind == "questions" else activity_chart(months))


def chart_svg(kind: str, months: Sequence[dict[str, Any]]) -> str:
    """The SVG of chart `kind` (questions | activity); drawing takes a fifth of a second, so
    the same figures are drawn once."""
    return _cached_svg(kind, _key(months))


def question_chart(months: Sequence[dict[str, Any]]) -> Figure:
    """Questions per month, stacked by how they were answered."""
    return _stacked(months)


def activity_chart(months: Sequence[dict[str, Any]]) -> Figure:
    """Tickets, bookings and consultations held per month."""
    return _lines(months)
