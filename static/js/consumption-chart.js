/*
 * Draws every <canvas data-chart-source="ID"> as a bar chart of monthly consumption, from the JSON in the
 * element with that id (written by Django's json_script in templates/includes/consumption_chart.html):
 *   {"labels": ["2026-01", ...], "unit": "kWh", "series": [{"key": "peak", "label": "...", "values": ["12.50", ...]}]}
 * Series are stacked, so peak and valley add up to the month's total. Needs Chart.js (static/vendor).
 */
(function () {
  "use strict";

  var COLOURS = {
    peak: "#d9480f",
    valley: "#1c7ed6",
    other: "#adb5bd",
    total: "#0d6efd"
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart-source"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var datasets = data.series.map(function (series) {
      return {
        label: series.label,
        data: series.values.map(Number),
        backgroundColor: COLOURS[series.key] || COLOURS.total,
        stack: "consumption"
      };
    });
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: datasets.length > 1, position: "bottom" } },
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: data.unit } }
        }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-chart-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
