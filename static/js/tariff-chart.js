/*
 * Draws every <canvas data-tariff-chart="ID"> as grouped bars: the monthly bill under each tariff, from the
 * JSON in the element with that id (services.tariffs.guide.Comparison.chart, written by json_script):
 *   {"labels": ["2026-01", ...], "series": [{"label": "浙江居民阶梯电价", "values": ["123.45", ...]}, ...]}
 * The table under the chart holds the same figures. Needs Chart.js (static/vendor).
 */
(function () {
  "use strict";

  var COLOURS = ["#0d6efd", "#d9480f", "#2f9e44", "#7048e8"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-tariff-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var datasets = data.series.map(function (series, index) {
      return {
        label: series.label,
        data: series.values.map(Number),
        backgroundColor: COLOURS[index % COLOURS.length]
      };
    });
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true, title: { display: true, text: "¥" } } }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-tariff-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
