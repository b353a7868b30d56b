"""Anomalies: the figures whose value this month lies outside median ± k·MAD of their trailing
months (``reports/anomalies.py`` states the method); each stated with the range it left."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from opsbook.metrics import registry

from .. import anomalies, formatting
from . import BlockError, BlockType, register
from ._common import keys_option, positive_int
from .figures import default_metrics


@register
class AnomaliesBlock(BlockType):
    type = "anomalies"
    label = _("Anomalies")
    help = _("Figures outside the range of their trailing months (median ± k·MAD).")
    defaults: ClassVar[dict[str, Any]] = {
        "metrics": [],
        "k": anomalies.K,
        "months": anomalies.WINDOW,
        "min_history": anomalies.MIN_HISTORY,
        "title": "",
    }

    def clean(self, options: dict[str, Any]) -> dict[str, Any]:
        options = super().clean(options)
        keys = keys_option(options["metrics"])
        unknown = [k for k in keys if registry.get(k) is None]
        if unknown:
            raise BlockError(f"Unknown metric {', '.join(unknown)}.")
        try:
            k = float(options["k"])
        except (TypeError, ValueError):
            raise BlockError("The option 'k' is a number.") from None
        if k <= 0:
            raise BlockError("The option 'k' is above 0.")
        months = positive_int(options["months"], "months")
        if months > 12:
            raise BlockError("Anomalies are judged against at most 12 trailing months.")
        positive_int(options["min_history"], "min_history")
        return {**options, "metrics": keys or default_metrics(), "k": k, "months": months}

    def plan(self, context: Any, options: dict[str, Any]) -> None:
        context.want(*options["metrics"])
        context.want_series(*options["metrics"])

    def build(self, context: Any, options: dict[str, Any]) -> list:
        k, months = options["k"], options["months"]
        t = context.t
        title = options["title"] or t("异常波动", "Anomalies")
        method = t(
            f"方法：与前 {months} 个月比较，超出中位数 ± {k:g} × 1.4826 × MAD（中位数绝对偏差）"
            f"的范围即为异常；历史不足 {options['min_history']} 个月的指标不判断。",
            f"Method: compared with the previous {months} months, a value outside median ± "
            f"{k:g} × 1.4826 × MAD (median absolute deviation) is an anomaly; figures with "
            f"fewer than {options['min_history']} months of history are not judged.",
        )
        if not context.closed:
            context.counts["anomalies"] = 0
            return [
                {
                    "type": self.type,
                    "kind": "text",
                    "title": title,
                    "paragraphs": [
                        t(
                            "本月尚未结束，不判断异常波动。",
                            "This month is not over: anomalies are not judged.",
                        )
                    ],
                    "note": method,
                }
            ]
        paragraphs = []
        for key in options["metrics"]:
            if not context.available(key):
                continue
            found = context.engine_figure(key)
            if found is None:
                continue
            verdict = anomalies.judge(
                found.value,
                context.history(key, months),
                unit=found.unit,
                k=k,
                window=months,
                min_history=options["min_history"],
            )
            if not verdict.anomaly:
                continue
            figure = context.figure(key)
            unit, lang = found.unit, context.language
            low = formatting.value(verdict.low, unit, lang)
            high = formatting.value(verdict.high, unit, lang)
            centre = formatting.value(verdict.median, unit, lang)
            word = t("高于", "above") if verdict.direction == "high" else t("低于", "below")
            paragraphs.append(
                t(
                    f"{figure['name']} {figure['display']['value']}，{word}近 {verdict.history} "
                    f"个月的正常范围（{low}–{high}，中位数 {centre}）。",
                    f"{figure['name']} {figure['display']['value']} is {word} the usual range of "
                    f"the last {verdict.history} months ({low}–{high}, median {centre}).",
                )
            )
        context.counts["anomalies"] = len(paragraphs)
        if not paragraphs:
            paragraphs = [t("本月各项指标未见异常波动。", "No figure left its usual range.")]
        return [
            {
                "type": self.type,
                "kind": "text",
                "title": title,
                "paragraphs": paragraphs,
                "note": method,
            }
        ]
