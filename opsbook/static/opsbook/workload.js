// The workload chart: planned hours (routine work + open tickets) per person against capacity.
// Data comes from the page's json_script element; no inline script (CSP).
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("workload-chart");
    var data = document.getElementById("workload-data");
    if (!el || !data || typeof echarts === "undefined") return;
    var d = JSON.parse(data.textContent);
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 48, right: 16, bottom: 64, top: 40 },
      xAxis: { type: "category", data: d.names, axisLabel: { interval: 0, rotate: d.names.length > 8 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: [
        { name: d.labels.routine, type: "bar", stack: "planned", data: d.routine },
        { name: d.labels.tickets, type: "bar", stack: "planned", data: d.tickets },
        { name: d.labels.capacity, type: "line", step: "middle", symbol: "rect", connectNulls: false,
          data: d.capacity, lineStyle: { type: "dashed" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
