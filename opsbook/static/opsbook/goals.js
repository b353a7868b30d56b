// A goal's chart: monthly actuals as bars, the target as a dashed line, the least-squares
// trend to the deadline, and the checkpoints' expected values as points. Data comes from the
// page's json_script element; no inline script (CSP).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("goal-chart");
    var data = document.getElementById("goal-data");
    if (!el || !data || typeof echarts === "undefined") return;
    var d = JSON.parse(data.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 16, bottom: 40, top: 40 },
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", scale: true, axisLabel: { formatter: "{value} " + d.unit } },
      series: [
        { name: d.labels.actual, type: "bar", data: d.actual },
        { name: d.labels.target, type: "line", data: d.target, symbol: "none",
          lineStyle: { type: "dashed" } },
        { name: d.labels.forecast, type: "line", data: d.forecast, symbol: "none",
          connectNulls: false, lineStyle: { type: "dotted" } },
        { name: d.labels.checkpoints, type: "scatter", data: d.checkpoints, symbolSize: 10 }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
