/* Charts of the web app (ECharts): the actual as bars, the target or plan as a line. The figures come from
   a JSON block beside the chart (no inline script), and the same figures stand in a table under it. */
(function () {
  "use strict";
  function shorten(name) {
    return name.length > 10 ? name.slice(0, 10) + "…" : name;
  }
  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart-source"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    // Past six bars the names no longer fit side by side at 1366 px: they are slanted instead of overlapping.
    var slanted = data.names.length > 6;
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
      legend: { data: [data.actual_label, data.plan_label, data.time_label], top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: slanted ? 96 : 56 },
      xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: slanted ? 30 : 0, formatter: shorten } },
      yAxis: { type: "value", name: "%", min: 0 },
      series: [
        { name: data.actual_label, type: "bar", data: data.actual, barMaxWidth: 36, itemStyle: { color: "#1f5fc8" } },
        { name: data.plan_label, type: "line", data: data.plan, symbolSize: 8, itemStyle: { color: "#c8281e" } },
        { name: data.time_label, type: "line", data: data.time, symbol: "none", lineStyle: { type: "dashed" }, itemStyle: { color: "#6c757d" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function init() {
    var charts = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < charts.length; i++) { draw(charts[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
