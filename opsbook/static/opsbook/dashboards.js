// Dashboards: sparklines on metric cards, SLA bars by channel and by service, twelve-month
// trends with their target line. Data comes from the page's json_script element
// (#dashboard-data); no inline script (CSP). Clicking a bar or a month opens its drill-down.
(function () {
  "use strict";
  var charts = [];

  function fmt(value, unit) {
    if (value === null || value === undefined) return "—";
    if (unit === "ratio") return (value * 100).toFixed(1) + " %";
    if (unit === "seconds") return (value / 3600).toFixed(1) + " h";
    return String(Math.round(value * 100) / 100);
  }

  function init(el) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    charts.push(chart);
    return chart;
  }

  function spark(el, d) {
    var series = [{ type: "line", data: d.values, symbol: "none", smooth: false, connectNulls: false,
      lineStyle: { width: 1.5 }, areaStyle: { opacity: 0.08 } }];
    if (d.target !== null && d.target !== undefined) {
      series[0].markLine = { silent: true, symbol: "none", label: { show: false },
        lineStyle: { type: "dashed", width: 1 }, data: [{ yAxis: d.target }] };
    }
    init(el).setOption({
      animation: false,
      grid: { left: 2, right: 2, top: 4, bottom: 2 },
      tooltip: { trigger: "axis", confine: true,
        formatter: function (p) { return p[0].name + ": " + fmt(p[0].value, d.unit); } },
      xAxis: { type: "category", data: d.labels, show: false },
      yAxis: { type: "value", show: false, scale: true },
      series: series
    });
  }

  function bars(el, d, links) {
    var chart = init(el);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" },
        formatter: function (ps) {
          return ps.map(function (p) {
            var counts = d.series[p.seriesIndex].counts[p.dataIndex];
            return p.marker + p.seriesName + ": " + (p.value === null ? "—" : p.value + " %") +
              (counts ? " (" + counts + ")" : "");
          }).join("<br>");
        } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value} %" } },
      yAxis: { type: "category", data: d.labels, inverse: true,
        axisLabel: { width: 160, overflow: "truncate" } },
      series: d.series.map(function (s) { return { name: s.name, type: "bar", data: s.values }; })
    });
    chart.on("click", function (p) {
      var url = links && links[p.seriesIndex] && links[p.seriesIndex][p.dataIndex];
      if (url) window.location.href = url;
    });
  }

  function trend(el, d) {
    var series = { name: d.name, type: "line", data: d.values, connectNulls: false, symbolSize: 6 };
    if (d.target !== null && d.target !== undefined) {
      series.markLine = { symbol: "none", lineStyle: { type: "dashed", color: "#dc3545" },
        label: { formatter: "{c}" + (d.axis === "%" ? " %" : d.axis ? " " + d.axis : "") },
        data: [{ yAxis: d.target }] };
    }
    var chart = init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 40, bottom: 8, top: 16, containLabel: true },
      xAxis: { type: "category", data: d.labels },
      // Rates never pass 100 %; other units scale to their data.
      yAxis: { type: "value", scale: true, max: d.axis === "%" ? 100 : null,
        axisLabel: { formatter: "{value}" + (d.axis === "%" ? " %" : d.axis ? " " + d.axis : "") } },
      series: [series]
    });
    chart.on("click", function (p) {
      var url = d.links && d.links[p.dataIndex];
      if (url && p.componentType === "series") window.location.href = url;
    });
  }

  function draw() {
    var data = document.getElementById("dashboard-data");
    if (!data || typeof echarts === "undefined") return;
    var d = JSON.parse(data.textContent);
    document.querySelectorAll("[data-spark]").forEach(function (el) {
      var s = d.sparks && d.sparks[el.getAttribute("data-spark")];
      if (s) spark(el, s);
    });
    var channel = document.getElementById("chart-channel");
    if (channel && d.channel) bars(channel, d.channel, d.links && d.links.channel);
    var service = document.getElementById("chart-service");
    if (service && d.service) bars(service, d.service, d.links && d.links.service);
    document.querySelectorAll("[data-trend]").forEach(function (el) {
      var t = d.trends && d.trends[el.getAttribute("data-trend")];
      if (t) trend(el, t);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
