// plugd console charts: draws the per-plugin activity of the last hour with uPlot. The page
// already shows the same figures as a table, so without JavaScript nothing is lost.
(function () {
  "use strict";

  const COLORS = {
    calls: "#2f6fdf",
    errors: "#d0392b",
    avg_ms: "#2f9e55",
    p50_ms: "#2f9e55",
    p95_ms: "#7a4fd0",
    max_ms: "#b7791f",
  };
  const LABELS = {
    calls: "calls / min",
    errors: "errors / min",
    avg_ms: "average ms",
    p50_ms: "median ms",
    p95_ms: "p95 ms",
    max_ms: "slowest ms",
  };

  function draw(el, data) {
    const keys = el.dataset.series.split(",");
    const width = Math.max(260, el.clientWidth || 300);
    const opts = {
      title: el.dataset.title,
      width,
      height: 180,
      series: [
        {},
        ...keys.map((k) => ({ label: LABELS[k] || k, stroke: COLORS[k] || "#888", width: 2 })),
      ],
      axes: [{ stroke: "#8a93a3" }, { stroke: "#8a93a3" }],
      scales: { x: { time: true } },
    };
    // globalThis.uPlot comes from the pinned uplot package, loaded before this file.
    const chart = new globalThis.uPlot(opts, [data.t, ...keys.map((k) => data[k])], el);
    new ResizeObserver(() => chart.setSize({ width: Math.max(260, el.clientWidth), height: 180 }))
      .observe(el);
  }

  function start() {
    const charts = document.querySelectorAll("[data-chart]");
    if (charts.length === 0 || !globalThis.uPlot) return;
    const url = charts[0].dataset.chart;
    fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
      .then((res) => (res.ok ? res.json() : Promise.reject(new Error(String(res.status)))))
      .then((data) => {
        charts.forEach((el) => {
          el.textContent = "";
          draw(el, data);
        });
      })
      .catch(() => {});
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
