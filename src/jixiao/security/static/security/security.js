/* The security pages: incident clocks counting down to a deadline the server gives (data-due, ISO 8601),
   and the MTTR chart (ECharts) drawn from a JSON block beside it. No inline script anywhere. */
(function () {
  "use strict";
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var clocks = document.querySelectorAll(".clock[data-due]");
    var now = Date.now();
    for (var i = 0; i < clocks.length; i++) {
      var el = clocks[i];
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { continue; }
      var left = Math.round((due - now) / 1000);
      var late = left < 0;
      var s = Math.abs(left);
      var text = Math.floor(s / 3600) + "小时" + two(Math.floor((s % 3600) / 60)) + "分" + two(s % 60) + "秒";
      el.textContent = late ? "已超时 " + text : "剩余 " + text;
      el.classList.toggle("late", late);
      el.classList.toggle("soon", !late && left < 3600);
    }
  }
  function drawMttr(element) {
    var source = document.getElementById(element.getAttribute("data-source"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + " 小时"; } },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 32 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: "小时", min: 0 },
      series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data, barMaxWidth: 32 }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function init() {
    tick();
    window.setInterval(tick, 1000);
    var charts = document.querySelectorAll("[data-chart=mttr]");
    for (var i = 0; i < charts.length; i++) { drawMttr(charts[i]); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
