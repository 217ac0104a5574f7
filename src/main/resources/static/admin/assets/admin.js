// Draws every <canvas data-chart="{Chart.js config}"> and asks before destructive actions (data-confirm).
(function () {
  function drawCharts(root) {
    root.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      if (canvas.dataset.rendered) return;
      new Chart(canvas, JSON.parse(canvas.dataset.chart));
      canvas.dataset.rendered = 'true';
    });
  }
  document.addEventListener('DOMContentLoaded', function () { drawCharts(document); });
  document.addEventListener('htmx:afterSwap', function (e) { drawCharts(e.target); });
  document.addEventListener('submit', function (e) {
    var msg = e.target.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) e.preventDefault();
  });
})();
