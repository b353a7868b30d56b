"""Charts of a document as PNG images (matplotlib, Agg, a CJK font), for the DOCX and PDF
exports. The same chart data the web view draws with ECharts."""

from __future__ import annotations

import io
import os
from functools import cache
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure

from ..document import Chart

# Installed by `make` (Debian's fonts-noto-cjk); the first that exists is used.
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
)


@cache
def cjk_font() -> str | None:
    """The family name of an installed CJK font (registered with matplotlib), or None."""
    for path in CJK_FONTS:
        if os.path.exists(path):
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def _tick(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value * 100:.0f}%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:g}"


def render_png(chart: Chart, title: str = "", *, width_cm: float = 15.6, dpi: int = 150) -> bytes:
    """One chart as a PNG (width of the text block by default)."""
    family = cjk_font()
    rc: Any = {"axes.unicode_minus": False, "font.size": 9}
    if family:
        rc["font.family"] = family
    with matplotlib.rc_context(rc):
        width_in = width_cm / 2.54
        fig = Figure(figsize=(width_in, width_in * 0.45), dpi=dpi)
        ax = fig.add_subplot()
        categories = list(chart["categories"])
        x = list(range(len(categories)))
        series = chart["series"]
        unit = chart.get("unit", "")
        if chart["type"] == "bar":
            n = max(len(series), 1)
            width = 0.8 / n
            for i, s in enumerate(series):
                offsets = [xi - 0.4 + width * (i + 0.5) for xi in x]
                values = [v if v is not None else 0 for v in s["values"]]
                ax.bar(offsets, values, width=width, label=s["name"])
        else:
            for s in series:
                ax.plot(
                    x,
                    [v if v is not None else float("nan") for v in s["values"]],
                    marker="o",
                    markersize=3,
                    label=s["name"],
                )
        target = chart.get("target")
        if target is not None:
            ax.axhline(target, linestyle="--", linewidth=1, color="#c0392b", label="目标")
        ax.set_xticks(x, categories)
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _p: _tick(v, unit)))
        ax.grid(axis="y", linewidth=0.5, alpha=0.5)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        if title:
            ax.set_title(title)
        if len(series) > 1 or target is not None:
            ax.legend(frameon=False, fontsize=8)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
