/*
 * Draws every <canvas data-bills-chart="ID">: each month's bill (bars, ¥) and kWh (a line, right axis), from the
 * JSON in the element with that id (billing.views.chart, written by json_script):
 *   {"labels": ["2026-01", ...], "amount": ["123.45", ...], "kwh": ["250.00", ...],
 *    "amount_label": "Amount (¥)", "kwh_label": "kWh"}
 * The list under the chart holds the same figures. Needs Chart.js (static/vendor).
 */
(function () {
  "use strict";

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-bills-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.amount_label, data: data.amount.map(Number), backgroundColor: "#0d6efd", yAxisID: "y" },
          { type: "line", label: data.kwh_label, data: data.kwh.map(Number), borderColor: "#d9480f", yAxisID: "kwh" }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          y: { beginAtZero: true, title: { display: true, text: "¥" } },
          kwh: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "kWh" } }
        }
      }
    });
  }

  function drawAll() {
    document.querySelectorAll("canvas[data-bills-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
