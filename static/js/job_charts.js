// One line chart per metric on the job page (Chart.js, vendored).
// The series come from the "metric-series" JSON script: {name: [[step, value], ...]};
// a null value (NaN or infinity) leaves a gap. htmx replaces the live part of
// the page every few seconds while the job runs, so charts are drawn again
// after each swap, without animation so they do not flicker.
(function () {
  "use strict";

  function draw(root) {
    const source = root.querySelector ? root.querySelector("#metric-series") : null;
    if (!source || typeof Chart === "undefined") return;
    const series = JSON.parse(source.textContent);
    root.querySelectorAll("canvas.metric-chart").forEach(function (canvas) {
      const points = series[canvas.dataset.metric] || [];
      const existing = Chart.getChart(canvas);
      if (existing) existing.destroy();
      new Chart(canvas, {
        type: "line",
        data: {
          datasets: [{
            label: canvas.dataset.metric,
            data: points.map(function (p) { return { x: p[0], y: p[1] }; }),
            spanGaps: false,
            pointRadius: points.length > 50 ? 0 : 2,
            borderWidth: 2,
          }],
        },
        options: {
          animation: false,
          parsing: false,
          scales: { x: { type: "linear", title: { display: true, text: "step" } } },
          plugins: { legend: { display: true } },
        },
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
})();
