"""Test helpers of the reports app: a complete document built by hand (no database), for the
renderers' and exporters' tests, in the shape ``document.py`` describes."""

from __future__ import annotations

import copy

from .document import SCHEMA, Document, cell, figure_ref


def _figure(key, name, unit, value, previous, last_year, target, status, display, scope=None):
    ref = figure_ref(key, scope)
    change = None if value is None or previous is None else value - previous
    pct = None if change is None or not previous else change / abs(previous)
    return {
        "ref": ref,
        "key": key,
        "name": name,
        "unit": unit,
        "higher_is_better": None if unit == "count" else True,
        "scope": scope or {},
        "value": value,
        "previous": previous,
        "change": change,
        "change_pct": pct,
        "last_year": last_year,
        "target": target,
        "status": status,
        "display": display,
        "link": f"/dashboards/drill/?metric={key}&period=2026-11",
    }


_FIGURES = [
    _figure(
        "tickets.created",
        "工单量",
        "count",
        1234.0,
        1100.0,
        980.0,
        None,
        None,
        {
            "value": "1,234",
            "previous": "1,100",
            "change": "+134",
            "change_pct": "+12.2%",
            "last_year": "980",
            "target": "—",
        },
    ),
    _figure(
        "sla.response_rate",
        "首次响应及时率",
        "ratio",
        0.952,
        0.961,
        0.93,
        0.95,
        "met",
        {
            "value": "95.2%",
            "previous": "96.1%",
            "change": "-0.9 个百分点",
            "change_pct": "-0.9%",
            "last_year": "93.0%",
            "target": "95.0%",
        },
    ),
    _figure(
        "csat.score",
        "满意度",
        "score",
        4.62,
        4.55,
        None,
        4.5,
        "met",
        {
            "value": "4.62",
            "previous": "4.55",
            "change": "+0.07",
            "change_pct": "+1.5%",
            "last_year": "—",
            "target": "4.50",
        },
    ),
    _figure(
        "sla.response_rate",
        "首次响应及时率（微信）",
        "ratio",
        0.9,
        0.95,
        None,
        0.95,
        "missed",
        {
            "value": "90.0%",
            "previous": "95.0%",
            "change": "-5.0 个百分点",
            "change_pct": "-5.3%",
            "last_year": "—",
            "target": "95.0%",
        },
        scope={"channel": "wechat"},
    ),
]

FIGURE_COLUMNS = [
    {"label": "指标", "align": "left"},
    {"label": "本月", "align": "right"},
    {"label": "目标", "align": "right"},
    {"label": "上月", "align": "right"},
    {"label": "环比", "align": "right"},
    {"label": "去年同期", "align": "right"},
    {"label": "达标", "align": "left"},
]


def _figure_row(f):
    d = f["display"]
    ref, link = f["ref"], f["link"]
    return [
        cell(f["name"]),
        cell(d["value"], f["value"], ref=ref, part="value", link=link),
        cell(d["target"], f["target"], ref=ref, part="target"),
        cell(d["previous"], f["previous"], ref=ref, part="previous"),
        cell(d["change"], f["change"], ref=ref, part="change"),
        cell(d["last_year"], f["last_year"], ref=ref, part="last_year"),
        cell({"met": "达标", "missed": "未达标"}.get(f["status"] or "", "—")),
    ]


