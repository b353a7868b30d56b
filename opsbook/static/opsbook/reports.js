// The report's charts (ECharts, SVG): each chart's data comes from the page's json_script
// element (#report-charts: [{id, type, unit, categories, series, target}]); no inline script
// (CSP). Shares (unit "ratio") are drawn as percentages.
(function () {
  "use strict";
  var charts = [];

  function scale(value, unit) {
    if (value === null || value === undefined) return null;
    if (unit === "ratio") return Math.round(value * 10000) / 100;
    if (unit === "seconds") return Math.round(value / 36) / 100;
    return value;
  }

  function suffix(unit) {
    if (unit === "ratio") return " %";
    if (unit === "seconds") return " h";
    return "";
  }

  function draw(d) {
    var el = document.getElementById(d.id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    charts.push(chart);
    var unit = d.unit || "";
    var series = (d.series || []).map(function (s) {
      return {
        name: s.name,
        type: d.type === "bar" ? "bar" : "line",
        data: (s.values || []).map(function (v) { return scale(v, unit); }),
        connectNulls: false
      };
    });
    if (series.length && d.target !== null && d.target !== undefined) {
      series[0].markLine = { silent: true, symbol: "none", label: { formatter: "{c}" + suffix(unit) },
        lineStyle: { type: "dashed" }, data: [{ yAxis: scale(d.target, unit) }] };
    }
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis",
        valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + suffix(unit); } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, bottom: 8, top: 36, containLabel: true },
      xAxis: { type: "category", data: d.categories || [] },
      yAxis: { type: "value", scale: unit !== "count", axisLabel: { formatter: "{value}" + suffix(unit) } },
      series: series
    });
  }

  function drawAll() {
    var data = document.getElementById("report-charts");
    if (!data || typeof echarts === "undefined") return;
    JSON.parse(data.textContent).forEach(draw);
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
