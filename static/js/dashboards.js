/*
 * The dashboards' charts (templates/dashboards/_table.html): every <canvas data-dashboard-chart="ID"> is drawn
 * from the JSON in the element with that id (dashboards.tables.bar_chart, dashboards.board):
 *   {"type": "bar" | "pareto" | "pchart", "unit": "%", "labels": [...], "links": [url or "", ...],
 *    "series": [{"label": "...", "values": [number or null, ...]}, ...], "outside": [bool, ...]}
 * A click on a bar or a point opens its link: the list of the orders behind the figure. The table under each
 * chart holds the same figures. Needs Chart.js (static/vendor).
 */
(function () {
  "use strict";

  var COLOURS = ["#0d6efd", "#d9480f", "#2b8a3e", "#868e96"];

  function datasets(data) {
    if (data.type === "pareto") {
      return [
        { type: "bar", label: data.series[0].label, data: data.series[0].values, backgroundColor: COLOURS[0], yAxisID: "y" },
        { type: "line", label: data.series[1].label, data: data.series[1].values, borderColor: COLOURS[1], yAxisID: "pct" }
      ];
    }
    if (data.type === "pchart") {
      var outside = data.outside || [];
      return [
        {
          type: "line", label: data.series[0].label, data: data.series[0].values, borderColor: COLOURS[0],
          pointRadius: outside.map(function (out) { return out ? 6 : 3; }),
          pointBackgroundColor: outside.map(function (out) { return out ? "#dc3545" : COLOURS[0]; })
        },
        { type: "line", label: data.series[1].label, data: data.series[1].values, borderColor: COLOURS[3], borderDash: [6, 4], pointRadius: 0 },
        { type: "line", label: data.series[2].label, data: data.series[2].values, borderColor: COLOURS[3], borderDash: [6, 4], pointRadius: 0 }
      ];
    }
    return data.series.map(function (series, index) {
      return { type: "bar", label: series.label, data: series.values, backgroundColor: COLOURS[index % COLOURS.length] };
    });
  }

  function scales(data) {
    var result = { y: { beginAtZero: data.type !== "pchart", title: { display: !!data.unit, text: data.unit } } };
    if (data.type === "pareto") {
      result.pct = { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } };
    }
    return result;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-dashboard-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      data: { labels: data.labels, datasets: datasets(data) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: data.series.length > 1, position: "bottom" } },
        scales: scales(data),
        onClick: function (event, elements) {
          var link = elements.length ? (data.links || [])[elements[0].index] : "";
          if (link) {
            window.location.assign(link);
          }
        }
      }
    });
  }

  function start() {
    document.querySelectorAll("canvas[data-dashboard-chart]").forEach(draw);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
