// A campaign's answer distributions: one bar chart per scored or choice question.
// Data comes from the page's json_script element; no inline script (CSP).
(function () {
  "use strict";
  function colour(d, i) {
    if (!d.nps) return "#0d6efd";
    return i >= 9 ? "#198754" : i <= 6 ? "#dc3545" : "#adb5bd";
  }
  function draw() {
    var data = document.getElementById("survey-charts");
    if (!data || typeof echarts === "undefined") return;
    var all = JSON.parse(data.textContent);
    all.charts.forEach(function (d) {
      var el = document.getElementById(d.id);
      if (!el) return;
      var chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        grid: { left: 40, right: 16, bottom: 48, top: 16 },
        xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 6 && !d.nps ? 20 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{
          name: all.answers, type: "bar",
          data: d.counts.map(function (n, i) { return { value: n, itemStyle: { color: colour(d, i) } }; })
        }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
