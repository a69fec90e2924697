// Risk form: keeps "score = probability × consequence (band)" up to date while the user
// chooses. The server renders the first value; without JavaScript the page still works.
(function () {
  function scaleValue(input) {
    var text = String(input.value || '').trim();
    if (!/^[1-5]$/.test(text)) { return null; }
    return Number(text);
  }

  function bandFor(score, bands) {
    for (var i = 0; i < bands.length; i += 1) {
      if (bands[i].min <= score && score <= bands[i].max) { return bands[i]; }
    }
    return null;
  }

  function setUp(box) {
    var probability = document.getElementById(box.getAttribute('data-probability'));
    var consequence = document.getElementById(box.getAttribute('data-consequence'));
    var value = box.querySelector('[data-risk-score-value]');
    var bands;
    try { bands = JSON.parse(box.getAttribute('data-bands') || '[]'); } catch (e) { return; }
    if (!probability || !consequence || !value) { return; }

    function update() {
      var p = scaleValue(probability);
      var c = scaleValue(consequence);
      var text = box.getAttribute('data-empty');
      var band = null;
      if (p !== null && c !== null) {
        band = bandFor(p * c, bands);
        text = band ? (p * c) + ' (' + band.name + ')' : String(p * c);
      }
      // Only touch the live region when the text changes, so nothing is announced twice.
      if (value.textContent !== text) { value.textContent = text; }
      value.className = 'risk-score__value' + (band ? ' band-' + band.code : '');
    }

    [probability, consequence].forEach(function (input) {
      input.addEventListener('input', update);
      input.addEventListener('change', update);
    });
  }

  function init() {
    document.querySelectorAll('[data-risk-score]').forEach(setUp);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else { init(); }
})();