def sample_document() -> Document:
    figures = {f["ref"]: f for f in _FIGURES}
    long_rows = [
        [cell(f"服务项 {i:02d}"), cell(str(10 + i), 10.0 + i), cell(f"{90 + i % 10}.0%", 0.9)]
        for i in range(1, 41)
    ]
    doc: Document = {
        "schema": SCHEMA,
        "title": "2026年11月运营服务月报",
        "organisation": "Opsbook 演示公司",
        "period": {
            "code": "2026-11",
            "label": "2026年11月",
            "start": "2026-11-01",
            "end": "2026-12-01",
        },
        "scope": {},
        "scope_label": "全部服务",
        "template": {"code": "monthly", "name": "运营服务月报"},
        "status": "draft",
        "version": 0,
        "generated_at": "2026-12-01T09:00:00+08:00",
        "language": "zh-hans",
        "sections": [
            {
                "key": "overview",
                "title": "概述",
                "owner": "王经理",
                "narrative": {
                    "text": "本月共受理工单 1,234 件，较上月增加 134 件（+12.2%）；"
                    "首次响应及时率 95.2%，达到目标 95.0%。",
                    "source": "本月共受理工单 {{tickets.created:value}} 件，较上月增加 "
                    "{{tickets.created:change}} 件（{{tickets.created:change_pct}}）；"
                    "首次响应及时率 "
                    "{{sla.response_rate:value}}，达到目标 {{sla.response_rate:target}}。",
                    "edited": False,
                    "warnings": [],
                },
                "blocks": [],
            },
            {
                "key": "kpis",
                "title": "关键指标",
                "owner": "王经理",
                "narrative": None,
                "blocks": [
                    {
                        "type": "figures",
                        "kind": "table",
                        "title": "主要指标",
                        "table": {
                            "columns": FIGURE_COLUMNS,
                            "rows": [_figure_row(f) for f in _FIGURES],
                        },
                        "note": "",
                    },
                    {
                        "type": "trend",
                        "kind": "chart",
                        "title": "工单量近十二个月趋势",
                        "chart": {
                            "type": "line",
                            "unit": "count",
                            "categories": [f"{m}月" for m in (12, *range(1, 12))],
                            "series": [
                                {
                                    "name": "工单量",
                                    "values": [
                                        900.0,
                                        950.0,
                                        700.0,
                                        1010.0,
                                        1040.0,
                                        990.0,
                                        1100.0,
                                        1150.0,
                                        1080.0,
                                        1120.0,
                                        1100.0,
                                        1234.0,
                                    ],
                                }
                            ],
                        },
                        "note": "",
                    },
                    {
                        "type": "sla_by_service",
                        "kind": "table",
                        "title": "各服务项响应及时率",
                        "table": {
                            "columns": [
                                {"label": "服务项", "align": "left"},
                                {"label": "工单量（件）", "align": "right", "unit": "count"},
                                {"label": "及时率", "align": "right", "unit": "ratio"},
                            ],
                            "rows": long_rows,
                        },
                        "note": "按服务项统计，共 40 项。",
                    },
                    {
                        "type": "sla_by_channel",
                        "kind": "chart",
                        "title": "各渠道响应及时率",
                        "chart": {
                            "type": "bar",
                            "unit": "ratio",
                            "categories": ["电话", "微信", "邮件", "门户"],
                            "series": [{"name": "及时率", "values": [0.97, 0.9, 0.95, None]}],
                            "target": 0.95,
                        },
                        "note": "",
                    },
                ],
            },
            {
                "key": "problems",
                "title": "问题分析",
                "owner": "李主管",
                "narrative": {
                    "text": "微信渠道首次响应及时率 90.0%，低于目标 95.0%。",
                    "source": "微信渠道首次响应及时率 {{sla.response_rate@channel=wechat:value}}，"
                    "低于目标 {{sla.response_rate@channel=wechat:target}}。",
                    "edited": True,
                    "warnings": [],
                },
                "blocks": [
                    {
                        "type": "anomalies",
                        "kind": "text",
                        "title": "异常波动",
                        "paragraphs": [
                            "微信渠道首次响应及时率 90.0%，超出近 12 个月中位数 ± 3 倍 MAD 的范围"
                            "（93.1%–98.2%）。"
                        ],
                        "note": "方法：近 12 个月的中位数 ± 3 × 1.4826 × MAD。",
                    },
                    {
                        "type": "problems",
                        "kind": "table",
                        "title": "主要问题",
                        "table": {
                            "columns": [
                                {"label": "编号", "align": "left"},
                                {"label": "问题", "align": "left"},
                                {"label": "本月次数", "align": "right", "unit": "count"},
                                {"label": "根本原因", "align": "left"},
                                {"label": "状态", "align": "left"},
                            ],
                            "rows": [
                                [
                                    cell("P12"),
                                    cell("夜间微信咨询无人值守"),
                                    cell("37", 37.0),
                                    cell("排班未覆盖 18:00 后"),
                                    cell("分析中"),
                                ],
                                [
                                    cell("P15"),
                                    cell('=HYPERLINK("http://x")'),
                                    cell("2", 2.0),
                                    cell("@SUM(A1)"),
                                    cell("已解决"),
                                ],
                            ],
                        },
                        "note": "",
                    },
                ],
            },
            {
                "key": "actions",
                "title": "改进措施",
                "owner": "李主管",
                "narrative": None,
                "blocks": [
                    {
                        "type": "actions",
                        "kind": "table",
                        "title": "改进措施跟踪",
                        "table": {
                            "columns": [
                                {"label": "措施", "align": "left"},
                                {"label": "负责人", "align": "left"},
                                {"label": "完成期限", "align": "left"},
                                {"label": "状态", "align": "left"},
                                {"label": "效果", "align": "left"},
                            ],
                            "rows": [
                                [
                                    cell("增加夜班值守"),
                                    cell("张三"),
                                    cell("2026年12月15日"),
                                    cell("进行中"),
                                    cell("—"),
                                ]
                            ],
                        },
                        "note": "",
                    }
                ],
            },
            {
                "key": "outlook",
                "title": "总结与展望",
                "owner": "王经理",
                "narrative": {
                    "text": "下月重点：微信渠道响应及时率恢复至 95.0% 以上。",
                    "source": "下月重点：微信渠道响应及时率恢复至 "
                    "{{sla.response_rate@channel=wechat:target}} 以上。",
                    "edited": False,
                    "warnings": [],
                },
                "blocks": [],
            },
            {
                "key": "appendix",
                "title": "附录",
                "owner": "",
                "narrative": None,
                "blocks": [
                    {
                        "type": "definitions",
                        "kind": "table",
                        "title": "指标定义",
                        "table": {
                            "columns": [
                                {"label": "指标", "align": "left"},
                                {"label": "定义", "align": "left"},
                                {"label": "范围", "align": "left"},
                            ],
                            "rows": [
                                [cell("工单量"), cell("本月创建的工单数。"), cell("全部服务")],
                                [
                                    cell("首次响应及时率"),
                                    cell("首次响应在 SLA 时限内的工单占比。"),
                                    cell("全部服务"),
                                ],
                            ],
                        },
                        "note": "",
                    }
                ],
            },
        ],
        "figures": figures,
        "definitions": [
            {
                "key": "tickets.created",
                "name": "工单量",
                "unit": "count",
                "definition": "本月创建的工单数。",
                "scope_label": "全部服务",
            },
            {
                "key": "sla.response_rate",
                "name": "首次响应及时率",
                "unit": "ratio",
                "definition": "首次响应在 SLA 时限内的工单占比。",
                "scope_label": "全部服务",
            },
        ],
        "layout": {},
    }
    return copy.deepcopy(doc)
