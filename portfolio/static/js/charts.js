// Draws every chart on the page from its embedded JSON with the app's own plotly.js.
(function () {
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (node) {
      var target = document.getElementById(node.getAttribute('data-chart'));
      if (!target || target.getAttribute('data-drawn')) { return; }
      var fig = JSON.parse(node.textContent);
      window.Plotly.newPlot(target, fig.data, fig.layout,
        {displaylogo: false, responsive: true, locale: document.documentElement.lang});
      target.setAttribute('data-drawn', '1');
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', draw);
  } else { draw(); }
})();
