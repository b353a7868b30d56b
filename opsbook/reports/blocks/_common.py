"""What several block types share: the figures table's columns and rows, cells of a figure."""

from __future__ import annotations

from typing import Any

from .. import formatting
from ..document import Cell, Column, FigureData, cell


def figure_cell(figure: FigureData, part: str = "value") -> Cell:
    """A cell printing one part of a figure, linked to the figure's drill-down."""
    return cell(
        figure["display"].get(part, formatting.DASH),
        figure.get(part),  # type: ignore[arg-type]
        ref=figure["ref"],
        part=part,
        link=figure["link"] or None,
    )


def figure_columns(context: Any, first: str = "") -> list[Column]:
    t = context.t
    return [
        {"label": first or t("指标", "Figure"), "align": "left"},
        {"label": t("本月", "This month"), "align": "right"},
        {"label": t("目标", "Target"), "align": "right"},
        {"label": t("上月", "Last month"), "align": "right"},
        {"label": t("环比", "Change"), "align": "right"},
        {"label": t("去年同期", "Last year"), "align": "right"},
        {"label": t("达标", "Target met"), "align": "left"},
    ]


def figure_row(context: Any, figure: FigureData, label: str | None = None) -> list[Cell]:
    return [
        cell(label if label is not None else figure["name"]),
        figure_cell(figure, "value"),
        figure_cell(figure, "target"),
        figure_cell(figure, "previous"),
        figure_cell(figure, "change"),
        figure_cell(figure, "last_year"),
        cell(formatting.status(figure["status"], context.language)),
    ]


def keys_option(value: Any, name: str = "metrics") -> list[str]:
    from . import BlockError

    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BlockError(f"The option {name!r} is a list of metric keys.")
    return value


def positive_int(value: Any, name: str) -> int:
    from . import BlockError

    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BlockError(f"The option {name!r} is a whole number of at least 1.")
    return value
