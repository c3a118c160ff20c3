// Draws a report page's charts from the JSON block the page carries: no inline script,
// so the page works under a Content-Security-Policy without 'unsafe-inline'.
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var colours = ["#1f3a5f", "#cf1322", "#d48806", "#389e0d", "#08979c", "#531dab", "#c41d7f"];

  function draw(key, type, options) {
    var canvas = document.getElementById("chart-" + key);
    var chart = charts[key];
    if (!canvas || !chart) { return; }
    new Chart(canvas, {
      type: type,
      data: {
        labels: chart.labels,
        datasets: [{
          label: chart.title,
          data: chart.values,
          backgroundColor: type === "doughnut" ? colours : "#1f3a5f",
          borderColor: "#1f3a5f",
          fill: false,
          tension: 0.2,
          pointRadius: chart.values.length > 40 ? 0 : 2
        }]
      },
      options: Object.assign({
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: type === "doughnut" } }
      }, options || {})
    });
  }

  draw("volume", "line", { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } });
  draw("tiers", "doughnut");
  draw("on_time", "bar", { scales: { y: { beginAtZero: true, max: 100 } } });
}());
