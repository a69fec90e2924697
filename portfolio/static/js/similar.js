// "Liknande initiativ" while an idea or initiative is written: once the title and the
// description are filled in, ask the same-origin JSON endpoint (ideas.similar_json) and list
// what it finds in the region's live area. Built with DOM nodes and textContent only (strict
// CSP, no inline script, no HTML from the server). Without JavaScript the server fills the
// region after a preview or a refused save.
(function () {
  var DELAY_MS = 500;

  function setUp(region) {
    var title = document.getElementById(region.getAttribute('data-title'));
    var text = document.getElementById(region.getAttribute('data-text'));
    var results = region.querySelector('[data-similar-results]');
    var endpoint = region.getAttribute('data-similar-endpoint');
    if (!title || !text || !results || !endpoint) { return; }
    var timer = null;
    var lastQuery = null;
    var sequence = 0;

    function message(textValue) {
      var p = document.createElement('p');
      p.className = 'empty-state';
      p.textContent = textValue;
      return p;
    }

    function show(nodes) {
      while (results.firstChild) { results.removeChild(results.firstChild); }
      nodes.forEach(function (node) { results.appendChild(node); });
    }

    function render(items) {
      if (!items.length) { show([message(region.getAttribute('data-empty'))]); return; }
      var list = document.createElement('ul');
      list.className = 'similar-list';
      items.forEach(function (item) {
        var li = document.createElement('li');
        li.className = 'similar-list__item';
        var a = document.createElement('a');
        a.href = item.url;
        a.textContent = item.ref + ' ' + item.title;
        var meta = document.createElement('span');
        meta.className = 'muted';
        meta.textContent = ' – ' + item.committee + (item.unit !== item.committee ? ' (' + item.unit + ')' : '') +
          ', ' + item.phase;
        li.appendChild(a);
        li.appendChild(meta);
        list.appendChild(li);
      });
      show([list]);
    }

    function ask() {
      var t = title.value.trim();
      var d = text.value.trim();
      if (t.length < 3 || d.length < 10) { return; }
      var params = new URLSearchParams({ title: t, text: d });
      if (region.getAttribute('data-exclude')) { params.set('exclude', region.getAttribute('data-exclude')); }
      var query = params.toString();
      if (query === lastQuery) { return; }
      lastQuery = query;
      sequence += 1;
      var mine = sequence;
      fetch(endpoint + '?' + query, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data && data.ready && mine === sequence) { render(data.items || []); }
        })
        .catch(function () { /* the suggestions are a help; the form works without them */ });
    }

    function later() {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(ask, DELAY_MS);
    }

    title.addEventListener('input', later);
    text.addEventListener('input', later);
    ask();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-similar-endpoint]'), setUp);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
